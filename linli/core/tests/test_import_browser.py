"""The upload page in chromium at phone width: a kind's own options (the test round, …) show
when that kind is chosen, and only then; the round field offers the town's rounds."""

from __future__ import annotations

import pytest

from linli.testing.browser import fits_a_phone, log_in
from linli.testing.scenario import build_grid_scenario, build_scenario
from linli.testing.screening import build_screening_scenario


@pytest.mark.browser
def test_the_round_fields_show_for_the_kinds_that_take_a_round(browser_page, tmp_path):
    build_screening_scenario(build_grid_scenario(build_scenario()))
    page = browser_page
    log_in(page, "town")
    page.goto(page.base + "/places/import/")
    samples = page.locator('fieldset[data-for-kind="samples"]')
    antigen = page.locator('fieldset[data-for-kind="antigen-results"]')
    assert samples.is_hidden() and antigen.is_hidden()  # the roster is chosen first
    page.select_option("select[name=kind]", "samples")
    assert samples.is_visible() and antigen.is_hidden()
    assert page.locator("input[name=samples-round]").is_visible()
    offered = "e => [...e.list.options].map(o => o.value)"  # the input's own datalist
    assert page.eval_on_selector("input[name=samples-round]", offered) == ["第1轮核酸"]
    assert fits_a_phone(page)
    page.screenshot(path=str(tmp_path / "import-samples.png"), full_page=True)
    page.select_option("select[name=kind]", "antigen-results")
    assert samples.is_hidden() and antigen.is_visible()
    page.select_option("select[name=kind]", "lab-results")  # no options of its own
    assert samples.is_hidden() and antigen.is_hidden()
