"""Drive mattermostautodriver 10.x, unmodified, through its dict-based ``Driver``.

That is the interface mmpy-bot 2.2.1 uses (removed in 11.x); see common.py for the frame.
"""

from __future__ import annotations

import asyncio
from typing import Any

from common import Config, EventLog, report
from mattermostautodriver import Driver
from mattermostautodriver.exceptions import (
    InvalidOrMissingParameters,
    NoAccessTokenProvided,
    NotEnoughPermissions,
    ResourceNotFound,
)
from play import play


class Chat:
    """The story's adapter: each method is one call into the dict-based Driver."""

    def __init__(self, d: Driver) -> None:
        self.d = d

    def me(self) -> Any:
        return self.d.users.get_user("me")

    def get_user(self, user_id: str) -> Any:
        return self.d.users.get_user(user_id)

    def client_config(self) -> Any:
        return self.d.system.get_client_config(params={"format": "old"})

    def get_status(self, user_id: str) -> Any:
        return self.d.status.get_user_status(user_id)

    def set_status(self, user_id: str, status: str) -> Any:
        return self.d.status.update_user_status(user_id, {"user_id": user_id, "status": status})

    def save_preferences(self, user_id: str, prefs: list[dict[str, str]]) -> Any:
        return self._post_list(f"/api/v4/users/{user_id}/preferences", prefs, method="put")

    def get_preferences(self, user_id: str) -> Any:
        return self.d.preferences.get_preferences(user_id)

    def create_team(self, name: str, display_name: str) -> Any:
        return self.d.teams.create_team({"name": name, "display_name": display_name, "type": "O"})

    def add_team_member(self, team_id: str, user_id: str) -> Any:
        return self.d.teams.add_team_member(team_id, {"team_id": team_id, "user_id": user_id})

    def create_channel(self, team_id: str, name: str, display_name: str, kind: str) -> Any:
        return self.d.channels.create_channel(
            {"team_id": team_id, "name": name, "display_name": display_name, "type": kind}
        )

    def add_channel_member(self, channel_id: str, user_id: str) -> Any:
        return self.d.channels.add_channel_member(channel_id, {"user_id": user_id})

    def create_post(
        self, channel_id: str, message: str, root_id: str = "", props: Any = None
    ) -> Any:
        body = {"channel_id": channel_id, "message": message, "root_id": root_id}
        return self.d.posts.create_post({**body, "props": props})

    def team_by_name(self, name: str) -> Any:
        return self.d.teams.get_team_by_name(name)

    def channel_by_name(self, team_id: str, name: str) -> Any:
        return self.d.channels.get_channel_by_name(team_id, name)

    def user_by_username(self, username: str) -> Any:
        return self.d.users.get_user_by_username(username)

    def patch_channel(self, channel_id: str, header: str) -> Any:
        return self.d.channels.patch_channel(channel_id, {"header": header})

    def remove_reaction(self, user_id: str, post_id: str, emoji: str) -> Any:
        return self.d.reactions.delete_reaction(user_id, post_id, emoji)

    def add_reaction(self, user_id: str, post_id: str, emoji: str) -> Any:
        return self.d.reactions.save_reaction(
            {"user_id": user_id, "post_id": post_id, "emoji_name": emoji}
        )

    def get_reactions(self, post_id: str) -> Any:
        return self.d.reactions.get_reactions(post_id)

    def edit_post(self, post_id: str, message: str) -> Any:
        # PUT /posts/{id}: the full update, where mattermostdriver's story uses patch.
        return self.d.posts.update_post(post_id, {"id": post_id, "message": message})

    def delete_post(self, post_id: str) -> Any:
        return self.d.posts.delete_post(post_id)

    def get_thread(self, post_id: str) -> Any:
        return self.d.posts.get_post_thread(post_id)

    def channel_posts(self, channel_id: str) -> Any:
        return self.d.posts.get_posts_for_channel(channel_id, params={"per_page": 30})

    def direct_channel(self, user_a: str, user_b: str) -> Any:
        return self._post_list("/api/v4/channels/direct", [user_a, user_b])

    def _post_list(self, path: str, body: list[Any], method: str = "post") -> Any:
        """A JSON array body, sent through the library's own HTTP client and auth header.

        10.11.2's request builder calls ``.items()`` on every body, so its own
        ``create_direct_channel([...])`` and ``update_preferences(uid, [...])`` raise
        AttributeError before sending anything (11.x fixed it). This is the nearest
        path through the library that still reaches the server.
        """
        client = self.d.client
        response = client.client.request(
            method, client.url + path, json=body, headers=client.auth_header()
        )
        client._check_response(response)
        return response.json()


class Kit:
    login_error = NoAccessTokenProvided
    errors = {
        400: InvalidOrMissingParameters,
        401: NoAccessTokenProvided,
        403: NotEnoughPermissions,
        404: ResourceNotFound,
    }

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg

    def new(self, **options: Any) -> Driver:
        return Driver(
            {
                "url": self.cfg.host,
                "port": self.cfg.port,
                "scheme": self.cfg.scheme,
                "verify": False,
                "request_timeout": 15,
                "max_retries": 0,
                **options,
            }
        )

    def login(self, driver: Driver) -> Any:
        return driver.login()

    def session_token(self, driver: Driver) -> str:
        return str(driver.client.token)

    def session_user_id(self, driver: Driver) -> str:
        return str(driver.client.userid)

    def chat(self, driver: Driver) -> Chat:
        return Chat(driver)

    def run_socket(self, driver: Driver, log: EventLog) -> None:
        # init_websocket runs the thread's event loop until disconnect().
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            driver.init_websocket(log.handler)
        finally:
            loop.close()

    def logout(self, driver: Any) -> None:
        driver.logout()

    def disconnect(self, driver: Driver) -> None:
        driver.disconnect()

    def set_status(self, driver: Driver, user_id: str, status: str) -> None:
        driver.status.update_user_status(user_id, {"user_id": user_id, "status": status})

    def create_access_token(self, driver: Driver, user_id: str) -> Any:
        return driver.users.create_user_access_token(user_id, {"description": "test"})

    def create_bot(self, driver: Driver, username: str) -> Any:
        return driver.bots.create_bot({"username": username, "display_name": "Bot"})


def main() -> None:
    cfg = Config.from_env()
    report(*play(Kit(cfg), cfg))


if __name__ == "__main__":
    main()
