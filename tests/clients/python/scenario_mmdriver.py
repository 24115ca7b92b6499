"""Drive mattermostdriver 7.3.2, unmodified, against a running Roost (see common.py)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from common import Config, EventLog, Steps, check, report
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


# A word only the post with the file holds, for the search step to find.
FILE_MARKER = f"attached{uuid.uuid4().hex[:8]}"


def upload_file(steps: Steps, driver: Driver) -> None:
    """Upload through the driver's own multipart form, post with the file, read it back."""
    channel_id = steps["create_public_channel"]["id"]
    data = b"a file from mattermostdriver\n" * 100
    uploaded = driver.files.upload_file(channel_id, files={"files": ("driver.txt", data)})
    [info] = uploaded["file_infos"]
    check(info["name"] == "driver.txt" and info["size"] == len(data), f"upload gave {uploaded}")
    post = driver.posts.create_post(
        options={
            "channel_id": channel_id,
            "message": f"with a file {FILE_MARKER}",
            "file_ids": [info["id"]],
        }
    )
    check(post["file_ids"] == [info["id"]], f"the post must carry the file: {post}")
    files = post.get("metadata", {}).get("files", [])
    check([f["id"] for f in files] == [info["id"]], f"metadata.files: {post.get('metadata')}")
    got = driver.files.get_file(info["id"])
    check(got.content == data, f"read back {len(got.content)} bytes, not {len(data)}")
    meta = driver.files.get_file_metadata(info["id"])
    check(meta["post_id"] == post["id"], f"the info must name the post: {meta}")


def search_file_post(steps: Steps, driver: Driver) -> None:
    """Find the post with the file through the driver's team search."""
    team_id = steps["create_team"]["id"]
    found = driver.posts.search_for_team_posts(
        team_id, options={"terms": FILE_MARKER, "is_or_search": False}
    )
    posts = [found["posts"][pid] for pid in found["order"]]
    check(len(posts) == 1 and posts[0]["file_ids"], f"search found {found['order']}")
    check(FILE_MARKER in found["matches"][posts[0]["id"]], f"matches: {found['matches']}")


def main() -> None:
    cfg = Config.from_env()

    def extra(steps: Steps, driver: Driver) -> None:
        steps.run("upload_file", lambda: upload_file(steps, driver), ("create_public_channel",))
        steps.run("search_file_post", lambda: search_file_post(steps, driver), ("upload_file",))

    report(*play(Kit(cfg), cfg, extra))


if __name__ == "__main__":
    main()
