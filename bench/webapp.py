"""First load of the web client on a channel of 60 posts, and the bundle's size.

Setup: one `roost serve` on a fresh SQLite (or PostgreSQL) database; two users post
--posts messages (plain text, bold, code, links, mentions, emoji, a code block every
tenth) into one channel over HTTP. Debian's Chromium, headless, driven by Playwright.
Each repeat opens a new browser context (empty cache) already holding the session
cookie and navigates to the channel's URL; the time is from navigation start to the
moment the channel's newest post is in the DOM with all --posts posts rendered
(a MutationObserver installed before the page's scripts records performance.now()).
"Warm" repeats reload the same context, with the bundle in its cache.

    .venv/bin/python -m bench.webapp --repeats 15
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from bench.common import describe, machine
from tests.support.client import PASSWORD, create_user, expect, unique
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.web.source_hash import DIST, MANIFEST

BUDGET_MS = 1000.0
BUDGET_GZIP_BYTES = 500 * 1024

WATCH = """
(() => {
  const want = %d;
  const check = () => {
    if (window.__rendered) return;
    const posts = document.querySelectorAll('[data-testid=post]');
    if (posts.length >= want && document.querySelector('[data-post-id="%s"]')) {
      window.__rendered = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true});
})();
"""


def messages(count: int, other: str) -> list[str]:
    shapes = [
        "Morning! Did the deploy go out?",
        "**Yes** - it went out at 9:40, _no_ errors so far :tada:",
        "Could you check `roost serve --workers 2` on staging, @" + other + "?",
        "The dashboard is at https://example.com/dashboards/roost?range=24h",
        "> quoting the plan: ship the web client this week\n\nagreed :+1:",
        "- first point\n- second point\n- third point",
        "I think the p99 moved because of the cache change, not the index.",
        "Lunch at noon? :pizza:",
        "Here is the patch summary, with a couple of notes on the tests.",
    ]
    code = "```python\ndef fanout(followers):\n    return [f for f in followers if f.active]\n```"
    return [code if i % 10 == 9 else f"{shapes[i % len(shapes)]} ({i})" for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    manifest = json.loads((DIST / MANIFEST).read_text())
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp:
        data_dir = Path(tmp)
        with database(args.backend, data_dir) as url, running_server(url, data_dir) as base:
            a = create_user(base, username=unique("ann"))
            b = create_user(base, username=unique("ben"))
            team = expect(
                a.api.post(
                    "/teams", {"name": unique("bench"), "display_name": "Bench", "type": "O"}
                ),
                201,
            )
            expect(
                a.api.post(
                    f"/teams/{team['id']}/members", {"team_id": team["id"], "user_id": b.id}
                ),
                201,
            )
            channel = expect(
                a.api.post(
                    "/channels",
                    {"team_id": team["id"], "name": "load", "display_name": "Load", "type": "O"},
                ),
                201,
            )
            expect(b.api.post(f"/channels/{channel['id']}/members", {"user_id": b.id}), 201)
            last = ""
            for i, text in enumerate(messages(args.posts, b.username)):
                author = a if i % 3 else b
                last = expect(
                    author.api.post("/posts", {"channel_id": channel["id"], "message": text}), 201
                )["id"]
            cold, warm = load_times(
                base,
                a.username,
                f"{base}/{team['name']}/channels/load",
                args.posts,
                last,
                args.repeats,
            )
            transferred = asset_bytes(base)

    print(f"web client first load: {args.posts}-post channel, {args.backend}, {machine()}")
    print(
        f"chromium {CHROMIUM}, headless, viewport {DESKTOP['width']}x{DESKTOP['height']}, {args.repeats} repeats"
    )
    print(f"cold (empty cache):  {describe(cold)}")
    print(f"warm (cached bundle): {describe(warm)}")
    print(
        f"bundle: {manifest['gzip_total_bytes'] / 1024:.1f} KB gzipped as shipped "
        f"({transferred / 1024:.1f} KB sent for the page and its assets); budget {BUDGET_GZIP_BYTES // 1024} KB"
    )
    verdict = (
        "within"
        if max(cold) < BUDGET_MS and manifest["gzip_total_bytes"] < BUDGET_GZIP_BYTES
        else "OVER"
    )
    print(f"{verdict} budget (first load under {BUDGET_MS:.0f} ms, bundle under 500 KB gzipped)")


def load_times(
    base: str, username: str, url: str, posts: int, last: str, repeats: int
) -> tuple[list[float], list[float]]:
    cold: list[float] = []
    warm: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(repeats):
            context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
            response = context.request.post(
                base + "/api/v4/users/login",
                data={"login_id": username, "password": PASSWORD},
                headers={"X-Requested-With": "XMLHttpRequest"},
            )
            assert response.ok, response.text()
            context.add_init_script(WATCH % (posts, last))
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("() => window.__rendered", timeout=30_000)
            cold.append(float(page.evaluate("window.__rendered")))
            page.reload()
            page.wait_for_function("() => window.__rendered", timeout=30_000)
            warm.append(float(page.evaluate("window.__rendered")))
            context.close()
        browser.close()
    return cold, warm


def asset_bytes(base: str) -> int:
    with httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}) as http:
        page = http.get("/")
        total = int(page.headers.get("content-length", len(page.content)))
        for name in sorted(set(_asset_names(page.text))):
            total += int(http.get(name).headers["content-length"])
    return total


def _asset_names(index: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', index)


if __name__ == "__main__":
    main()
