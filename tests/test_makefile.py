"""The README's test command sees to its own browser: `make browser` passes when Debian's chromium and CJK fonts are
there, and otherwise (when it may not install them) stops at once with one line naming the command to run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _make_browser(chromium: str, *, as_nobody: bool) -> subprocess.CompletedProcess[str]:
    command = ["make", "-s", "--no-print-directory", "-C", str(ROOT), "browser", f"CHROMIUM={chromium}"]
    if as_nobody:
        # root would install the packages; an ordinary user may not, which is the path under test
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_missing_browser_stops_with_the_command_to_run(tmp_path: Path) -> None:
    as_nobody = os.geteuid() == 0
    if as_nobody and shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to try the non-root path as root")
    missing = tmp_path / "no-such-dir" / "chromium"
    result = _make_browser(str(missing), as_nobody=as_nobody)
    assert result.returncode != 0
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not re.match(r"make(\[\d+\])?: ", line)
    ]
    assert lines == [
        f"make test needs Debian's chromium at {missing} and CJK fonts: "
        "run  sudo apt-get install -y chromium fonts-noto-cjk"
    ]
    assert "installing" not in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_present_browser_passes_silently() -> None:
    chromium = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("this machine has no chromium yet (make test installs it before pytest runs)")
    result = _make_browser(chromium, as_nobody=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
