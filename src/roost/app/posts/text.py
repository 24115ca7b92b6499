"""Reading a post's text: its hashtags and the @-mentions in it. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HASHTAGS_MAX = 1000
CHANNEL_WIDE = frozenset({"channel", "all"})
HERE = "here"

# Letters and digits are [^\W_]; everything else (underscore included) is punctuation.
_PUNCT_START = re.compile(r"^(?:[^\w\s#]|_)+")
_PUNCT_END = re.compile(r"(?:[^\w\s]|_)+$")
_MANY_HASHES = re.compile(r"^#{2,}")
_HASHTAG = re.compile(r"^#[^\W\d_][\w.\-]*[^\W_]$")

_FENCED_CODE = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# An @ that starts a word (not inside an email address or another mention).
_MENTION = re.compile(r"(?<![\w@.\-])@([a-z0-9][a-z0-9._\-]*)", re.IGNORECASE)
_SEPARATORS = "._-"


def parse_hashtags(message: str) -> str:
    """Space-separated #tags as Mattermost stores them (at most 1000 characters)."""
    tags: list[str] = []
    for raw in message.split():
        word = _PUNCT_START.sub("", raw)
        word = _PUNCT_END.sub("", word)
        word = _MANY_HASHES.sub("#", word)
        if _HASHTAG.match(word):
            tags.append(word)
    joined = " ".join(tags)
    if len(joined) > HASHTAGS_MAX:
        cut = joined[: HASHTAGS_MAX - 1]
        joined = cut[: cut.rfind(" ")] if " " in cut else ""
    return joined


@dataclass(slots=True)
class MentionWords:
    """What a message mentions, before anyone is looked up."""

    # For each @word, the usernames it could mean, longest first ("@bob." -> bob).
    candidates: list[list[str]] = field(default_factory=list)
    channel_wide: bool = False
    here: bool = False

    @property
    def names(self) -> set[str]:
        return {name for options in self.candidates for name in options}

    def resolve(self, found: set[str]) -> set[str]:
        """The usernames meant, given which candidate names exist."""
        meant: set[str] = set()
        for options in self.candidates:
            for name in options:
                if name in found:
                    meant.add(name)
                    break
        return meant


def strip_code(message: str) -> str:
    """The message without code spans and blocks, where nothing mentions anyone."""
    if "`" not in message:
        return message
    return _INLINE_CODE.sub(" ", _FENCED_CODE.sub(" ", message))


def mention_words(message: str) -> MentionWords:
    words = MentionWords()
    if "@" not in message:
        return words
    text = strip_code(message)
    for match in _MENTION.finditer(text):
        token = match.group(1).lower()
        bare = token.rstrip(_SEPARATORS)
        if bare in CHANNEL_WIDE:
            words.channel_wide = True
        elif bare == HERE:
            words.here = True
        else:
            words.candidates.append(_candidates(token))
    return words


def _candidates(token: str) -> list[str]:
    """The token and each prefix ending before a separator, longest first."""
    options = [token]
    for i in range(len(token) - 1, 0, -1):
        if token[i] in _SEPARATORS and token[i - 1] not in _SEPARATORS:
            options.append(token[:i])
    return options
