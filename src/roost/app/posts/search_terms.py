"""Mattermost's search syntax, parsed into what a query needs. Pure functions.

    deploy "build failed" -flaky data* #release from:alice in:town-square
    before:2026-01-31 after:2026-01-01 on:2026-01-15

Words and phrases must all match (any, with ``is_or_search``); ``-`` excludes a word,
phrase, user or channel; ``word*`` is a prefix; ``#tag`` matches hashtags only;
``channel:`` is ``in:``; ``ext:pdf`` narrows file searches; dates are the searcher's local days (``time_zone_offset``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from roost.model.search import ParsedSearch

# Bounds on one search, so a request cannot make the database work without limit.
MAX_TERMS_CHARS = 1_000
MAX_TERMS = 20

DAY_MS = 86_400_000

_TOKEN = re.compile(r'(-?)(?:"([^"]*)"|(\S+))')
# What a word may hold once punctuation around it is stripped (as the full-text
# parsers see words): letters, digits, inner dots, dashes, apostrophes and underscores.
_WORD_EDGE = re.compile(r"^[^\w#@]+|[^\w*]+$")
_PREFIX = re.compile(r"^\w+\*$")
_HASHTAG = re.compile(r"^#[^\W\d_][\w.\-]*$")
_FLAGS = ("from", "in", "channel", "before", "after", "on", "ext")


class SearchSyntaxError(ValueError):
    """A term the server cannot use, with the parameter to name in the error."""


def _day_start(text: str, offset_seconds: int) -> int:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise SearchSyntaxError("terms") from None
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return int(midnight.timestamp() * 1000) - offset_seconds * 1000


def _word(raw: str) -> str:
    return _WORD_EDGE.sub("", raw).lower()


def parse_search(terms: str, time_zone_offset: int = 0) -> ParsedSearch:
    """Parse a search box's text; raises ``SearchSyntaxError`` on unusable input."""
    if len(terms) > MAX_TERMS_CHARS:
        raise SearchSyntaxError("terms")
    out = ParsedSearch()
    count = 0
    for match in _TOKEN.finditer(terms):
        negate, phrase, token = bool(match.group(1)), match.group(2), match.group(3)
        count += 1
        if count > MAX_TERMS:
            raise SearchSyntaxError("terms")
        if phrase is not None:
            cleaned = " ".join(phrase.lower().split())
            if cleaned:
                (out.excluded_phrases if negate else out.phrases).append(cleaned)
            continue
        flag, _, value = token.partition(":")
        if value and flag.lower() in _FLAGS:
            _apply_flag(out, flag.lower(), value, negate, time_zone_offset)
            continue
        if _HASHTAG.match(token) and not negate:
            out.hashtags.append(token.lower())
            continue
        word = _word(token)
        if not word or word.strip("*") == "":
            continue
        if negate:
            out.excluded_words.append(word.rstrip("*"))
        elif _PREFIX.match(word):
            out.prefixes.append(word)
        else:
            out.words.append(word.rstrip("*"))
    return out


def _apply_flag(out: ParsedSearch, flag: str, value: str, negate: bool, offset: int) -> None:
    if flag == "from":
        (out.excluded_users if negate else out.from_users).append(value.lstrip("@").lower())
    elif flag in ("in", "channel"):
        (out.excluded_channels if negate else out.in_channels).append(value.lower())
    elif negate:
        raise SearchSyntaxError("terms")
    elif flag == "ext":
        out.extensions.append(value.lstrip(".").lower())
    elif flag == "on":
        start = _day_start(value, offset)
        out.after_ms, out.before_ms = start - 1, start + DAY_MS
    elif flag == "before":
        out.before_ms = _day_start(value, offset)
    elif flag == "after":
        out.after_ms = _day_start(value, offset) + DAY_MS - 1
