"""Which link a message previews, permalinks, and restricted domains."""

from __future__ import annotations

from roost.app.posts import links

SITE = "https://chat.example.com"
POST_ID = "a" * 26


def test_first_link_skips_code_and_trailing_punctuation() -> None:
    assert links.first_link("see `http://code.example/x` and https://a.example/b.") == (
        "https://a.example/b"
    )
    assert links.first_link("```\nhttp://block.example\n``` then http://c.example/(x)") == (
        "http://c.example/(x)"
    )
    assert links.first_link("[text](https://md.example/page) after") == "https://md.example/page"
    assert links.first_link("no links here, just http:// alone") is None
    assert links.first_link("x" * 10) is None


def test_overlong_links_are_not_previewed() -> None:
    assert links.first_link("https://a.example/" + "x" * 2000) is None


def test_permalinks() -> None:
    assert links.permalink_post_id(f"{SITE}/team/pl/{POST_ID}", SITE) == POST_ID
    assert links.permalink_post_id(f"{SITE}/team/pl/{POST_ID}/", SITE) == POST_ID
    assert links.permalink_post_id(f"https://other.example/team/pl/{POST_ID}", SITE) is None
    assert links.permalink_post_id(f"{SITE}:8443/team/pl/{POST_ID}", SITE) is None
    assert links.permalink_post_id(f"{SITE}/team/pl/short", SITE) is None
    assert links.permalink_post_id(f"{SITE}/team/channels/{POST_ID}", SITE) is None
    # A site under a path.
    site = "https://example.com/chat"
    assert links.permalink_post_id(f"{site}/t/pl/{POST_ID}", site) == POST_ID
    assert links.permalink_post_id(f"https://example.com/t/pl/{POST_ID}", site) is None


def test_restricted_domains() -> None:
    restricted = "example.com, *.internal.test"
    assert links.domain_restricted("https://example.com/x", restricted)
    assert links.domain_restricted("https://www.example.com/x", restricted)
    assert links.domain_restricted("https://a.internal.test/", restricted)
    assert not links.domain_restricted("https://notexample.com/", restricted)
    assert not links.domain_restricted("https://example.org/", "")
