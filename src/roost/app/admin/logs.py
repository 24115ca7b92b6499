"""The node's recent log lines for ``GET /logs``: a logging handler keeping the last
``ROOST_LOG_BUFFER_LINES`` records as JSON lines (Mattermost's log format: timestamp,
level, msg, caller), with secrets removed before a line is kept.

Redaction: the deployment's secret settings' values (whatever the message), passwords
in URLs (``scheme://user:********@host``) and bearer or session tokens. The handler sits
on the root logger and on uvicorn's (which does not propagate); ``install`` also sets
the ``roost`` logger's level to ``ROOST_LOG_LEVEL`` (libraries stay at warnings), and with
``ROOST_LOG_CONSOLE_JSON`` makes the node's own output (stderr) the same JSON lines.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections import deque
from collections.abc import Iterable

MASK = "********"
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.IGNORECASE)
# "Bearer <token>", and "token=...", "password: ..." and the like.
_TOKENS = re.compile(
    r"(\bbearer\s+|\b(?:[a-z_]*token|password|secret)[\"']?\s*[:=]\s*[\"']?"
    r"|\bauthorization[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|token\s+)?)"
    r"[A-Za-z0-9._~+/=-]{4,}",
    re.IGNORECASE,
)
LEVELS = {"trace": 5, "debug": 10, "info": 20, "warn": 30, "warning": 30, "error": 40}
LEVELS["critical"] = LEVELS["fatal"] = 50
_UVICORN = "uvicorn"
_ROOST = "roost"
_UVICORN_LOGGERS = (_UVICORN, "uvicorn.error", "uvicorn.access")


class _JsonFormatter(logging.Formatter):
    def __init__(self, buffer: LogBuffer) -> None:
        super().__init__()
        self._buffer = buffer

    def format(self, record: logging.LogRecord) -> str:
        return self._buffer.to_json(record)


class _RedactingFormatter(logging.Formatter):
    """The console's plain lines, with the same secrets removed as the ring's."""

    def __init__(self, buffer: LogBuffer) -> None:
        super().__init__("%(levelname)s:%(name)s:%(message)s")
        self._buffer = buffer

    def format(self, record: logging.LogRecord) -> str:
        return self._buffer.redact(super().format(record))


class LogBuffer(logging.Handler):
    def __init__(self, capacity: int, secrets: Iterable[str] = ()) -> None:
        super().__init__(level=logging.NOTSET)
        self._lines: deque[tuple[int, str]] = deque(maxlen=capacity)
        # Longest first, so a secret containing another is masked whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
        self._formatter = logging.Formatter()
        # Set once the node's id is known: every line says which node wrote it, so the
        # lines of several nodes (GET /logs gathers them) stay told apart.
        self.node_id = ""

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _URL_PASSWORD.sub(rf"\1{MASK}@", text)
        return _TOKENS.sub(rf"\1{MASK}", text)

    def to_json(self, record: logging.LogRecord) -> str:
        """The record as one JSON line, secrets removed."""
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self._formatter.formatException(record.exc_info)}"
        at = dt.datetime.fromtimestamp(record.created, dt.UTC)
        line = {
            "timestamp": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "msg": self.redact(message),
            "caller": f"{record.filename}:{record.lineno}",
            "logger": record.name,
        }
        if self.node_id:
            line["node"] = self.node_id
        return json.dumps(line)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append((record.levelno, self.to_json(record)))
        except Exception:
            self.handleError(record)

    def lines(self, min_level: int, page: int, per_page: int) -> list[str]:
        """The newest lines at ``min_level`` or above, oldest first; page 0 is the newest
        ``per_page``, page 1 the ones before, ..."""
        matching = [line for level, line in list(self._lines) if level >= min_level]
        end = len(matching) - page * per_page
        if end <= 0:
            return []
        return matching[max(0, end - per_page) : end]

    def newest(self, min_level: int, count: int, max_bytes: int) -> list[str]:
        """At most the newest ``count`` lines at ``min_level`` or above, and no more than
        ``max_bytes`` of them, oldest first: what this node sends another over the bus."""
        kept: list[str] = []
        size = 0
        for level, line in reversed(list(self._lines)):
            if level < min_level:
                continue
            size += len(line) + 1
            if len(kept) >= count or size > max_bytes:
                break
            kept.append(line)
        kept.reverse()
        return kept

    def install(self, level_name: str, console_json: bool = False) -> None:
        """Keep the records from now on; with ``console_json`` the node's own output
        (stderr) is these JSON lines too."""
        # Roost's own records at the configured level; the libraries' stay at the root's
        # (warnings): SQLAlchemy at debug would log every statement with its parameters.
        logging.getLogger(_ROOST).setLevel(LEVELS.get(level_name.lower(), logging.INFO))
        root = logging.getLogger()
        for logger in (root, logging.getLogger(_UVICORN)):
            if self not in logger.handlers:
                logger.addHandler(self)
        # With this handler on the root logger Python's last-resort handler no longer
        # prints warnings to stderr: a console handler takes its place (warnings and up,
        # as before; everything at the level with console_json).
        if not any(isinstance(h, logging.StreamHandler) for h in root.handlers if h is not self):
            console = logging.StreamHandler(sys.stderr)
            console.setLevel(logging.NOTSET if console_json else logging.WARNING)
            console.setFormatter(_RedactingFormatter(self))
            root.addHandler(console)
        if console_json:
            formatter = _JsonFormatter(self)
            for logger in (root, *(logging.getLogger(n) for n in _UVICORN_LOGGERS)):
                for handler in logger.handlers:
                    if handler is not self:
                        handler.setFormatter(formatter)

    def uninstall(self) -> None:
        for logger in (logging.getLogger(), logging.getLogger(_UVICORN)):
            logger.removeHandler(self)
