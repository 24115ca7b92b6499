"""Debian's Chromium driven by Playwright, and helpers for pages of the web client."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.support.client import PASSWORD, LoggedIn

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google's hosts, which
# this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMEOUT_MS = 10_000
# Assertions wait as long as actions do (Playwright's own default is 5 s): a live update
# (an event, then a fetch) can take longer than that on a loaded 2-core machine, and a
# state that never comes still fails, only later.
expect.set_options(timeout=TIMEOUT_MS)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 760}


def new_context(browser: Browser, viewport: dict[str, int] = DESKTOP) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": viewport["width"], "height": viewport["height"]}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def watch_errors(page: Page) -> list[str]:
    """Uncaught exceptions on the page, for tests to assert there were none."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def login_ui(page: Page, base: str, user: LoggedIn) -> None:
    page.goto(base + "/login")
    fill_login(page, user.username)


def fill_login(page: Page, username: str) -> None:
    """Log in through the form the page shows."""
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def login_cookie(context: BrowserContext, base: str, user: LoggedIn) -> None:
    """Log in as the web client does (the session cookie), without going through the form."""
    response = context.request.post(
        base + "/api/v4/users/login",
        data={"login_id": user.username, "password": PASSWORD},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status == 200, response.text()


def confirm(page: Page, action: str) -> None:
    """Answer the page's own confirmation dialog (it replaced the browser's confirm box)."""
    page.get_by_role("alertdialog").get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def post_by_text(scope: Page | Locator, text: str) -> Locator:
    """The post whose message contains text, in a page or a part of one."""
    page = scope if isinstance(scope, Page) else scope.page
    return scope.locator(
        "[data-testid=post]", has=page.locator("[data-testid=message]", has_text=text)
    )


def open_channel(page: Page, base: str, team: str, channel: str) -> None:
    page.goto(f"{base}/{team}/channels/{channel}")
    expect(page.locator(".channel-header h2")).to_be_visible()
