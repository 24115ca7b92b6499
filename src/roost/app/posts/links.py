"""Which link of a message gets a preview, and whether a link is a permalink.

Pure: no I/O. As in Mattermost, only the first link of a message is previewed; a link
inside inline code or a code block is not one. A permalink is a link to a post on this
server: ``{site}/{team}/pl/{post_id}``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from roost.ids import is_valid_id

# http(s) URLs up to whitespace or a character that cannot end one in running text.
_LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_CODE = re.compile(r"```.*?(```|\Z)|`[^`\n]*`", re.DOTALL)
# Closing punctuation after a link belongs to the sentence, not the URL.
_TRAILING = ".,;:!?*_~)]}>"
_PERMALINK_PATH = re.compile(r"^/[^/]+/pl/([a-z0-9]{26})/?$")
URL_MAX = 1024


def links(message: str) -> list[str]:
    """The message's http(s) links in order, outside code, trailing punctuation cut."""
    if "http" not in message.lower():
        return []
    text = _CODE.sub(" ", message)
    found: list[str] = []
    for match in _LINK.finditer(text):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            # A ')' the URL opened is its own (a wiki link); an unmatched one closes a
            # markdown link [text](url) or a remark in parentheses.
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) <= URL_MAX and "://" in url and url.split("://", 1)[1]:
            found.append(url)
    return found


def first_link(message: str) -> str | None:
    found = links(message)
    return found[0] if found else None


def permalink_post_id(url: str, site_url: str) -> str | None:
    """The post id a permalink names, when ``url`` is one on ``site_url``'s host."""
    try:
        parts, site = urlsplit(url), urlsplit(site_url)
    except ValueError:
        return None
    if (parts.hostname or "").lower() != (site.hostname or "").lower():
        return None
    if (parts.port or None) != (site.port or None):
        return None
    site_path = site.path.rstrip("/")
    path = parts.path
    if site_path:
        if not path.startswith(site_path + "/"):
            return None
        path = path[len(site_path) :]
    match = _PERMALINK_PATH.match(path)
    if match is None or not is_valid_id(match.group(1)):
        return None
    return match.group(1)


def domain_restricted(url: str, restricted: str) -> bool:
    """Whether the URL's host is one of the comma-separated domains (or under one)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for entry in restricted.split(","):
        domain = entry.strip().lower().lstrip("*.").rstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False
