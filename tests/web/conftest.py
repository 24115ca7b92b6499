"""One Chromium for all the browser tests, against the session's SQLite server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.support.client import LoggedIn
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, login_cookie, new_context, watch_errors


@pytest.fixture(scope="session", params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    # The browser tests exercise the client, not the database: one backend is enough
    # (the API tests cover both).
    return str(request.param)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope, not session: while Playwright's sync API is open its event loop
    # counts as running in this thread, so tests after these (asyncio.run in fixtures,
    # async tests) need it closed.
    assert Path(CHROMIUM).exists(), "run scripts/setup-browser (Debian's chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def admin_page(server: str, admin: LoggedIn, browser: Browser) -> Iterator[Page]:
    """The session server's system admin signed in, for the System Console's tests."""
    context: BrowserContext = new_context(browser)
    login_cookie(context, server, admin)
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    context.close()
    assert not errors
