"""A fresh team with two people, each with a signed-in page, for the browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.client import LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.web.browser import login_cookie, new_context


@dataclass
class TwoPeople:
    base: str
    team: dict[str, Any]
    owner: LoggedIn
    member: LoggedIn
    owner_page: Page
    member_page: Page
    contexts: list[BrowserContext]
    errors: list[str]

    @property
    def team_name(self) -> str:
        return str(self.team["name"])

    def url(self, channel: str) -> str:
        return f"{self.base}/{self.team_name}/channels/{channel}"

    def channel(self, name: str, by: LoggedIn | None = None, **fields: Any) -> dict[str, Any]:
        body = {
            "team_id": self.team["id"],
            "name": name,
            "display_name": name.title(),
            "type": "O",
            **fields,
        }
        return expect_status((by or self.owner).api.post("/channels", body), 201)  # type: ignore[no-any-return]

    def by_name(self, name: str) -> dict[str, Any]:
        path = f"/teams/{self.team['id']}/channels/name/{name}"
        return expect_status(self.owner.api.get(path), 200)  # type: ignore[no-any-return]

    def post(
        self, channel_id: str, message: str, by: LoggedIn | None = None, **fields: Any
    ) -> dict[str, Any]:
        body = {"channel_id": channel_id, "message": message, **fields}
        return expect_status((by or self.owner).api.post("/posts", body), 201)  # type: ignore[no-any-return]

    def join_team(self, user: LoggedIn, team: dict[str, Any] | None = None) -> None:
        team = team or self.team
        body = {"team_id": team["id"], "user_id": user.id}
        expect_status(self.owner.api.post(f"/teams/{team['id']}/members", body), 201)

    def open(self, page: Page, channel: str) -> None:
        page.goto(self.url(channel))
        expect(page.locator(".channel-header h2")).to_be_visible()
        expect(page.locator(".dot.on")).to_be_visible()  # the WebSocket is up

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def two_people(server: str, browser: Browser, prefix: str) -> TwoPeople:
    owner = create_user(server, username=unique("owner"))
    member = create_user(server, username=unique("member"))
    team = expect_status(
        owner.api.post(
            "/teams", {"name": unique(prefix), "display_name": prefix.title(), "type": "O"}
        ),
        201,
    )
    contexts = [new_context(browser), new_context(browser)]
    people = TwoPeople(
        server, team, owner, member, contexts[0].new_page(), contexts[1].new_page(), contexts, []
    )
    people.join_team(member)
    login_cookie(contexts[0], server, owner)
    login_cookie(contexts[1], server, member)
    for page in (people.owner_page, people.member_page):
        page.on("pageerror", lambda error: people.errors.append(str(error)))
    return people
