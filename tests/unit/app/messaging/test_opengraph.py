"""The OpenGraph reader: og tags, fallbacks, URLs made absolute and kept to http(s),
and nothing read past the head."""

from __future__ import annotations

from roost.app.messaging import opengraph

PAGE = "https://example.com/articles/1"


def test_og_tags_and_images() -> None:
    html = """<html><head>
      <meta property="og:title" content="Title &amp; more">
      <meta property="og:description" content="Words">
      <meta property="og:type" content="article">
      <meta property="og:image" content="/a.png">
      <meta property="og:image:width" content="300">
      <meta property="og:image:height" content="200">
      <meta property="og:image" content="https://cdn.example.com/b.jpg">
      <meta property="og:image:type" content="image/jpeg">
    </head><body><meta property="og:title" content="ignored"></body></html>"""
    og = opengraph.parse(html, PAGE)
    assert og["title"] == "Title & more" and og["description"] == "Words"
    assert og["type"] == "article" and og["url"] == PAGE
    assert og["images"] == [
        {
            "url": "https://example.com/a.png",
            "secure_url": "",
            "type": "",
            "width": 300,
            "height": 200,
        },
        {
            "url": "https://cdn.example.com/b.jpg",
            "secure_url": "",
            "type": "image/jpeg",
            "width": 0,
            "height": 0,
        },
    ]


def test_fallbacks_to_title_and_description() -> None:
    html = "<head><title>  Plain\n page </title><meta name='description' content='About'></head>"
    og = opengraph.parse(html, PAGE)
    assert og["title"] == "Plain page" and og["description"] == "About"
    assert og["images"] is None


def test_unsafe_image_urls_dropped_and_sizes_bounded() -> None:
    html = """<head><meta property="og:image" content="javascript:alert(1)">
      <meta property="og:image" content="data:image/png;base64,AAAA">
      <meta property="og:image" content="http://x.example/ok.png">
      <meta property="og:image:width" content="-5">
      <meta property="og:image:height" content="99999999"></head>"""
    og = opengraph.parse(html, PAGE)
    assert [i["url"] for i in og["images"]] == ["http://x.example/ok.png"]
    assert og["images"][0]["width"] == 0 and og["images"][0]["height"] == 0


def test_long_fields_are_cut() -> None:
    html = f"<head><meta property='og:title' content='{'t' * 5000}'></head>"
    assert len(opengraph.parse(html, PAGE)["title"]) == opengraph.TITLE_MAX


def test_charset() -> None:
    assert opengraph.charset_of("text/html; charset=ISO-8859-1") == "ISO-8859-1"
    assert opengraph.charset_of("text/html") == "utf-8"
    assert opengraph.decode("caf\xe9".encode("latin-1"), "latin-1") == "caf\xe9"
    assert opengraph.decode(b"ok", "no-such-charset") == "ok"
