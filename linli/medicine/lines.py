"""The rules a medicine line must meet before it counts as fetched, in one place: the runner's
checklist (`linli.medicine.runs.line_mark`) and the desk's line editing both ask
`line_fetch_problem()`."""

from __future__ import annotations

from linli.core.validators import Problem
from linli.medicine.models import MedicineLine


def line_fetch_problem(line: MedicineLine, *, substitute: str = "") -> Problem | None:
    """Why `line` may not be marked fetched (or partly fetched), or None.

    A name alone fetches the wrong drug: the line needs its strength (规格), and its maker
    (厂家) unless the desk marked it "any maker" (厂家不限). A substitute (`substitute`, or one
    already on the line) needs the line to allow substitution and the patient's recorded
    consent (`substitution_consent`)."""
    if not line.strength.strip():
        return Problem(
            "该药品缺少规格，不能标记为已取，请联系内场补全",
            "the line has no strength; it cannot be marked fetched (ask the desk)",
        )
    if not line.any_maker and not line.maker.strip():
        return Problem(
            "该药品未注明厂家（或“厂家不限”），不能标记为已取",
            "the line names no maker (nor 'any maker'); it cannot be marked fetched",
        )
    if (substitute or line.substitute).strip():
        if not line.substitution_allowed:
            return Problem("该药品不允许替换", "this line may not be substituted")
        if not line.substitution_consent.strip():
            return Problem(
                "替换药品须先记录患者同意", "a substitute needs the patient's recorded consent"
            )
    return None
