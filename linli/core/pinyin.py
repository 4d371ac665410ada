"""Pinyin initials for name search (张三丰 → zsf), cached per character for bulk imports.

pypinyin is imported on first use, not at start-up: every `linli` command would otherwise pay
for loading its dictionary. Initials are taken one character at a time, so its phrase
dictionary (three quarters of its start-up, for words, not single characters) is not loaded.
"""

from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=20_000)
def _initial(char: str) -> str:
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0].lower() if letters else ""


def initials(name: str) -> str:
    return "".join(map(_initial, name))
