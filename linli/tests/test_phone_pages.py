"""Every page in each role's navigation fits a 360-px phone (issue 9, part 3).

For each demo role, signed in on chromium at 360 × 740, every page the top bar links to (as
that role sees it, whatever the apps register), and the long list pages the role may open,
must not scroll sideways (the document no wider than the viewport), must have no tap target
under 44 px (`linli.testing.browser.TAP_TARGETS` says precisely which elements count: buttons,
form controls, the top bar's, sub-navigation's and pager's links, links in table cells, call
links; a checkbox by its label), and no `tel:` link to a masked number (it would dial nothing).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from linli.medicine.models import MedicineOrder
from linli.places.models import Committee
from linli.testing.browser import masked_call_links, nav_links, page_width, small_targets

PHONE_WIDTH = 360
# The long lists (issue 9), opened besides the top bar's pages by the roles that may.
STAFF_LISTS = ["/duty/claim/", "/care/visits/coverage/", "/duty/committees/{kaiwu}/"]
LISTS = {
    "town": STAFF_LISTS,
    "kaiwu": STAFF_LISTS,
    "leader": ["/duty/claim/", "/care/visits/coverage/"],
    "paired": ["/duty/claim/", "/care/visits/coverage/"],
    "secretary": ["/duty/claim/", "/care/visits/coverage/"],
}
# The medicine desk (med-desk): the desk's pages, and town staff's team and plan pages.
MEDICINE_DESK = [
    "/medicine/",
    "/medicine/orders/new/",
    "/medicine/plan/",
    "/medicine/hospitals/",
    "/medicine/team/",
    "/medicine/help-requests/",
    "/medicine/orders/{order}/",
]
LISTS["desk"] = MEDICINE_DESK
LISTS["town"] = [*STAFF_LISTS, *MEDICINE_DESK]


def sign_in(page, username: str) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "linli-demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


@pytest.mark.browser
@pytest.mark.parametrize("role", sorted(LISTS))
def test_every_page_of_a_roles_navigation_fits_a_phone(browser_page, role):
    call_command("demo", "--scale", "0.01", stdout=io.StringIO())
    kaiwu = Committee.objects.get(name="新凯五村").pk
    page = browser_page
    sign_in(page, role)
    order = MedicineOrder.objects.order_by("urgency", "id").first()
    lists = [path.format(kaiwu=kaiwu, order=order.pk if order else 0) for path in LISTS[role]]
    paths = nav_links(page)
    assert len(paths) >= 3, f"{role} has almost no navigation: {paths}"
    paths += [path for path in lists if path not in paths]
    problems = []
    for path in paths:
        response = page.goto(page.base + path)
        if path in lists and response.status in (403, 404):
            continue  # a list page this role may not open: nothing to fit
        assert response.status < 400, f"{role} {path}: {response.status}"
        width = page_width(page)
        if width > PHONE_WIDTH:
            problems.append(f"{path}: {width} px wide")
        problems += [f"{path}: small tap target {t}" for t in small_targets(page)]
        problems += [f"{path}: masked call link {href}" for href in masked_call_links(page)]
    assert not problems, f"{role} at {PHONE_WIDTH} px:\n" + "\n".join(problems)
