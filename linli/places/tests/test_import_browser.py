"""Importing a roster through the upload page in chromium at phone width."""

from __future__ import annotations

import pytest

from linli.places.models import Resident
from linli.testing.browser import fits_a_phone, log_in
from linli.testing.rosters import resident_rows, write_roster_xlsx
from linli.testing.scenario import build_scenario


@pytest.mark.browser
def test_committee_staff_imports_a_roster_on_a_phone(browser_page, tmp_path, database_queue):
    build_scenario()
    rows = resident_rows(40, committees=["新凯五村"])
    roster = write_roster_xlsx(tmp_path / "新凯五村花名册.xlsx", rows)
    page = browser_page
    log_in(page, "kaiwu")
    page.click("nav >> text=导入")
    page.select_option("select[name=kind]", "residents")
    page.set_input_files("input[name=file]", str(roster))
    page.click("button[type=submit].primary")
    page.wait_for_selector("#task-progress progress")  # the check is queued: the page polls
    database_queue.work()
    page.wait_for_selector("#confirm-import", timeout=20_000)  # htmx reloads the page
    assert page.locator("#count-created").inner_text() == "40"
    assert fits_a_phone(page)
    page.click("#confirm-import")
    page.wait_for_selector("#task-progress progress")  # queued: the page polls
    database_queue.work()
    page.wait_for_selector(".import-done", timeout=20_000)
    assert page.locator("#count-created").inner_text() == "40"
    assert fits_a_phone(page)
    assert Resident.objects.filter(id_number__in=[r[7] for r in rows]).count() == 40
