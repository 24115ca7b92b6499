"""Run ``roost serve`` as a real process on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support import secrets
from tests.support.databases import ensure_runtime_role, is_postgres, runtime_url

# Generous: a loaded 2-core machine (parallel sessions, xdist) has taken over 12 s to
# start one, and a session fixture that gives up fails every test that uses it.
STARTUP_TIMEOUT_SECONDS = 60.0


# Each running server's admin listener (/metrics, /operator/v1), by its public base URL.
_ADMIN: dict[str, str] = {}


def admin_url(base: str) -> str:
    """The admin listener of the server at ``base`` (tests/support/server.py started it)."""
    return _ADMIN[base]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    database_url: str,
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    serve_args: Sequence[str] = (),
    as_owner: bool = False,
) -> Iterator[str]:
    """Start a server, wait until it answers, yield its base URL, stop it. On
    PostgreSQL it logs in as a role that owns no table (row security binds it), unless
    ``as_owner`` (the superuser the tests use: row security is not applied)."""
    with server_process(database_url, data_dir, extra_env, serve_args, as_owner) as server:
        yield server.base


@dataclass
class ServerProcess:
    base: str
    proc: subprocess.Popen[bytes]


# Ports come from free_port() and are bound only once the server has started: another
# test's server may take one meanwhile. Such a start is tried again on fresh ports.
START_ATTEMPTS = 3


@contextmanager
def server_process(
    database_url: str,
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    serve_args: Sequence[str] = (),
    as_owner: bool = False,
) -> Iterator[ServerProcess]:
    """``running_server``, also giving the process (for tests that kill a node)."""
    for attempt in range(START_ATTEMPTS):
        port = free_port()
        env = _server_env(database_url, data_dir, port, extra_env, as_owner)
        log_path = data_dir / f"server-{port}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "roost.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    *serve_args,
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, port, proc, log_path)
        except PortTaken:
            _stop(proc)
            if attempt + 1 == START_ATTEMPTS:
                raise
            continue
        except BaseException:
            _stop(proc)
            raise
        break
    admin = env["ROOST_ADMIN_LISTEN"]
    if admin not in ("", "off"):
        _ADMIN[base] = f"http://{admin}"
    try:
        yield ServerProcess(base, proc)
    finally:
        _ADMIN.pop(base, None)
        _stop(proc)
        secrets.keep_log(log_path)


def _server_env(
    database_url: str,
    data_dir: Path,
    port: int,
    extra_env: dict[str, str] | None,
    as_owner: bool,
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ROOST_DATABASE_URL": database_url,
            "ROOST_DATA_DIR": str(data_dir),
            "ROOST_SITE_URL": f"http://127.0.0.1:{port}",
            "ROOST_LOG_LEVEL": "warning",
            # Tests sign up thousands of users; production keeps the default cost of 10.
            "ROOST_PASSWORD_HASH_COST": "4",
            # Every test client is 127.0.0.1 and the session servers sign thousands of
            # users up and in: the tests of the limits turn them on (tests/api/test_rate_limit.py).
            "ROOST_RATE_LIMIT_ENABLE": "false",
            # Closed by default, as Mattermost ships; the tests sign their users up.
            "ROOST_ENABLE_OPEN_SERVER": "true",
        }
    )
    if is_postgres(database_url) and not as_owner:
        # Migrate as the owner, serve as a role that owns nothing (row security binds it).
        ensure_runtime_role(database_url)
        env["ROOST_DATABASE_OWNER_URL"] = database_url
        env["ROOST_DATABASE_URL"] = runtime_url(database_url)
    env.update(extra_env or {})
    if "ROOST_ADMIN_LISTEN" not in (extra_env or {}):
        env["ROOST_ADMIN_LISTEN"] = f"127.0.0.1:{free_port()}"
    return env


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class PortTaken(RuntimeError):
    """The server could not bind its port: another process took it first."""


def _wait_ready(base: str, port: int, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log_path.read_text()
            if "address already in use" in text.lower():
                raise PortTaken(text)
            raise RuntimeError(f"server exited early:\n{text}")
        try:
            answered = httpx.get(f"{base}/api/v4/system/ping", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            answered = False
        # The answer must come from this process: another test's server may have taken
        # the port before this one bound it (this one then exits: tried again above).
        if answered and _listens_on(proc.pid, port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server did not start in time:\n{log_path.read_text()}")


def _listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds the listening socket of ``port`` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            # local address "ADDR:PORT" in hex; state 0A is LISTEN; field 9 the inode.
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return True
    except OSError:
        return False
    return False
