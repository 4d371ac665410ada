"""The scope probe: every page and API path of the site, read by a login, with every id of
the right kind put into its path. Tests assert what no answer may contain (people outside the
login's scope, server errors). New URLs are probed as soon as they exist; a path segment the
probe cannot fill is an error that names it, so a new app says which model its ids belong to.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import openpyxl
from django.apps import apps
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from linli.core.masking import mask_number

# Path segment before an id → the model whose ids go there.
SEGMENTS = {
    "committees": "places.Committee",
    "compounds": "places.Compound",
    "buildings": "places.Building",
    "households": "places.Household",
    "residents": "places.Resident",
    "volunteers": "duty.Volunteer",
    "duties": "duty.Duty",
    "claims": "duty.Claim",
    "pairings": "duty.Pairing",
    "teams": "duty.Team",
    "requests": "care.HelpRequest",
    "help-requests": "care.HelpRequest",
    "visits": "care.Visit",
    "import": "core.ImportJob",
    "exports": "core.ExportJob",
    "transfers": "places.TransferRequest",
    "tokens": "accounts.ApiToken",
    # medicine: requests, lines, cards, money, runs and the bag page
    "orders": "medicine.MedicineOrder",
    "lines": "medicine.MedicineLine",
    "cards": "medicine.InsuranceCard",
    "disputes": "medicine.MoneyDispute",
    "entries": "medicine.AdvanceEntry",
    "runs": "medicine.MedicineRun",
    "bags": "medicine.MedicineOrder",
    # supplies: suppliers, worksites' needs, group buys, package rounds, the shared basket
    "suppliers": "supplies.Supplier",
    "papers": "supplies.SupplierPaper",
    "complaints": "supplies.Complaint",
    "worksite-needs": "supplies.WorksiteNeed",
    "worksite-orders": "supplies.WorksiteOrder",
    "group-buys": "supplies.GroupBuy",
    "buy": "supplies.GroupBuy",
    "rules": "places.Committee",  # a committee's group-buy rules
    "items": "supplies.GroupBuyItem",
    "consent": "supplies.PriceChange",
    "rounds": "supplies.PackageRound",
    "deliveries": "supplies.PackageDelivery",
    "claim": "supplies.BasketPost",  # basket/<token>/claim/<post>/
    "basket-buildings": "places.Building",
    "basket-posts": "supplies.BasketPost",
    # screening: a round's pages (/screening/<round>/…), a point's desk and its boxes
    "screening": "screening.TestRound",
    "desk": "screening.SamplingPoint",
    "box": "screening.TransportBox",
    # screening, coverage part: screening/coverage/<round>/{committee,compound,building}/<id>/
    "coverage": "screening.TestRound",
    "committee": "places.Committee",
    "compound": "places.Compound",
    "building": "places.Building",
    # worksites: a site's board is /worksites/<compound>/, its transport requests and permits
    "worksites": "places.Compound",
    "transport": "worksites.TransportRequest",
    "permits": "worksites.Permit",
    # notices: a notice (and a household's door to it), its files, robot channels
    "notices": "notices.Notice",
    "files": "notices.Attachment",
    "robots": "notices.RobotChannel",
    # screening, results part: a pool's follow-up, a case
    "follow-ups": "screening.PoolFollowUp",
    "cases": "screening.Case",
    # the daily briefing: a sent one, as it was sent
    "history": "dashboards.SentBriefing",
}
# Words in other parameters: export kinds, reveal fields, report kinds; tokens get a bad one.
WORDS = {
    "kind": [
        "residents",
        "volunteers",
        "duties",
        "requests",
        "visits",
        "duty-coverage",
        "medicine",
    ],
    "field": ["phone", "id_number"],
    "token": ["not-a-token"],
    "key": ["plan-not-a-plan-key-at-all"],  # the medicine desk's plan drafts
}
# Group buys: the outputs and money actions, the outputs' formats.
WORDS["kind"] += ["supplier", "buildings", "households", "pay", "refund", "refund-all"]
WORDS["fmt"] = ["xlsx", "pdf"]
# Screening coverage: the lists behind the figures.
WORDS["which"] = ["expected", "exempt", "sampled", "missing", "positives", "nobody"]
API = "api/v1/"
SKIPPED = re.compile(r"^(admin/|i18n/|accounts/logout/|api/v1/docs/)")
_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass
class ProbeReport:
    requests: int = 0
    server_errors: list[tuple[str, int]] = field(default_factory=list)
    leaks: list[tuple[str, str]] = field(default_factory=list)


def site_paths() -> list[str]:
    """Every URL pattern of the site as a route with `<name>` placeholders."""
    routes: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern).lstrip("^").rstrip("$")
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif not SKIPPED.match(route):
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


def fill(route: str) -> Iterator[str]:
    """The route with every combination of values for its parameters."""
    match = _PARAM.search(route)
    if match is None:
        yield "/" + route
        return
    name = match["name"]
    if name in WORDS:
        values = WORDS[name]
    else:
        segment = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if segment not in SEGMENTS:
            raise LookupError(f"the probe cannot fill {route!r}: add {segment!r} to SEGMENTS")
        model = apps.get_model(SEGMENTS[segment])
        values = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
        values.append("99999999")
    for value in values:
        yield from fill(route[: match.start()] + value + route[match.end() :])


def probe(
    client: Client,
    forbidden: Sequence[str],
    *,
    api: bool,
    queries: Sequence[str] = (),
    label: str = "",
) -> ProbeReport:
    """GET every page path (or, with `api`, every API path) with `client`; report server errors
    and answers holding a forbidden text. Paths without parameters are also asked with `?q=`
    each of `queries` (the search box); the query itself is taken out of those answers, so
    forbid another trace of the same person (a masked number) to catch a search finding them."""
    report = ProbeReport()

    def check(url: str, echo: str = "") -> None:
        response = client.get(url)
        report.requests += 1
        if response.status_code >= 500:
            report.server_errors.append((url, response.status_code))
        text = _text(response)
        if echo:  # the search box shows what was asked (numbers masked): that is no leak
            text = text.replace(echo, "").replace(mask_number(echo), "")
        report.leaks += [(f"{label} {url}", f) for f in forbidden if f and f in text]

    for route in site_paths():
        if route.startswith(API) != api:
            continue
        for url in fill(route):
            check(url)
            if "<" not in route:
                for q in queries:
                    check(f"{url}?{urlencode({'q': q, 'search': q})}", echo=q)
    return report


def _text(response: HttpResponseBase) -> str:
    """What a person reads in the answer: the page, or the cells of a spreadsheet download."""
    body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
    if "spreadsheetml" not in response.get("Content-Type", ""):
        return body.decode(errors="replace")
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
