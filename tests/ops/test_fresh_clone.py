"""`./scripts/serve` in a fresh copy of the project, as a new user runs it: the Python
version checked first, a broken .venv made again, progress shown, only what serving
needs installed, and the line saying where Roost runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]
# Creating .venv and installing into it from pip's cache, on a loaded machine.
FIRST_START_SECONDS = 600.0
SERVING = {"starlette", "uvicorn", "sqlalchemy", "asyncpg", "aiosqlite", "pydantic", "redis"}
# (rich is a serving dependency now: `roost import` shows its progress with it.)
DEV_ONLY = {"pytest", "mypy", "ruff", "playwright", "moto", "import-linter", "matplotlib"}


def _fresh_copy(target: Path) -> None:
    """The project's files (tracked, and new ones not ignored), without .venv or data."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROOST_", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


# pip installs ~50 packages into a new .venv: 74-112 s measured here, more under load.
@pytest.mark.timeout(FIRST_START_SECONDS + 120)
def test_first_start_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "roost"
    _fresh_copy(clone)

    # Too old a Python: one line, and no .venv left behind.
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.10.13" && exit 0\nexit 1\n')
    old.chmod(0o755)
    refused = subprocess.run(
        ["scripts/serve"], cwd=clone, env=_env(PYTHON=str(old)), capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"Roost needs Python 3.11 or newer; PYTHON={old} is Python 3.10.13."
    )
    assert not (clone / ".venv").exists()

    # A .venv left by a Python since removed.
    (clone / ".venv" / "bin").mkdir(parents=True)
    (clone / ".venv" / "bin" / "python").symlink_to(tmp_path / "gone" / "python3")

    port = free_port()
    env = _env(ROOST_ADMIN_LISTEN=f"127.0.0.1:{free_port()}")
    started = time.monotonic()
    proc = subprocess.Popen(
        ["scripts/serve", "--port", str(port)],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = started + FIRST_START_SECONDS
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("Roost is running"):
                break
        took = time.monotonic() - started
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        shown = [line for line in lines if not line.startswith(("INFO:", "WARNING:"))]
        assert (
            shown[0]
            == "The .venv here does not work (made with another Python, or half made): making it again..."
        ), lines
        assert shown[1].startswith("Creating .venv with ")
        assert shown[2].startswith("Installing Roost and what serving needs into .venv")
        assert any(line.startswith("  Collecting ") for line in shown), lines
        assert "Starting Roost (migrating the database first)..." in shown
        assert shown[-1] == (
            f"Roost is running at http://localhost:{port} (SQLite at {clone / 'data' / 'roost.db'})"
        )
        assert httpx.get(f"http://127.0.0.1:{port}/api/v4/system/ping").status_code == 200
        print(f"first start from a fresh clone: {took:.0f} s")
    finally:
        proc.terminate()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()

    listed = subprocess.run(
        [str(clone / ".venv" / "bin" / "pip"), "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {p["name"].lower() for p in json.loads(listed)}
    assert installed >= SERVING, SERVING - installed
    assert not DEV_ONLY & installed, DEV_ONLY & installed
