"""Running ``roost`` as an operator would: a real process, its output and exit status."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import free_port

# What the test suite's own environment carries that an operator's would not.
_DROPPED = ("ROOST_DATABASE_URL", "ROOST_CONFIG_FILE", "ROOST_DATA_DIR")


def roost(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "roost.cli", *args],
        env=full,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    """The failure's message: exit status 1, one or two lines on stderr, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    return result.stderr


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Paths even root cannot change (chattr +i): a read-only data directory when the
    tests run as root, which ignores permission bits."""
    subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


START_SECONDS = 60.0


@dataclass
class Served:
    base: str
    port: int
    lines: list[str]  # what it printed up to its start-up line


@contextmanager
def serve_as_shipped(data_dir: Path, *args: str) -> Iterator[Served]:
    """``roost serve`` with no ROOST_* setting but its data directory and a free admin
    port: the defaults as a new operator gets them (tests/support/server.py sets the
    suite's own)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env.update({"ROOST_DATA_DIR": str(data_dir), "ROOST_ADMIN_LISTEN": f"127.0.0.1:{free_port()}"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "roost.cli", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + START_SECONDS
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("Roost is running"):
                break
        assert lines and lines[-1].startswith("Roost is running"), lines
        # The rest of its output is drained, so the server never blocks on a full pipe.
        drain = threading.Thread(target=proc.stdout.read, daemon=True)
        drain.start()
        yield Served(f"http://127.0.0.1:{port}", port, lines)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
