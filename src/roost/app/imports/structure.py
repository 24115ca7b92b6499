"""Writing the lines that are not posts: teams, channels, people (with their team and
channel memberships, preferences and notification settings), bots, direct and group
channels, custom emoji. Each call writes one batch of lines of one type inside the
caller's transaction; rows are found by natural key first, so a second run updates
what the first wrote instead of adding to it."""

from __future__ import annotations

import asyncio
import mimetypes
from typing import Any

from roost.app.accounts.passwords import hash_password
from roost.app.accounts.profile_images import image_key, profile_png
from roost.app.imports.archive import Source
from roost.app.imports.catalog import Catalog, chat_name
from roost.app.imports.keys import stable_id
from roost.app.imports.records import DEFAULT_CHANNELS
from roost.app.imports.report import Report
from roost.app.kernel.errors import AppError
from roost.clock import now_ms
from roost.filestore import FileStore
from roost.filestore.keys import emoji_image_key
from roost.ids import new_id
from roost.model.channel import DIRECT, GROUP, Channel, ChannelMember
from roost.model.team import Team, TeamMember
from roost.model.user import DEFAULT_NOTIFY_PROPS, DEFAULT_TIMEZONE, User
from roost.store.channels import members as member_store
from roost.store.channels import teams as team_store
from roost.store.channels.channels import channel_values
from roost.store.db.database import Connection as AsyncConnection
from roost.store.imports import lookup, write
from roost.store.imports.users import user_row

Body = dict[str, Any]
MAX_PICTURE_PIXELS = 50_000_000
_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")


def is_bcrypt(value: str) -> bool:
    return len(value) == 60 and value.startswith(_BCRYPT_PREFIXES)


