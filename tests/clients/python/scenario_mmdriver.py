"""Drive mattermostdriver 7.3.2, unmodified, against a running Roost (see common.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from common import Config, EventLog, report
from mattermostdriver import Driver
from mattermostdriver.endpoints.bots import Bots
from mattermostdriver.exceptions import (
    InvalidOrMissingParameters,
    NoAccessTokenProvided,
    NotEnoughPermissions,
    ResourceNotFound,
)
from play import play


def new_driver(cfg: Config, **options: Any) -> Driver:
    return Driver(
        {
            "url": cfg.host,
            "port": cfg.port,
            "scheme": cfg.scheme,
            "basepath": "/api/v4",
            "verify": False,
            # The WebSocket loop wakes this often (seconds) to send a pong.
            "timeout": 1,
            "request_timeout": 15,
            **options,
        }
    )


class Chat:
    """The story's adapter: each method is one call into mattermostdriver."""

    def __init__(self, d: Driver) -> None:
        self.d = d

    def me(self) -> Any:
        return self.d.users.get_user("me")

    def get_user(self, user_id: str) -> Any:
        return self.d.users.get_user(user_id)

    def client_config(self) -> Any:
        return self.d.system.get_client_configuration(params={"format": "old"})

    def get_status(self, user_id: str) -> Any:
        return self.d.status.get_user_status(user_id)

    def set_status(self, user_id: str, status: str) -> Any:
        return self.d.status.update_user_status(
            user_id, options={"user_id": user_id, "status": status}
        )

    def save_preferences(self, user_id: str, prefs: list[dict[str, str]]) -> Any:
        return self.d.preferences.save_user_preferences(user_id, options=prefs)

    def get_preferences(self, user_id: str) -> Any:
        return self.d.preferences.get_user_preferences(user_id)

    def create_team(self, name: str, display_name: str) -> Any:
        return self.d.teams.create_team(
            options={"name": name, "display_name": display_name, "type": "O"}
        )

    def add_team_member(self, team_id: str, user_id: str) -> Any:
        return self.d.teams.add_user_to_team(
            team_id, options={"team_id": team_id, "user_id": user_id}
        )

    def create_channel(self, team_id: str, name: str, display_name: str, kind: str) -> Any:
        return self.d.channels.create_channel(
            options={"team_id": team_id, "name": name, "display_name": display_name, "type": kind}
        )

    def add_channel_member(self, channel_id: str, user_id: str) -> Any:
        return self.d.channels.add_user(channel_id, options={"user_id": user_id})

    def create_post(
        self, channel_id: str, message: str, root_id: str = "", props: Any = None
    ) -> Any:
        body = {"channel_id": channel_id, "message": message, "root_id": root_id}
        return self.d.posts.create_post(options={**body, "props": props or {}})

    def team_by_name(self, name: str) -> Any:
        return self.d.teams.get_team_by_name(name)

    def channel_by_name(self, team_id: str, name: str) -> Any:
        return self.d.channels.get_channel_by_name(team_id, name)

    def user_by_username(self, username: str) -> Any:
        return self.d.users.get_user_by_username(username)

    def patch_channel(self, channel_id: str, header: str) -> Any:
        return self.d.channels.patch_channel(channel_id, options={"header": header})

    def remove_reaction(self, user_id: str, post_id: str, emoji: str) -> Any:
        return self.d.reactions.delete_reaction(user_id, post_id, emoji)

    def add_reaction(self, user_id: str, post_id: str, emoji: str) -> Any:
        return self.d.reactions.create_reaction(
            options={"user_id": user_id, "post_id": post_id, "emoji_name": emoji}
        )

    def get_reactions(self, post_id: str) -> Any:
        # Requests /posts/{id}//reactions: the doubled slash is the driver's own.
        return self.d.reactions.get_reactions_of_post(post_id)

    def edit_post(self, post_id: str, message: str) -> Any:
        return self.d.posts.patch_post(post_id, options={"message": message})

    def delete_post(self, post_id: str) -> Any:
        return self.d.posts.delete_post(post_id)

    def get_thread(self, post_id: str) -> Any:
        return self.d.posts.get_thread(post_id)

    def channel_posts(self, channel_id: str) -> Any:
        return self.d.posts.get_posts_for_channel(channel_id)

    def direct_channel(self, user_a: str, user_b: str) -> Any:
        return self.d.channels.create_direct_message_channel(options=[user_a, user_b])


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
        return new_driver(self.cfg, **options)

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
        driver.status.update_user_status(user_id, options={"user_id": user_id, "status": status})

    def create_access_token(self, driver: Driver, user_id: str) -> Any:
        return driver.users.create_user_access_token(user_id, options={"description": "test"})

    def create_bot(self, driver: Driver, username: str) -> Any:
        # 7.3.2 builds a Bots endpoint but has no ``driver.bots`` property for it.
        bots = Bots(driver.client)
        return bots.create_bot(options={"username": username, "display_name": "Bot"})


def main() -> None:
    cfg = Config.from_env()
    report(*play(Kit(cfg), cfg))


if __name__ == "__main__":
    main()
