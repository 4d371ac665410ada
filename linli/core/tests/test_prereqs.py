"""`make test` on a fresh machine: tools/prereqs installs what is missing when it may, or names
it in one line; pytest without chromium stops with one line instead of an error per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def _prereqs(tmp_path: Path, uid: int) -> subprocess.CompletedProcess[str]:
    """Run tools/prereqs as user `uid` on a machine without chromium, apt-get recording calls."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    _stub(stubs, "id", f"echo {uid}")
    _stub(stubs, "sudo", "exit 1")  # no password-less sudo
    _stub(stubs, "apt-get", f'echo "$@" >> {tmp_path / "apt.log"}')
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}"}
    env["LINLI_CHROMIUM"] = str(tmp_path / "no-chromium")
    return subprocess.run(  # noqa: S603 - our own script
        [str(ROOT / "tools" / "prereqs"), "test"], env=env, capture_output=True, text=True
    )


def test_a_user_who_may_not_install_gets_one_line_naming_the_package(tmp_path):
    done = _prereqs(tmp_path, uid=1000)

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "chromium" in lines[0] and "apt-get install" in lines[0]
    assert not (tmp_path / "apt.log").exists()


def test_root_installs_what_is_missing_from_debian(tmp_path):
    done = _prereqs(tmp_path, uid=0)

    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1].startswith("install -y -qq") and "chromium" in calls[1].split()


def test_pytest_without_chromium_stops_with_one_line(tmp_path):
    env = {**os.environ, "LINLI_CHROMIUM": str(tmp_path / "no-chromium")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "--co", "conftest.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert done.returncode == 4  # pytest's usage error
    assert "Traceback" not in done.stderr + done.stdout
    assert "apt-get install chromium" in done.stderr
