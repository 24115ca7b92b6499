"""The log buffer: JSON lines, secrets removed, levels, paging from the newest."""

from __future__ import annotations

import json
import logging

from roost.app.admin.logs import MASK, LogBuffer


def _record(level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("roost.test", level, __file__, 7, msg, args, None)


def test_secrets_are_removed_before_a_line_is_kept() -> None:
    buffer = LogBuffer(10, ["the-salt-value-0123456789", "x"])
    buffer.emit(_record(logging.ERROR, "salt %s", "the-salt-value-0123456789"))
    buffer.emit(_record(logging.ERROR, "Authorization: Bearer abcdefghij1234"))
    buffer.emit(_record(logging.ERROR, "dsn postgresql://roost:pw-secret@db/roost"))
    buffer.emit(_record(logging.ERROR, 'body {"password": "hunter2", "token": "tok12345"}'))
    buffer.emit(_record(logging.ERROR, "token expired, x marks the spot"))
    text = "\n".join(buffer.lines(0, 0, 10))
    for secret in ("the-salt-value", "abcdefghij1234", "pw-secret", "hunter2", "tok12345"):
        assert secret not in text
    assert text.count(MASK) == 5
    # Ordinary words are left alone (short "secrets" are not masked everywhere).
    assert "token expired, x marks the spot" in text


def test_levels_and_pages() -> None:
    buffer = LogBuffer(100)
    for i in range(10):
        buffer.emit(_record(logging.INFO if i % 2 else logging.ERROR, "line %d", i))
    first = json.loads(buffer.lines(0, 0, 10)[0])
    assert first["level"] == "error" and first["msg"] == "line 0"
    assert first["caller"] == "test_logs.py:7" and first["timestamp"].endswith("Z")
    errors = [json.loads(x)["msg"] for x in buffer.lines(logging.ERROR, 0, 10)]
    assert errors == ["line 0", "line 2", "line 4", "line 6", "line 8"]
    assert [json.loads(x)["msg"] for x in buffer.lines(0, 0, 3)] == ["line 7", "line 8", "line 9"]
    assert [json.loads(x)["msg"] for x in buffer.lines(0, 3, 3)] == ["line 0"]
    assert buffer.lines(0, 4, 3) == []
    small = LogBuffer(3)
    for i in range(5):
        small.emit(_record(logging.INFO, "n%d", i))
    assert [json.loads(x)["msg"] for x in small.lines(0, 0, 10)] == ["n2", "n3", "n4"]


def test_console_lines_are_the_same_json() -> None:
    import io

    from roost.app.admin.logs import _JsonFormatter

    buffer = LogBuffer(10, ["supersecretvalue"])
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(_JsonFormatter(buffer))
    handler.emit(_record(logging.WARNING, "salt supersecretvalue here"))
    line = json.loads(out.getvalue())
    assert line["level"] == "warning" and line["msg"] == f"salt {MASK} here"


def test_what_a_node_sends_another_is_bounded_and_named() -> None:
    buffer = LogBuffer(100)
    buffer.node_id = "node-b"
    for i in range(10):
        buffer.emit(_record(logging.INFO if i % 2 else logging.ERROR, "line %d", i))
    newest = [json.loads(x) for x in buffer.newest(0, 3, 1_000_000)]
    assert [e["msg"] for e in newest] == ["line 7", "line 8", "line 9"]
    assert {e["node"] for e in newest} == {"node-b"}
    errors = [json.loads(x)["msg"] for x in buffer.newest(logging.ERROR, 2, 1_000_000)]
    assert errors == ["line 6", "line 8"]
    # The byte cap keeps the newest lines that fit, whole.
    one = len(buffer.newest(0, 1, 1_000_000)[0]) + 1
    assert len(buffer.newest(0, 10, 2 * one + 5)) == 2
    assert buffer.newest(0, 10, one - 1) == []
