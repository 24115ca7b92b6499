"""A post search, as parsed from Mattermost's search syntax (``app/posts/search_terms.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ParsedSearch:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    excluded_words: list[str] = field(default_factory=list)
    excluded_phrases: list[str] = field(default_factory=list)
    from_users: list[str] = field(default_factory=list)
    excluded_users: list[str] = field(default_factory=list)
    extensions: list[str] = field(default_factory=list)
    in_channels: list[str] = field(default_factory=list)
    excluded_channels: list[str] = field(default_factory=list)
    # create_at bounds in ms: after < create_at < before (0 = unbounded).
    after_ms: int = 0
    before_ms: int = 0

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases or self.prefixes or self.hashtags)

    @property
    def has_filter(self) -> bool:
        return bool(self.from_users or self.in_channels or self.after_ms or self.before_ms)

    @property
    def highlights(self) -> list[str]:
        """What clients highlight in results: the positive terms as typed."""
        return [*self.words, *self.phrases, *(p[:-1] + "*" for p in self.prefixes), *self.hashtags]
