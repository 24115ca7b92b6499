"""No server log of the whole test run holds a secret the tests created.

The harness takes part in three places:
- ``tests.support.client.Api`` sees every password the tests send (sign-up, login,
  password changes) and every token and CSRF value the server hands back (the ``Token``
  header, the session cookies, personal access tokens): ``remember`` writes each to
  this process's list;
- ``tests.support.server`` keeps a copy of each server's log when it stops
  (``keep_log``);
- ``tests/conftest.py``'s session finish, in the xdist controller (or the only process),
  runs ``leaks`` over every kept log against every remembered secret and fails the run
  when one shows, naming the log and the kind of secret (never the secret).

The lists and logs live in one folder per run, named by ``ROOST_TEST_SECRETS_DIR``,
which the controller sets before its workers start (they inherit it).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import httpx
import orjson

DIR_ENV = "ROOST_TEST_SECRETS_DIR"
# Shorter values (a load test's password "p") would match ordinary words, and so would
# values of few distinct characters (a test's password of ten spaces: indentation).
MIN_LENGTH = 8
MIN_DISTINCT = 4
PASSWORD_FIELDS = ("password", "new_password", "current_password")
COOKIES = ("MMAUTHTOKEN", "MMCSRF")
_WORD = re.compile(r"[A-Za-z0-9]+")

_seen: set[str] = set()
_copies = itertools.count()


def start_run() -> Path:
    """The run's folder, made now unless this process inherited one."""
    existing = os.environ.get(DIR_ENV)
    if existing:
        return Path(existing)
    folder = Path(tempfile.mkdtemp(prefix="roost-test-secrets-"))
    (folder / "logs").mkdir()
    os.environ[DIR_ENV] = str(folder)
    return folder


def _folder() -> Path | None:
    value = os.environ.get(DIR_ENV)
    return Path(value) if value else None


def remember(kind: str, value: str) -> None:
    folder = _folder()
    if folder is None or not _telling(value) or value in _seen:
        return
    _seen.add(value)
    with open(folder / f"secrets-{os.getpid()}.txt", "a", encoding="utf-8") as out:
        out.write(f"{kind}\t{value}\n")


def _telling(value: str) -> bool:
    """Whether finding ``value`` in a log can only mean it leaked."""
    return len(value.strip()) >= MIN_LENGTH and len(set(value)) >= MIN_DISTINCT


def keep_log(log: Path) -> None:
    folder = _folder()
    if folder is None or not log.exists():
        return
    target = folder / "logs" / f"{os.getpid()}-{next(_copies)}-{log.name}"
    shutil.copyfile(log, target)


def on_request(request: Any) -> None:
    """httpx request hook: the passwords in a JSON body sent to /users..."""
    if request.method not in ("POST", "PUT") or "/users" not in request.url.path:
        return
    try:
        body = orjson.loads(request.content)
    except (orjson.JSONDecodeError, TypeError, httpx.RequestNotRead):
        return  # not JSON, or a streamed upload (a picture): no password in it
    if isinstance(body, dict):
        for field in PASSWORD_FIELDS:
            if isinstance(body.get(field), str):
                remember("password", body[field])


def on_response(response: Any) -> None:
    """httpx response hook: session tokens, CSRF values, personal access tokens."""
    token = response.headers.get("Token")
    if token:
        remember("session token", token)
    for name in COOKIES:
        value = response.cookies.get(name)
        if value:
            remember(f"cookie {name}", value)
    if "/tokens" in response.request.url.path and response.status_code in (200, 201):
        response.read()
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return
        if isinstance(body, dict) and isinstance(body.get("token"), str):
            remember("access token", body["token"])


def leaks(folder: Path) -> list[str]:
    """'<log>: <kind>' for each log holding a remembered secret."""
    secrets: dict[str, str] = {}
    for listing in folder.glob("secrets-*.txt"):
        for line in listing.read_text(encoding="utf-8").splitlines():
            kind, _, value = line.partition("\t")
            if _telling(value):
                secrets[value] = kind
    words = {s for s in secrets if _WORD.fullmatch(s)}
    others = [s for s in secrets if s not in words]
    found = []
    for log in sorted((folder / "logs").glob("*")):
        text = log.read_text(encoding="utf-8", errors="replace")
        kinds = {secrets[w] for w in words.intersection(_WORD.findall(text))}
        kinds |= {secrets[s] for s in others if s in text}
        found += [f"{log.name}: {kind}" for kind in sorted(kinds)]
    return found


def finish_run(folder: Path) -> list[str]:
    """The leaks; the folder is removed when there are none (kept to look at otherwise)."""
    found = leaks(folder)
    if not found:
        shutil.rmtree(folder, ignore_errors=True)
    return found
