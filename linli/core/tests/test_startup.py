"""What every `linli` command loads at start-up: not the demo town's modules, not pypinyin,
not scipy (the pairing solver's)."""

from __future__ import annotations

import os
import subprocess
import sys

from linli.core.pinyin import initials


def test_commands_start_without_loading_the_demo_pypinyin_or_scipy():
    code = (
        "import sys, django; django.setup();"
        "print(sorted(m for m in sys.modules if m.startswith(('pypinyin', 'scipy'))"
        " or m.endswith('.demo')"
        " or m.endswith('.demo_draw') or m.endswith('.demo_data')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "linli.settings"}
    out = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_initials_are_the_first_letters_of_each_characters_reading():
    # First letters of the characters' readings: 欧阳 ōuyáng, 吕 lǚ (ü is written u or v).
    assert initials("张三丰") == "zsf"
    assert initials("欧阳修") == "oyx"
    assert initials("吕布") == "lb"
    assert initials("Anna 李") == "annal"
