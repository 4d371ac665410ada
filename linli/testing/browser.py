"""Steps the browser tests share (with the `browser_page` fixture: chromium at 360 px)."""

from __future__ import annotations

from typing import Any

from linli.testing.scenario import PASSWORD


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login page and wait for the page the login lands on (the home page
    for staff, 我的任务 for a volunteer)."""
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def fits_a_phone(page: Any) -> bool:
    """Whether the page is no wider than the phone (tables scroll inside their own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth") <= 360)
