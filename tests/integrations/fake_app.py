"""An HTTP app played by the test receiver: its manifest and bindings are scripted
answers under a path of its own, and every call it gets can be read back, JWT and all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from tests.integrations.conftest import path
from tests.integrations.receiver import Received, Receiver
from tests.support.chat import add_to_channel, join_team
from tests.support.client import Api, LoggedIn, expect

PLUGIN = "/plugins/com.mattermost.apps/api/v1"
SECRET = "s3cret-for-tests-only-0123456789"


@dataclass
class FakeApp:
    receiver: Receiver
    root: str
    app_id: str
    installed: dict[str, Any]
    bot_token: str = ""

    @property
    def bot_id(self) -> str:
        return str(self.installed["bot_user_id"])

    def path(self, sub: str) -> str:
        return self.root + sub

    def wait(self, sub: str, timeout: float = 10.0) -> Received:
        return self.receiver.wait(self.root + sub, timeout)

    def nothing(self, sub: str, within: float = 0.5) -> None:
        self.receiver.nothing(self.root + sub, within)

    def answer(self, sub: str, data: Any, status: int = 200) -> None:
        self.receiver.answer_json(self.root + sub, data, status)

    def bot(self, base: str) -> LoggedIn:
        """The app's bot, calling with the token the app was given."""
        return LoggedIn(self.bot_id, self.app_id, "", self.bot_token, Api(base, self.bot_token), {})

    def join(self, actor: LoggedIn, team_id: str, channel_id: str = "") -> None:
        shell = LoggedIn(self.bot_id, self.app_id, "", "", actor.api, {})
        join_team(actor, team_id, shell)
        if channel_id:
            add_to_channel(actor, channel_id, shell)


def new_app_id() -> str:
    return f"app{uuid.uuid4().hex[:10]}"


def serve(receiver: Receiver, bindings: list[Any], **manifest: Any) -> tuple[str, str, str]:
    """Script an app's manifest and bindings; returns (root path, manifest URL, app id)."""
    root = path()
    app_id = manifest.pop("app_id", new_app_id())
    receiver.answer_json(
        root + "/manifest.json",
        {
            "app_id": app_id,
            "version": "1.0.0",
            "display_name": "Fake",
            "http": {"root_url": receiver.url(root), "use_jwt": True},
            "on_install": {"path": "/installed"},
            **manifest,
        },
    )
    receiver.answer_json(root + "/bindings", {"type": "ok", "data": bindings})
    return root, receiver.url(root + "/manifest.json"), app_id


def install(admin: LoggedIn, receiver: Receiver, bindings: list[Any], **manifest: Any) -> FakeApp:
    root, url, app_id = serve(receiver, bindings, **manifest)
    installed = expect(admin.api.post("/apps", {"manifest_url": url, "secret": SECRET}), 201)
    app = FakeApp(receiver, root, app_id, installed)
    app.bot_token = app.wait("/installed").json()["context"]["bot_access_token"]
    return app


def claims(got: Received, secret: str = SECRET) -> dict[str, Any]:
    token = got.headers["Mattermost-App-Authorization"].removeprefix("Bearer ")
    decoded: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"])
    return decoded


def command_binding(label: str, path: str, fields: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "location": "/command",
        "bindings": [
            {
                "label": label,
                "description": "A fake app's command",
                "hint": "[do]",
                "bindings": [
                    {
                        "label": "do",
                        "form": {"title": "Do it", "fields": fields, "submit": {"path": path}},
                    }
                ],
            }
        ],
    }
