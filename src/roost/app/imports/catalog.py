"""The ids an import run has resolved so far: teams and users by name, channels by
(team, name), direct and group channels by their members. Filled from the database on
demand, a batch's worth of names at a time; a run holds thousands of names, never posts."""

from __future__ import annotations

from collections.abc import Iterable

from roost.app.channels.direct import direct_name, group_name
from roost.store.db.database import Connection as AsyncConnection
from roost.store.imports import lookup


def chat_name(user_ids: list[str]) -> str:
    """A direct channel's name (two members, or one: a note to self), else a group's."""
    ids = sorted(set(user_ids))
    if len(ids) <= 2:
        return direct_name(ids[0], ids[-1])
    return group_name(ids)


class Catalog:
    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.teams: dict[str, str] = {}
        self.channels: dict[tuple[str, str], str] = {}
        self.channel_team: dict[str, str] = {}
        self.users: dict[str, str] = {}
        self.chats: dict[str, str] = {}

    async def load_teams(self, conn: AsyncConnection, names: Iterable[str]) -> None:
        missing = [n for n in set(names) if n not in self.teams]
        if missing:
            self.teams.update(await lookup.team_ids(conn, self.tenant_id, missing))

    async def load_channels(self, conn: AsyncConnection, keys: Iterable[tuple[str, str]]) -> None:
        """``keys`` are (team name, channel name)."""
        keys = set(keys)
        await self.load_teams(conn, {team for team, _ in keys})
        wanted = [
            (self.teams[team], name)
            for team, name in keys
            if team in self.teams and (self.teams[team], name) not in self.channels
        ]
        if wanted:
            found = await lookup.channel_ids(conn, self.tenant_id, wanted)
            self.channels.update(found)
            self.channel_team.update({cid: key[0] for key, cid in found.items()})

    def channel(self, team: str, name: str) -> str | None:
        team_id = self.teams.get(team)
        return None if team_id is None else self.channels.get((team_id, name))

    async def load_users(self, conn: AsyncConnection, names: Iterable[str]) -> None:
        missing = [n for n in set(names) if n not in self.users]
        if missing:
            found = await lookup.users_by_name(conn, self.tenant_id, missing)
            self.users.update({name: row["id"] for name, row in found.items()})

    async def load_chats(self, conn: AsyncConnection, member_sets: Iterable[list[str]]) -> None:
        """Direct and group channels by their members' usernames (users loaded first)."""
        names = {chat_name([self.users[u] for u in members]) for members in member_sets}
        missing = [n for n in names if n not in self.chats]
        if missing:
            found = await lookup.channel_ids(conn, self.tenant_id, [("", n) for n in missing])
            for (_, name), cid in found.items():
                self.chats[name] = cid
                self.channel_team[cid] = ""

    def chat(self, members: list[str]) -> str | None:
        return self.chats.get(chat_name([self.users[u] for u in members]))
