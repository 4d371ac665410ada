"""The dashboards' rows of the rules matrix (linli/tests/test_rules_matrix.py): rule →
(make the object in scope, make it out of scope, roles allowed in, roles allowed out).
The daily briefing is the town office's: a rule of the role alone."""

from __future__ import annotations

from typing import Any

ROWS: dict[str, Any] = {
    # -- daily briefing --
    "dashboards.send_briefing": (None, None, {"town"}, set()),
}
