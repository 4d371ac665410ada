"""The English option: with the language switched to English, every app's pages speak English.

Chinese stays the default. Names of places and people, care-tag names, and the Chinese
spreadsheet headers an import expects are data and stay as they are; everything else on a page
(the navigation, headings, labels, buttons, choices) must come out of the English catalogue.
A page is checked by removing the scenario's data from it and asserting that no Chinese
character is left.
"""

from __future__ import annotations

import ast
import gettext
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from linli.care.models import HelpRequest
from linli.care.selfservice import self_service_link
from linli.care.services import help_request_create
from linli.duty.models import Duty, Team, Volunteer
from linli.duty.reportin import report_in_link
from linli.places.models import Building, CareTag, Committee, Compound, Resident, Town
from linli.testing.scenario import Scenario, build_grid_scenario

pytestmark = pytest.mark.django_db

LOCALE = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES"

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# The switch back to Chinese is written in Chinese on purpose, as language pickers are.
LANGUAGE_SWITCH = '<button name="language" value="zh-hans" class="link">中文</button>'


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def grid(scenario) -> Scenario:
    s = build_grid_scenario(scenario)
    s.team = Team.objects.create(  # type: ignore[attr-defined]
        town=s.town, committee=s.kaiwu, function=Team.Function.MEDICINE
    )
    s.help_request = help_request_create(  # type: ignore[attr-defined]
        user=s.users["kaiwu"],
        resident=s.residents["zhang"],
        category=HelpRequest.Category.MEDICINE,
        urgency=HelpRequest.Urgency.URGENT,
        source=HelpRequest.Source.STAFF,
        description="降压药",
    ).help_request
    return s