class StructureWriter:
    def __init__(self, catalog: Catalog, source: Source, files: FileStore, report: Report) -> None:
        self.catalog = catalog
        self.t = catalog.tenant_id
        self.source = source
        self.files = files
        self.report = report

    async def teams(self, conn: AsyncConnection, bodies: list[Body]) -> None:
        now = now_ms()
        rows = [
            team_store.team_values(
                self.t,
                Team(
                    id=stable_id("team", self.t, b["name"]),
                    name=b["name"],
                    display_name=b["display_name"],
                    type=b["type"],
                    description=b["description"],
                    allow_open_invite=b["allow_open_invite"],
                    create_at=now,
                    update_at=now,
                    invite_id=new_id(),
                ),
            )
            for b in bodies
        ]
        await write.upsert_teams(conn, rows)
        names = [b["name"] for b in bodies]
        self.catalog.teams.update(await lookup.team_ids(conn, self.t, names))
        # Every team has its two default channels, which everyone in it joins.
        defaults = [
            channel_values(
                self.t,
                Channel(
                    id=stable_id("channel", self.t, self.catalog.teams[n], name),
                    team_id=self.catalog.teams[n],
                    type="O",
                    name=name,
                    display_name=display,
                    create_at=now,
                    update_at=now,
                ),
            )
            for n in names
            for name, display in DEFAULT_CHANNELS
        ]
        await write.insert_channels(conn, defaults)
        self.report.add("teams", len(bodies))

    async def channels(self, conn: AsyncConnection, bodies: list[Body]) -> None:
        await self.catalog.load_teams(conn, [b["team"] for b in bodies])
        now = now_ms()
        rows = []
        for b in bodies:
            team_id = self.catalog.teams[b["team"]]
            rows.append(
                channel_values(
                    self.t,
                    Channel(
                        id=stable_id("channel", self.t, team_id, b["name"]),
                        team_id=team_id,
                        type=b["type"],
                        name=b["name"],
                        display_name=b["display_name"],
                        header=b["header"],
                        purpose=b["purpose"],
                        delete_at=b["deleted_at"],
                        create_at=now,
                        update_at=now,
                    ),
                )
            )
        await write.upsert_channels(conn, rows)
        await self.catalog.load_channels(conn, [(b["team"], b["name"]) for b in bodies])
        self.report.add("channels", len(bodies))

    async def users(self, conn: AsyncConnection, bodies: list[Body]) -> None:
        latest = {b["username"]: b for b in bodies}  # a later line about someone wins
        bodies = list(latest.values())
        existing = await lookup.users_by_name(conn, self.t, list(latest))
        now = now_ms()
        new_rows: list[dict[str, Any]] = []
        old_rows: list[dict[str, Any]] = []
        for b in bodies:
            known = existing.get(b["username"])
            user = await self._user(b, known, now)
            if b["profile_image"] and await self._picture(user.id, b["profile_image"]):
                user.last_picture_update = now
            (old_rows if known else new_rows).append(user_row(self.t, user))
            self.catalog.users[b["username"]] = user.id
        await write.insert_users(conn, new_rows)
        await write.update_users(conn, self.t, old_rows)
        await self._memberships(conn, bodies, now)
        self.report.add("users", len(new_rows))
        self.report.add("users_updated", len(old_rows))

    async def _picture(self, user_id: str, path: str) -> bool:
        """Store the profile picture at ``path`` as the profile API does (a square PNG);
        one that cannot be read is noted and skipped."""
        data = self.source.read_attachment(path)
        try:
            png = await asyncio.to_thread(profile_png, data, MAX_PICTURE_PIXELS)
        except AppError as exc:
            self.report.notes.append(f"profile image {path!r} skipped: {exc.message}")
            return False
        await self.files.put_bytes(image_key(self.t, user_id), png, "image/png")
        return True

    async def _user(self, b: Body, known: dict[str, Any] | None, now: int) -> User:
        password = b["password"]
        if not password:
            hashed = ""  # no password: the person sets one (reset) or signs in through SSO
        elif is_bcrypt(password):
            hashed = password
        else:
            hashed = await hash_password(password, source="import")
        notify = dict(DEFAULT_NOTIFY_PROPS)
        notify.update(b["notify_props"])
        return User(
            id=known["id"] if known else stable_id("user", self.t, b["username"]),
            username=b["username"],
            email=b["email"],
            create_at=now,
            update_at=now,
            delete_at=b["delete_at"],
            password_hash=hashed,
            # Mattermost's importer marks addresses verified: the source server had them.
            email_verified=True,
            nickname=b["nickname"],
            first_name=b["first_name"],
            last_name=b["last_name"],
            position=b["position"],
            roles=b["roles"],
            auth_service=b["auth_service"],
            auth_data=b["auth_data"],
            locale=b["locale"],
            notify_props=notify,
            timezone=dict(DEFAULT_TIMEZONE),
            last_password_update=now if hashed else 0,
        )

    async def _memberships(self, conn: AsyncConnection, bodies: list[Body], now: int) -> None:
        keys = [
            (team["name"], name)
            for b in bodies
            for team in b["teams"]
            for name in [c["name"] for c in team["channels"]] + [d for d, _ in DEFAULT_CHANNELS]
        ]
        await self.catalog.load_channels(conn, keys)
        team_rows, member_rows, prefs = [], [], []
        for b in bodies:
            user_id = self.catalog.users[b["username"]]
            for category, name, value in b["preferences"]:
                prefs.append(
                    _pref(self.t, user_id, category, name.replace("<user>", user_id), value)
                )
            for team in b["teams"]:
                team_id = self.catalog.teams[team["name"]]
                team_rows.append(
                    team_store.member_values(
                        self.t,
                        TeamMember(team_id, user_id, scheme_admin=team["admin"], create_at=now),
                    )
                )
                if team["theme"]:
                    prefs.append(_pref(self.t, user_id, "theme", team_id, team["theme"]))
                listed = {c["name"] for c in team["channels"]}
                channels = list(team["channels"]) + [
                    {"name": d} for d, _ in DEFAULT_CHANNELS if d not in listed
                ]
                for c in channels:
                    channel_id = self.catalog.channel(team["name"], c["name"])
                    if channel_id is None:
                        continue  # a default channel the team does not have
                    member = ChannelMember(
                        channel_id=channel_id,
                        user_id=user_id,
                        scheme_admin=bool(c.get("admin")),
                        last_viewed_at=c.get("last_viewed_at", 0),
                        msg_count=c.get("msg_count", 0),
                        msg_count_root=c.get("msg_count_root", 0),
                        mention_count=c.get("mention_count", 0),
                        last_update_at=now,
                    )
                    member.notify_props.update(c.get("notify_props", {}))
                    member_rows.append(member_store.member_values(self.t, member))
                    if c.get("favorite"):
                        prefs.append(_pref(self.t, user_id, "favorite_channel", channel_id, "true"))
        await write.insert_team_members(conn, team_rows)
        await write.insert_channel_members(conn, member_rows)
        await write.upsert_preferences(conn, prefs)
        self.report.add("team_memberships", len(team_rows))
        self.report.add("channel_memberships", len(member_rows))

    async def bots(self, conn: AsyncConnection, bodies: list[Body]) -> None:
        await self.catalog.load_users(conn, [b["owner"] for b in bodies])
        existing = await lookup.users_by_name(conn, self.t, [b["username"] for b in bodies])
        now = now_ms()
        user_rows, bot_rows = [], []
        for b in bodies:
            if b["username"] in existing:
                self.catalog.users[b["username"]] = existing[b["username"]]["id"]
                continue
            user_id = stable_id("user", self.t, b["username"])
            user = User(
                id=user_id,
                username=b["username"],
                email=f"{b['username']}@localhost",
                create_at=now,
                update_at=now,
                delete_at=b["delete_at"],
                first_name=b["display_name"],
                is_bot=True,
            )
            user_rows.append(user_row(self.t, user))
            bot_rows.append(
                {
                    "tenant_id": self.t,
                    "user_id": user_id,
                    "owner_id": self.catalog.users[b["owner"]],
                    "description": b["description"],
                    "create_at": now,
                    "update_at": now,
                    "delete_at": b["delete_at"],
                }
            )
            self.catalog.users[b["username"]] = user_id
        await write.insert_users(conn, user_rows)
        await write.insert_bots(conn, bot_rows)
        self.report.add("bots", len(bot_rows))

    async def chats(
        self, conn: AsyncConnection, member_sets: list[list[str]], headers: dict[str, str]
    ) -> int:
        """Direct and group channels for these sets of usernames, made where missing.
        Returns how many were made."""
        await self.catalog.load_users(conn, [u for members in member_sets for u in members])
        await self.catalog.load_chats(conn, member_sets)
        now = now_ms()
        rows, members, made = [], [], 0
        for names in member_sets:
            ids = sorted({self.catalog.users[u] for u in names})
            name = chat_name(ids)
            if name in self.catalog.chats:
                continue
            channel_id = stable_id("chat", self.t, name)
            rows.append(
                channel_values(
                    self.t,
                    Channel(
                        id=channel_id,
                        team_id="",
                        type=DIRECT if len(ids) <= 2 else GROUP,
                        name=name,
                        display_name="" if len(ids) <= 2 else ", ".join(sorted(names))[:64],
                        header=headers.get(name, ""),
                        create_at=now,
                        update_at=now,
                    ),
                )
            )
            members += [
                member_store.member_values(
                    self.t, ChannelMember(channel_id=channel_id, user_id=u, last_update_at=now)
                )
                for u in ids
            ]
            self.catalog.chats[name] = channel_id
            self.catalog.channel_team[channel_id] = ""
            made += 1
        await write.insert_channels(conn, rows)
        await write.insert_channel_members(conn, members)
        return made

    async def direct_channels(self, conn: AsyncConnection, bodies: list[Body]) -> None:
        await self.catalog.load_users(
            conn, [u for b in bodies for u in (*b["members"], *b["favorited_by"])]
        )
        headers = {
            chat_name([self.catalog.users[u] for u in b["members"]]): b["header"] for b in bodies
        }
        made = await self.chats(conn, [b["members"] for b in bodies], headers)
        prefs = [
            _pref(self.t, self.catalog.users[u], "favorite_channel", channel_id, "true")
            for b in bodies
            if (channel_id := self.catalog.chat(b["members"])) is not None
            for u in b["favorited_by"]
        ]
        await write.upsert_preferences(conn, prefs)
        self.report.add("direct_channels", made)

    async def emoji(self, conn: AsyncConnection, bodies: list[Body]) -> None:
        live = await lookup.live_emoji(conn, self.t, [b["name"] for b in bodies])
        now = now_ms()
        rows = []
        for b in bodies:
            if b["name"] in live:
                continue
            emoji_id = stable_id("emoji", self.t, b["name"])
            data = self.source.read_attachment(b["image"])
            kind = mimetypes.guess_type(b["image"])[0] or "application/octet-stream"
            await self.files.put_bytes(emoji_image_key(self.t, emoji_id), data, kind)
            rows.append(
                {
                    "tenant_id": self.t,
                    "id": emoji_id,
                    "creator_id": "",
                    "name": b["name"],
                    "create_at": now,
                    "update_at": now,
                    "delete_at": 0,
                }
            )
            live.add(b["name"])
        await write.insert_emoji(conn, rows)
        self.report.add("emoji", len(rows))


def _pref(tenant_id: str, user_id: str, category: str, name: str, value: str) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "category": category,
        "name": name,
        "value": value,
    }
