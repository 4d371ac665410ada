"""A large export in chromium at phone width: the page polls the worker's progress, then
offers the download."""

from __future__ import annotations

import pytest

from linli.testing.browser import fits_a_phone, log_in
from linli.testing.scenario import build_scenario


@pytest.mark.browser
def test_a_large_export_is_downloaded_once_the_worker_made_it(
    browser_page, database_queue, settings
):
    settings.LINLI_EXPORT_NOW_ROWS = 3
    build_scenario()
    page = browser_page
    log_in(page, "kaiwu")
    page.goto(page.base + "/places/residents/")
    page.click(".export-form button[type=submit]")
    page.wait_for_selector("#task-progress progress")  # queued: the page polls
    assert fits_a_phone(page)
    database_queue.work()
    page.wait_for_selector("#export-download", timeout=20_000)
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename.startswith("居民-")
    assert download.value.suggested_filename.endswith(".xlsx")