def english(client: Client) -> Client:
    """Switch a client to English the way a user does: the set_language form in base.html."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


def english_client_for(s: Scenario, username: str) -> Client:
    client = Client()
    client.force_login(s.users[username])
    return english(client)


def data_strings() -> list[str]:
    """Everything Chinese in the database: names of places and people, tags, descriptions."""
    values: list[str] = []
    for model, fields in [
        (Town, ["name"]),
        (Committee, ["name"]),
        (Compound, ["name"]),
        (Building, ["name"]),
        (Resident, ["name"]),
        (CareTag, ["name"]),
        (Volunteer, ["name"]),
        (Duty, ["title"]),
        (HelpRequest, ["description"]),
    ]:
        for row in model.objects.values_list(*fields):
            values.extend(v for v in row if v)
    return sorted(set(values), key=len, reverse=True)


def leftover_chinese(html: str) -> list[str]:
    """Chinese left on a page once its data is removed, each with a little context."""
    text = html.replace(LANGUAGE_SWITCH, "")
    for value in data_strings():
        text = text.replace(value, "")
    return [text[max(m.start() - 40, 0) : m.end() + 40] for m in CJK.finditer(text)]


def nav_of(html: str) -> str:
    start = html.index('<nav class="nav">')
    return html[start : html.index("</nav>", start)]


def get_english(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="en">' in html
    return html


def staff_pages(s: Scenario) -> list[tuple[str, list[str]]]:
    """(url, English words the page must show) for committee staff of 新凯五村."""
    hr = s.help_request  # type: ignore[attr-defined]
    return [
        (reverse("home"), ["Home", "Registry overview", "Residents per committee"]),
        (reverse("places:committees"), ["Committees", "Households", "Special care"]),
        (reverse("places:committee", args=[s.kaiwu.pk]), ["Compounds", "Buildings"]),
        (reverse("places:compounds"), ["Compounds", "Kind"]),
        (reverse("places:buildings"), ["Buildings", "Households"]),
        (reverse("places:building", args=[s.b1.pk]), ["Room", "Residents"]),
        (reverse("places:residents"), ["Name", "Gender", "Date of birth", "Export to Excel"]),
        (reverse("places:resident", args=[s.residents["zhang"].pk]), ["ID number", "History"]),
        (reverse("duty:index"), ["Duties"]),
        (reverse("duty:committee", args=[s.kaiwu.pk]), ["Duty grid", "Service team", "Since"]),
        (reverse("duty:coverage"), ["Duty coverage", "Buildings with a building leader"]),
        (reverse("duty:suggestions", args=[s.kaiwu.pk]), ["Pairing suggestions"]),
        (reverse("duty:volunteer", args=[s.volunteers["alice"].pk]), ["Duty history", "Skills"]),
        (
            reverse("duty:assign", args=[s.kaiwu.pk]) + f"?building={s.b1.pk}",
            ["Assign duty", "Current holders", "Replace the current holder"],
        ),
        (reverse("care:index"), ["Help requests", "Help QR code posters"]),
        (
            reverse("care:committee", args=[s.kaiwu.pk]),
            ["Overdue only", "Urgent", "Medicine", "Unassigned"],
        ),
        (reverse("care:request", args=[hr.pk]), ["Timeline", "Address", "Accept", "Assign"]),
        (
            reverse("care:request_new_household", args=[s.households["b1_101"].pk]),
            ["Record a help request", "Category", "Urgency"],
        ),
        (reverse("care:visits"), ["Door-knock", "Never visited"]),
        (reverse("care:coverage"), ["Visit coverage", "By building", "Households not visited"]),
        (
            reverse("care:visit_household", args=[s.households["b1_101"].pk]),
            ["Visit outcome", "All well", "Nobody answered", "Whole household"],
        ),
    ]


def test_staff_pages_of_every_app_are_in_english(grid):
    client = english_client_for(grid, "kaiwu")
    for url, words in staff_pages(grid):
        html = get_english(client, url)
        missing = [w for w in words if w not in html]
        assert not missing, f"{url} lacks {missing}"
        assert not leftover_chinese(html), f"{url}: {leftover_chinese(html)}"


def test_the_navigation_has_no_chinese_in_english(grid):
    for username in ["town", "kaiwu", "alice"]:
        html = get_english(english_client_for(grid, username), reverse("care:visits"))
        nav = nav_of(html)
        assert not CJK.search(nav), f"{username}: {nav}"
        if username == "alice":  # a volunteer's nav: their work only
            assert ">My tasks</a>" in nav and ">Home</a>" not in nav
        else:
            assert ">Home</a>" in nav and ">Residents</a>" in nav


def test_town_staff_pages_are_in_english(grid):
    client = english_client_for(grid, "town")
    for url, words in [
        (reverse("care:town"), ["supervision"]),
        (reverse("duty:index"), ["Duties", "Coverage"]),
        (reverse("core:audit_log"), ["Audit log", "Action", "Event", "logged in"]),
        (reverse("places:transfers"), ["Transfers", "No requests await confirmation."]),
    ]:
        html = get_english(client, url)
        assert all(w in html for w in words), url
        assert not leftover_chinese(html), f"{url}: {leftover_chinese(html)}"
    nav = nav_of(get_english(client, reverse("home")))
    assert ">Audit log</a>" in nav and ">Coverage</a>" in nav and ">Transfers</a>" in nav


def test_a_volunteers_pages_are_in_english(grid):
    client = english_client_for(grid, "alice")
    for url, words in [
        (reverse("duty:mine"), ["My duties", "Building leader", "Claim a building or household"]),
        (reverse("duty:claim"), ["Buildings without a leader", "Households without a keeper"]),
        (reverse("care:tasks"), ["My tasks"]),
    ]:
        html = get_english(client, url)
        missing = [w for w in words if w not in html]
        assert not missing, f"{url} lacks {missing}"
        assert not leftover_chinese(html), f"{url}: {leftover_chinese(html)}"


def test_the_import_page_is_in_english_but_shows_the_chinese_headers_to_use(grid):
    html = get_english(english_client_for(grid, "kaiwu"), reverse("places:import"))
    for words in ["Import a spreadsheet", "Resident roster", "Upload and check", "required"]:
        assert words in html
    # The headers a spreadsheet may carry are data the importer matches: they stay Chinese.
    start = html.index('<details class="card">')
    guide = html[start : html.index("</details>", start)]
    assert "室号" in guide and "Which headers?" in guide
    page = html[:start] + html[html.index("</details>", start) :]
    assert not leftover_chinese(page), leftover_chinese(page)


def test_an_import_preview_is_in_english(grid, tmp_path):
    client = english_client_for(grid, "kaiwu")
    csv = "小区,楼栋,室号,姓名\n香樟苑,1号楼,101,新居民\n香樟苑,1号楼,,无室号\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("roster.csv", csv, content_type="text/csv")
    response = client.post(reverse("places:import"), {"kind": "residents", "file": upload})
    assert response.status_code == 302
    html = get_english(client, response["Location"])
    for words in ["Import Resident roster: roster.csv", "1 bad row", "Row 3", "Header on row 1"]:
        assert words in html, words
    # Reasons and column names in English only (Problem keeps both; the page picks its own).
    reasons = re.findall(r'<strong class="reason">(.*?)</strong>', html, re.S)
    assert reasons == ["missing room"], reasons
    assert "室号 → Room" in html and "姓名 → Name" in html
    # Only the file's own headers stay Chinese: the left side of each "header → column".
    headers_removed = re.sub(r"<li>[^<]*? → ", "<li>", html)
    assert not leftover_chinese(headers_removed), leftover_chinese(headers_removed)


def test_the_login_page_is_in_english(client):
    html = get_english(english(client), reverse("login"))
    assert "Log in to Linli" in html and "Username" in html and "Password" in html
    assert not leftover_chinese(html), leftover_chinese(html)


def test_a_wrong_password_is_explained_in_english(scenario, client):
    english(client)
    response = client.post(reverse("login"), {"username": "kaiwu", "password": "wrong"})
    html = response.content.decode()
    assert "Wrong username or password" in html
    assert not leftover_chinese(html)


def test_public_pages_for_residents_and_volunteers_are_in_english(grid):
    link = self_service_link(user=grid.users["alice"], building=grid.b1)
    ask = reverse("care:ask", args=[link.token])
    join = reverse("duty:join", args=[report_in_link(user=None, committee=grid.kaiwu).token])
    for url, words in [
        (ask, ["Ask for help", "What help do you need", "Send request", "Medicine"]),
        (join, ["Volunteer report-in", "Report in"]),
    ]:
        html = get_english(english(Client()), url)
        missing = [w for w in words if w not in html]
        assert not missing, f"{url} lacks {missing}"
        assert not leftover_chinese(html), f"{url}: {leftover_chinese(html)}"


def test_messages_after_an_action_are_in_english(grid):
    client = english_client_for(grid, "kaiwu")
    hr = grid.help_request  # type: ignore[attr-defined]
    response = client.post(
        reverse("care:transition", args=[hr.pk]), {"to": "accepted"}, follow=True
    )
    html = response.content.decode()
    assert "Updated to “Accepted”" in html
    assert not leftover_chinese(html), leftover_chinese(html)


def test_the_care_export_has_english_headers(grid):
    from io import BytesIO

    from openpyxl import load_workbook

    client = english_client_for(grid, "kaiwu")
    response = client.get(reverse("care:export", args=["committee"]) + f"?pk={grid.kaiwu.pk}")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "committee" not in disposition and "%E6%96%B0%E5%87%AF%E4%BA%94%E6%9D%91" in disposition
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert headers[:3] == ["No.", "Created", "Compounds"]
    assert not any(CJK.search(h) for h in headers)


def test_chinese_stays_the_default(grid):
    client = Client()
    client.force_login(grid.users["kaiwu"])
    html = client.get(reverse("care:committee", args=[grid.kaiwu.pk])).content.decode()
    assert '<html lang="zh-hans">' in html
    nav = nav_of(html)
    assert ">首页</a>" in nav and ">居委</a>" in nav and "Home" not in nav
    assert "仅超时" in html and "Overdue only" not in html
    assert '<button name="language" value="en" class="link">EN</button>' in html


def test_switching_back_to_chinese(grid):
    client = english_client_for(grid, "kaiwu")
    assert ">Home</a>" in nav_of(get_english(client, reverse("home")))
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert ">首页</a>" in nav_of(html) and '<html lang="zh-hans">' in html


def catalogue_entries() -> list[dict[str, str]]:
    """The entries of the English .po: msgctxt, msgid, msgid_plural, msgstr/msgstr[n], flags."""
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in po.split("\n\n")[1:]:  # the first block is the header
        entry: dict[str, str] = {"flags": ""}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        entries.append(entry)
    return entries


def test_every_catalogue_entry_is_translated_and_compiled():
    """An untranslated or fuzzy entry, or a stale .mo, shows Chinese to English users."""
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    entries = catalogue_entries()
    assert len(entries) > 400
    for e in entries:
        assert "fuzzy" not in e["flags"], e
        context = e["msgctxt"] + "\x04" if "msgctxt" in e else ""
        if "msgid_plural" in e:
            assert e["msgstr[0]"] and e["msgstr[1]"], e
            assert compiled.ngettext(context + e["msgid"], e["msgid_plural"], 2) == e["msgstr[1]"]
        else:
            assert e["msgstr"], e
            assert compiled.gettext(context + e["msgid"]) == e["msgstr"], e


def test_an_import_being_checked_and_a_large_export_are_in_english(grid, settings, tmp_path):
    """The progress pages of the two kinds of task, before and after a worker ran them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.core.export_jobs import export_run
    from linli.core.models import ExportJob

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LINLI_EXPORT_NOW_ROWS = 1
    client = english_client_for(grid, "kaiwu")
    csv = "小区,楼栋,室号,姓名\n香樟苑,1号楼,101,新居民\n".encode()
    upload = SimpleUploadedFile("roster.csv", csv, content_type="text/csv")
    response = client.post(reverse("places:import"), {"kind": "residents", "file": upload})
    html = get_english(client, response["Location"])
    assert "Queued" in html and not leftover_chinese(html), leftover_chinese(html)
    asked = client.get(reverse("places:export", args=["residents"]))
    html = get_english(client, asked["Location"])
    assert "kept for a day" in html and "Queued" in html
    assert not leftover_chinese(html), leftover_chinese(html)
    export_run.call(ExportJob.objects.get().pk)
    html = get_english(client, asked["Location"])
    assert "rows exported" in html and "Download" in html
    assert not leftover_chinese(html), leftover_chinese(html)
