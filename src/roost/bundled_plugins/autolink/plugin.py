"""Rewrites OPS-123 as [OPS-123](https://tracker/browse/OPS-123) before a post is written
(and when it is edited). Code spans and blocks, and ids already inside a link, are left
as they are."""

from __future__ import annotations

import re

from roost.plugin import Plugin, Post

# Code blocks and spans are kept verbatim; so is any Markdown link or bare URL.
_VERBATIM = re.compile(r"```.*?```|`[^`\n]*`|\[[^\]\n]*\]\([^)\n]*\)|https?://\S+", re.DOTALL)
_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


class AutolinkPlugin(Plugin):
    _pattern: re.Pattern[str] | None = None
    _template = ""

    async def on_activate(self) -> None:
        self._compile()

    async def on_configuration_change(self) -> None:
        self._compile()

    def _compile(self) -> None:
        prefixes = [p.strip() for p in str(self.settings.get("prefixes", "")).split(",")]
        valid = [re.escape(p) for p in prefixes if _PREFIX.match(p)]
        self._template = str(self.settings.get("url_template", ""))
        if not valid or "{id}" not in self._template:
            self._pattern = None
            return
        self._pattern = re.compile(rf"(?<![\w\-/\[])((?:{'|'.join(valid)})-\d+)\b")

    def link(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None:
            return text
        out, last = [], 0
        for verbatim in _VERBATIM.finditer(text):
            out.append(self._link_plain(pattern, text[last : verbatim.start()]))
            out.append(verbatim.group(0))
            last = verbatim.end()
        out.append(self._link_plain(pattern, text[last:]))
        return "".join(out)

    def _link_plain(self, pattern: re.Pattern[str], text: str) -> str:
        return pattern.sub(
            lambda m: f"[{m.group(1)}]({self._template.replace('{id}', m.group(1))})", text
        )

    async def message_will_be_posted(self, post: Post) -> Post:
        post.message = self.link(post.message)
        return post

    async def message_will_be_updated(self, new: Post, old: Post) -> Post:
        new.message = self.link(new.message)
        return new
