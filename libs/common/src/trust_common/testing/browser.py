"""A real browser for tests that must see what a person sees (the /docs pages, issue 15): Debian's
headless Chromium, installed with apt on first use when missing (CI runs as root with apt), run
with no network of its own beyond what the page asks for.

`rendered_dom(url)` returns the page's DOM after its scripts ran. Outside CI a machine that cannot
get or start Chromium skips the caller; in CI (`CI=true`) that is a failure, never a skip.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"Chromium is required in CI: {reason}")
    pytest.skip(f"Chromium unavailable: {reason}")


def chromium() -> str:
    """The Chromium executable, apt-installed once when missing."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        _unavailable("not installed, and apt-get as root is not available to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    if subprocess.run(install, env=env, capture_output=True, timeout=900).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
        result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            _unavailable(f"apt-get install chromium failed: {result.stderr[-500:]}")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    _unavailable("installed, but no chromium executable on PATH")
    raise AssertionError("unreachable")


def rendered_dom(url: str, *, budget_ms: int = 20000) -> str:
    """The DOM of `url` once its scripts ran (Chromium's --dump-dom after a virtual-time budget)."""
    executable = chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        command = [executable, *FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}",
                   "--dump-dom", url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120,
                                cwd=Path(profile))
    if result.returncode != 0 or not result.stdout.strip():
        _unavailable(f"chromium exited {result.returncode}: {result.stderr[-800:]}")
    return result.stdout
