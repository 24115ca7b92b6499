"""Exporting a tenant as Mattermost's bulk-import JSONL (version 1), streamed a page at
a time: the lines `mattermost import bulk` (and Roost, later) reads, in the order it
needs them: version, teams, channels, users with their memberships, direct and group
channels, posts with their replies and reactions, then direct posts.

Not exported: passwords (users set a new one, as after any Mattermost import), bots,
files' contents (posts keep their text), preferences and read state."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import orjson

from roost.app.kernel.admission import Limiter
from roost.app.tenants.directory import TenantDirectory
from roost.model.channel import DIRECT
from roost.store.db.codec import load_dict
from roost.store.db.database import Database
from roost.store.tenants import export as export_store

PAGE = 500
Row = dict[str, Any]


def _line(kind: str, body: dict[str, Any]) -> bytes:
    return orjson.dumps({"type": kind, kind: body}) + b"\n"


class TenantExport:
    def __init__(
        self, db: Database, directory: TenantDirectory, limiter: Limiter | None = None
    ) -> None:
        self._db = db
        self._directory = directory
        # An export reads a whole tenant: a few at a time, one more refused (503 with
        # Retry-After) before its stream starts, never queued.
        self._slots = limiter or Limiter("export", 1, 0.0, expected_seconds=60.0)

    def check(self, tenant_ref: str) -> str:
        """The tenant's id (AppError 404 when there is none): checked before streaming."""
        return self._directory.get(tenant_ref).id

    async def admit(self, tenant_id: str) -> AsyncIterator[bytes]:
        """Take an export slot now (the busy error when none is free) and return the
        export's stream, which gives the slot back when it ends or is closed."""
        await self._slots.acquire()
        return self._holding_slot(self.lines(tenant_id))

    async def _holding_slot(self, lines: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        try:
            async for line in lines:
                yield line
        finally:
            self._slots.release()

    async def lines(self, tenant_id: str) -> AsyncIterator[bytes]:
        yield orjson.dumps({"type": "version", "version": 1}) + b"\n"
        async with self._db.read(primary=True) as conn:
            teams = await export_store.teams_of(conn, tenant_id)
            channels = await export_store.channels_of(conn, tenant_id)
            names = await export_store.usernames(conn, tenant_id)
            chats = await export_store.private_chats(conn, tenant_id)
        for team in teams:
            yield _line("team", _team(team))
        where: dict[str, tuple[str, str]] = {}
        for channel in channels:
            where[channel["id"]] = (channel["team_name"], channel["name"])
            yield _line("channel", _channel(channel))
        async for line in self._people(tenant_id):
            yield line
        for chat in chats.values():
            members = [names[u] for u in chat["members"] if u in names]
            yield _line("direct_channel", {"members": members, "header": chat["header"]})
        async for line in self._posts(tenant_id, names, where, chats):
            yield line

    async def _people(self, tenant_id: str) -> AsyncIterator[bytes]:
        after = ""
        while True:
            async with self._db.read(primary=True) as conn:
                page = await export_store.people_page(conn, tenant_id, after, PAGE)
                in_teams, in_channels = await export_store.memberships(
                    conn, tenant_id, [u["id"] for u in page]
                )
            for user in page:
                yield _line("user", _user(user, in_teams[user["id"]], in_channels[user["id"]]))
            if len(page) < PAGE:
                return
            after = page[-1]["id"]

    async def _posts(
        self,
        tenant_id: str,
        names: dict[str, str],
        where: dict[str, tuple[str, str]],
        chats: dict[str, Row],
    ) -> AsyncIterator[bytes]:
        direct: list[bytes] = []
        after: tuple[int, str] = (-1, "")
        while True:
            async with self._db.read(primary=True) as conn:
                roots = await export_store.roots_page(conn, tenant_id, after, PAGE)
                replies = await export_store.replies_to(conn, tenant_id, [r["id"] for r in roots])
                every = [r["id"] for r in roots] + [r["id"] for r in replies]
                reactions = await export_store.reactions_on(conn, tenant_id, every)
            by_root: dict[str, list[Row]] = defaultdict(list)
            for reply in replies:
                by_root[reply["root_id"]].append(reply)
            by_post: dict[str, list[Row]] = defaultdict(list)
            for reaction in reactions:
                by_post[reaction["post_id"]].append(reaction)
            for root in roots:
                if root["user_id"] not in names:
                    continue
                body = _post(root, names, by_root[root["id"]], by_post)
                if root["channel_id"] in where:
                    team, channel = where[root["channel_id"]]
                    yield _line("post", {"team": team, "channel": channel, **body})
                elif root["channel_id"] in chats:
                    chat = chats[root["channel_id"]]
                    members = [names[u] for u in chat["members"] if u in names]
                    if chat["type"] == DIRECT and len(members) == 1:
                        members = members * 2  # a user's channel with themselves
                    # Direct posts come after every post, as the importer expects.
                    direct.append(_line("direct_post", {"channel_members": members, **body}))
            if len(roots) < PAGE:
                break
            after = (roots[-1]["create_at"], roots[-1]["id"])
        for line in direct:
            yield line


def _team(team: Row) -> dict[str, Any]:
    return {
        "name": team["name"],
        "display_name": team["display_name"],
        "type": team["type"],
        "description": team["description"],
        "allow_open_invite": bool(team["allow_open_invite"]),
    }


def _channel(channel: Row) -> dict[str, Any]:
    body = {
        "team": channel["team_name"],
        "name": channel["name"],
        "display_name": channel["display_name"],
        "type": channel["type"],
        "header": channel["header"],
        "purpose": channel["purpose"],
    }
    if channel["delete_at"]:
        body["deleted_at"] = channel["delete_at"]
    return body


def _user(user: Row, teams: list[Row], channels: list[Row]) -> dict[str, Any]:
    channels_by_team: dict[str, list[dict[str, str]]] = defaultdict(list)
    for c in channels:
        roles = "channel_user channel_admin" if c["admin"] else "channel_user"
        channels_by_team[c["team"]].append({"name": c["channel"], "roles": roles})
    body: dict[str, Any] = {
        "username": user["username"],
        "email": user["email"],
        "auth_service": user["auth_service"],
        "nickname": user["nickname"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "position": user["position"],
        "roles": user["roles"],
        "locale": user["locale"],
        "teams": [
            {
                "name": t["team"],
                "roles": "team_user team_admin" if t["admin"] else "team_user",
                "channels": channels_by_team.get(t["team"], []),
            }
            for t in teams
        ],
    }
    if user["delete_at"]:
        body["delete_at"] = user["delete_at"]
    return body


def _post(
    root: Row, names: dict[str, str], replies: list[Row], by_post: dict[str, list[Row]]
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user": names[root["user_id"]],
        "message": root["message"],
        "create_at": root["create_at"],
    }
    props = load_dict(root["props"])
    if props:
        body["props"] = props
    if root["is_pinned"]:
        body["is_pinned"] = True
    reactions = _reactions(by_post[root["id"]], names)
    if reactions:
        body["reactions"] = reactions
    kept = [r for r in replies if r["user_id"] in names]
    if kept:
        body["replies"] = [
            {
                "user": names[r["user_id"]],
                "message": r["message"],
                "create_at": r["create_at"],
                **({"reactions": rs} if (rs := _reactions(by_post[r["id"]], names)) else {}),
            }
            for r in kept
        ]
    return body


def _reactions(found: list[Row], names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"user": names[r["user_id"]], "emoji_name": r["emoji_name"], "create_at": r["create_at"]}
        for r in found
        if r["user_id"] in names
    ]
