"""Drive mattermostautodriver 11.x, unmodified, through ``TypedDriver`` (and once through
``AsyncTypedDriver``); see common.py for the frame."""

from __future__ import annotations

import asyncio
from typing import Any

from common import Config, EventLog, Steps, check, report
from mattermostautodriver import AsyncTypedDriver, TypedDriver
from mattermostautodriver.exceptions import (
    InvalidOrMissingParameters,
    NoAccessTokenProvided,
    NotEnoughPermissions,
    ResourceNotFound,
)
from play import play


def options(cfg: Config, **extra: Any) -> dict[str, Any]:
    return {
        "url": cfg.host,
        "port": cfg.port,
        "scheme": cfg.scheme,
        "verify": False,
        "request_timeout": 15,
        "max_retries": 0,
        **extra,
    }


class Chat:
    """The story's adapter: each method is one call into TypedDriver."""

    def __init__(self, d: TypedDriver) -> None:
        self.d = d

    def me(self) -> Any:
        return self.d.users.get_user("me")

    def get_user(self, user_id: str) -> Any:
        return self.d.users.get_user(user_id)

    def client_config(self) -> Any:
        # 11.x asks for /config/client without format=old.
        return self.d.system.get_client_config()

    def get_status(self, user_id: str) -> Any:
        return self.d.status.get_user_status(user_id)

    def set_status(self, user_id: str, status: str) -> Any:
        return self.d.status.update_user_status(user_id, status)

    def save_preferences(self, user_id: str, prefs: list[dict[str, str]]) -> Any:
        return self.d.preferences.update_preferences(user_id, prefs)

    def get_preferences(self, user_id: str) -> Any:
        return self.d.preferences.get_preferences(user_id)

    def create_team(self, name: str, display_name: str) -> Any:
        return self.d.teams.create_team(name, display_name, "O")

    def add_team_member(self, team_id: str, user_id: str) -> Any:
        return self.d.teams.add_team_member(team_id, user_id=user_id)

    def create_channel(self, team_id: str, name: str, display_name: str, kind: str) -> Any:
        return self.d.channels.create_channel(team_id, name, display_name, kind)

    def add_channel_member(self, channel_id: str, user_id: str) -> Any:
        return self.d.channels.add_channel_member(channel_id, user_id=user_id)

    def create_post(
        self, channel_id: str, message: str, root_id: str = "", props: Any = None
    ) -> Any:
        return self.d.posts.create_post(channel_id, message, root_id=root_id or None, props=props)

    def team_by_name(self, name: str) -> Any:
        return self.d.teams.get_team_by_name(name)

    def channel_by_name(self, team_id: str, name: str) -> Any:
        return self.d.channels.get_channel_by_name(team_id, name)

    def user_by_username(self, username: str) -> Any:
        return self.d.users.get_user_by_username(username)

    def patch_channel(self, channel_id: str, header: str) -> Any:
        return self.d.channels.patch_channel(channel_id, header=header)

    def remove_reaction(self, user_id: str, post_id: str, emoji: str) -> Any:
        return self.d.reactions.delete_reaction(user_id, post_id, emoji)

    def add_reaction(self, user_id: str, post_id: str, emoji: str) -> Any:
        return self.d.reactions.save_reaction(
            {"user_id": user_id, "post_id": post_id, "emoji_name": emoji}
        )

    def get_reactions(self, post_id: str) -> Any:
        return self.d.reactions.get_reactions(post_id)

    def edit_post(self, post_id: str, message: str) -> Any:
        return self.d.posts.patch_post(post_id, message=message)

    def delete_post(self, post_id: str) -> Any:
        return self.d.posts.delete_post(post_id)

    def get_thread(self, post_id: str) -> Any:
        return self.d.posts.get_post_thread(post_id)

    def channel_posts(self, channel_id: str) -> Any:
        return self.d.posts.get_posts_for_channel(channel_id, per_page=30)

    def direct_channel(self, user_a: str, user_b: str) -> Any:
        return self.d.channels.create_direct_channel([user_a, user_b])


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

    def new(self, **extra: Any) -> TypedDriver:
        return TypedDriver(options(self.cfg, **extra))

    def login(self, driver: TypedDriver) -> Any:
        return driver.login()

    def session_token(self, driver: TypedDriver) -> str:
        return str(driver.client.token)

    def session_user_id(self, driver: TypedDriver) -> str:
        return str(driver.client.userid)

    def chat(self, driver: TypedDriver) -> Chat:
        return Chat(driver)

    def run_socket(self, driver: TypedDriver, log: EventLog) -> None:
        # init_websocket runs the thread's event loop until disconnect().
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            driver.init_websocket(log.handler)
        finally:
            loop.close()

    def logout(self, driver: Any) -> None:
        driver.logout()

    def disconnect(self, driver: TypedDriver) -> None:
        driver.disconnect()

    def set_status(self, driver: TypedDriver, user_id: str, status: str) -> None:
        driver.status.update_user_status(user_id, status)

    def create_access_token(self, driver: TypedDriver, user_id: str) -> Any:
        return driver.users.create_user_access_token(user_id, "test")

    def create_bot(self, driver: TypedDriver, username: str) -> Any:
        return driver.bots.create_bot(username, display_name="Bot")


def async_driver_me(cfg: Config) -> None:
    async def go() -> None:
        async with AsyncTypedDriver(options(cfg, login_id=cfg.user_a, password=cfg.password)) as d:
            me = await d.login()
            check(me.get("username") == cfg.user_a, f"async login gave {me!r}")
            again = await d.users.get_user("me")
            check(again.get("id") == me["id"], f"async users/me gave {again!r}")

    asyncio.run(go())


def main() -> None:
    cfg = Config.from_env()

    def extra(steps: Steps, _: TypedDriver) -> None:
        steps.run("async_driver_me", lambda: async_driver_me(cfg))

    report(*play(Kit(cfg), cfg, extra))


if __name__ == "__main__":
    main()
