"""A page's OpenGraph data, read from its HTML head (pure: no I/O).

The ``og:*`` meta tags give the preview (https://ogp.me); a page without them falls
back to its ``<title>`` and ``<meta name="description">``, as Mattermost's previews do.
Parsing stops at ``</head>`` (or the first ``<body>``): nothing after it is needed, and a
huge page costs no more than its head. The result has Mattermost's OpenGraph JSON shape.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

TITLE_MAX = 300
DESCRIPTION_MAX = 1000
FIELD_MAX = 1024
MAX_IMAGES = 4


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.title = ""
        self.done = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "body":
            self.done = True
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            key = values.get("property") or values.get("name") or ""
            if key and "content" in values:
                self.meta.append((key.strip().lower(), values["content"].strip()))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.done and len(self.title) < TITLE_MAX:
            self.title += data


def _int(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        return 0
    return number if 0 < number < 100_000 else 0


def _safe_url(value: str, base: str) -> str:
    """An http(s) URL (relative ones resolved against the page), or ''."""
    joined = urljoin(base, value.strip())
    parts = urlsplit(joined)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(joined) > FIELD_MAX:
        return ""
    return joined


def parse(html: str, page_url: str) -> dict[str, Any]:
    """The page's OpenGraph object (Mattermost's shape); ``title`` '' when it has none."""
    parser = _HeadParser()
    for start in range(0, len(html), 8192):
        parser.feed(html[start : start + 8192])
        if parser.done:
            break
    og: dict[str, str] = {}
    images: list[dict[str, Any]] = []
    for key, value in parser.meta:
        if key in ("og:image", "og:image:url"):
            if len(images) < MAX_IMAGES:
                url = _safe_url(value, page_url)
                if url:
                    images.append(
                        {"url": url, "secure_url": "", "type": "", "width": 0, "height": 0}
                    )
        elif key.startswith("og:image:") and images:
            field = key[len("og:image:") :]
            if field in ("width", "height"):
                images[-1][field] = _int(value)
            elif field == "secure_url":
                images[-1]["secure_url"] = _safe_url(value, page_url)
            elif field == "type":
                images[-1]["type"] = value[:100]
        elif key.startswith("og:") or key == "description":
            og.setdefault(key, value[:FIELD_MAX])
    title = og.get("og:title") or " ".join(parser.title.split())
    description = og.get("og:description") or og.get("description", "")
    return {
        "type": og.get("og:type", "")[:100],
        "url": _safe_url(og.get("og:url", ""), page_url) or page_url,
        "title": title[:TITLE_MAX],
        "description": description[:DESCRIPTION_MAX],
        "determiner": og.get("og:determiner", "")[:20],
        "site_name": og.get("og:site_name", "")[:TITLE_MAX],
        "locale": og.get("og:locale", "")[:20],
        "locales_alternate": None,
        "images": images or None,
        "audios": None,
        "videos": None,
    }


def charset_of(content_type_header: str) -> str:
    for part in content_type_header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return "utf-8"


def decode(body: bytes, charset: str) -> str:
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
