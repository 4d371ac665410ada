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


# What counts as a tap target (an action of the page) for `small_targets`: every button and
# form control, the links of the top bar, of sub-navigation and of the pager, every link in a
# table cell (a name to open, 去走访), and every call link. A checkbox or radio button wrapped
# in a <label> is tapped through its label, so the label's box counts. Not counted: links in
# running text (a sentence, a breadcrumb, a heading), which are read more than tapped, and
# elements not shown (display:none, a closed <details>, zero size).
TAP_TARGETS = (
    "button, .button, input:not([type=hidden]), select, textarea, summary, "
    ".nav a, .subnav a, .pagination a, td a, a[href^='tel:']"
)
TAP_MIN = 44  # px, both ways (WCAG 2.5.5; Apple's and Google's guidelines say 44–48)

_SMALL_TARGETS_JS = """([selector, min]) => {
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    let box = el;
    if (el.matches("input[type=checkbox], input[type=radio]") && el.closest("label")) {
      box = el.closest("label");
    }
    if (!box.checkVisibility({visibilityProperty: true})) continue;
    const r = box.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.width + 0.5 < min || r.height + 0.5 < min) {
      const text = (box.innerText || box.value || box.name || "").trim().slice(0, 20);
      small.push(`${box.tagName.toLowerCase()}.${box.className} "${text}" ` +
                 `${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}"""


def small_targets(page: Any) -> list[str]:
    """The tap targets (TAP_TARGETS) of the page smaller than TAP_MIN px either way."""
    return list(page.evaluate(_SMALL_TARGETS_JS, [TAP_TARGETS, TAP_MIN]))


def masked_call_links(page: Any) -> list[str]:
    """`tel:` links whose number is masked (a `*` in it): they would dial nothing."""
    hrefs = page.eval_on_selector_all("a[href^='tel:']", "links => links.map(a => a.href)")
    return [href for href in hrefs if "*" in href or "%2A" in href.upper()]


def page_width(page: Any) -> int:
    """How wide the document is: more than the viewport means the page scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def nav_links(page: Any) -> list[str]:
    """The paths the top bar links to, as the signed-in user sees them."""
    return list(page.eval_on_selector_all(".nav a", "links => links.map(a => a.pathname)"))
