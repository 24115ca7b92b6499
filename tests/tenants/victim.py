"""The victim of the isolation tests: a tenant with one of everything a route or a
WebSocket action can name, and values of the same kinds that exist in no tenant.

plant(deployment) -> Victim; nowhere("user_id") -> an id of no one;
fill("/users/{user_id}", values) -> the path with the values put in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from roost.ids import new_id
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.support.files import png as victim_png
from tests.support.files import upload_one
from tests.support.posting import post
from tests.tenants.conftest import Deployment, host_of, new_tenant

PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass
class Victim:
    tenant: dict[str, Any]
    host: str
    values: dict[str, str]  # path parameter -> the victim tenant's value
    secrets: list[str]  # strings that must never reach the other tenant
    owner: LoggedIn  # the tenant's system admin
    member: LoggedIn
    team_id: str
    channel_id: str
    post_id: str
    file_post_id: str  # the post the file is attached to


def plant(deployment: Deployment) -> Victim:
    """A tenant with one of everything a route can name."""
    t = new_tenant(deployment)
    host = host_of(t)
    owner = create_user(deployment.base, host=host, username=unique("victim"))
    member = create_user(deployment.base, host=host, nickname="Victim Nickname")
    team = team_with(owner, member, display_name="Victim Team Display")
    channel = channel_with(owner, team["id"], member, display_name="Victim Channel")
    root = post(owner, channel["id"], "victim secret message")
    post(member, channel["id"], "victim secret reply", root_id=root["id"])
    expect(
        member.api.post(
            "/reactions", {"user_id": member.id, "post_id": root["id"], "emoji_name": "smile"}
        ),
        200,
    )
    file_info = upload_one(owner, channel["id"], "victim-file.txt", b"victim bytes")
    # In a post, as files are once sent: only then do they have public links.
    file_post = post(owner, channel["id"], "victim secret file", file_ids=[file_info["id"]])
    hook = expect(
        owner.api.post("/hooks/incoming", {"channel_id": channel["id"], "display_name": "v"}), 201
    )
    command = expect(
        owner.api.post(
            "/commands",
            {
                "team_id": team["id"],
                "trigger": "victimcmd",
                "url": "https://example.com/cmd",
                "method": "P",
            },
        ),
        201,
    )
    bot = expect(owner.api.post("/bots", {"username": unique("vbot")}), 201)
    emoji_meta = json.dumps({"name": unique("victimemoji"), "creator_id": member.id})
    emoji = expect(
        member.api.http.post(
            "/emoji",
            data={"emoji": emoji_meta},
            files={"image": ("e.png", victim_png(16, 16), "image/png")},
        ),
        200,
    )
    token = expect(owner.api.post(f"/users/{member.id}/tokens", {"description": "v"}), 200)
    # Role ids are per tenant (role names are the same in every tenant: not an id).
    role = expect(owner.api.get("/roles/name/channel_user"), 200)
    # The member's sidebar categories, made on first use.
    sidebar = f"/users/{member.id}/teams/{team['id']}/channels/categories"
    category_id = expect(member.api.get(sidebar), 200)["order"][1]
    values = {
        "user_id": member.id,
        "team_id": team["id"],
        "channel_id": channel["id"],
        "post_id": root["id"],
        "thread_id": root["id"],
        "file_id": file_info["id"],
        "hook_id": hook["id"],
        "command_id": command["id"],
        "bot_user_id": bot["user_id"],
        "token_id": token["id"],
        "role_id": role["id"],
        "username": member.username,
        "email": member.email,
        "team_name": team["name"],
        "channel_name": channel["name"],
        "name": team["name"],
        "emoji_name": "smile",
        "emoji_id": emoji["id"],
        "category_id": category_id,
    }
    secrets = [
        "victim secret",
        "Victim Nickname",
        "Victim Team Display",
        "Victim Channel",
        "victim-file",
        "victim bytes",
        member.email,
        owner.username,
        member.username,
        team["name"],
        emoji["name"],
    ]
    return Victim(
        t,
        host,
        values,
        secrets,
        owner,
        member,
        team["id"],
        channel["id"],
        root["id"],
        file_post["id"],
    )


def nowhere(name: str) -> str:
    """A value of the same kind that exists in no tenant."""
    if name in ("username", "team_name", "channel_name", "name", "category"):
        return unique("nobody")
    if name == "email":
        return f"{unique('nobody')}@example.com"
    if name == "emoji_name":
        return "smile"
    if name == "timestamp":
        return "1"
    return new_id()


def fill(path: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: values[m.group(1)], path)
