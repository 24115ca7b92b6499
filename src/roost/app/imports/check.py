"""The checking pass over a Mattermost JSONL file: every line parsed and checked, and
every team, channel and person a line names found (earlier in the file, or already in
the tenant). Nothing is written; the problems found are the whole of ``--dry-run``, and
a real run starts writing only when there are none.

Memory holds the names the file defines and references (thousands), never its posts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from roost.app.imports import records
from roost.app.imports.archive import Source
from roost.app.imports.records import DEFAULT_CHANNELS, LineError
from roost.app.imports.report import Progress, Report
from roost.store.db.database import Database
from roost.store.imports import lookup

Parsed = tuple[int, str, dict[str, Any]]


def parsed_lines(source: Source, member: str, report: Report | None) -> Iterator[Parsed]:
    """(line number, type, checked body) of each line; a bad line goes to ``report``
    (or raises LineError when there is none)."""
    where = source.label(member)
    for number, raw in source.lines(member):
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            if report is None:
                raise LineError(f"{where}:{number}: not a JSON object") from None
            report.problem(where, number, "not valid JSON")
            continue
        try:
            kind, body = records.parse(obj)
        except LineError as exc:
            if report is None:
                raise LineError(f"{where}:{number}: {exc}") from None
            report.problem(where, number, str(exc))
            continue
        yield number, kind, body


@dataclass(slots=True)
class _Seen:
    teams: set[str] = field(default_factory=set)
    channels: set[tuple[str, str]] = field(default_factory=set)
    # lower-cased username -> (as spelled, line)
    users: dict[str, tuple[str, int]] = field(default_factory=dict)
    emails: dict[str, tuple[str, int]] = field(default_factory=dict)
    team_refs: dict[str, int] = field(default_factory=dict)
    channel_refs: dict[tuple[str, str], int] = field(default_factory=dict)
    user_refs: dict[str, int] = field(default_factory=dict)


class Checker:
    def __init__(self, db: Database, tenant_id: str) -> None:
        self._db = db
        self._tenant_id = tenant_id

    async def check(self, source: Source, report: Report, progress: Progress | None) -> None:
        member = source.jsonl_name()
        where = source.label(member)
        seen = _Seen()
        first = True
        for number, raw in source.lines(member):
            report.lines += 1
            if report.lines % 1000 == 0:
                await asyncio.sleep(0)  # a job in the server lets requests through
                if progress is not None:
                    progress(report.lines, 0)
            try:
                obj = orjson.loads(raw)
                kind, body = records.parse(obj)
            except orjson.JSONDecodeError:
                report.problem(where, number, "not valid JSON")
                first = False
                continue
            except LineError as exc:
                report.problem(where, number, str(exc))
                first = False
                continue
            if first and kind != "version":
                report.problem(where, number, "the first line must be the version line")
            first = False
            try:
                self._note(source, seen, number, kind, body, obj)
            except LineError as exc:
                report.problem(where, number, str(exc))
        if first:
            report.problem(where, 0, "the file has no lines")
        await self._check_references(seen, where, report)

    def _note(
        self, source: Source, seen: _Seen, number: int, kind: str, body: dict[str, Any], raw: Any
    ) -> None:
        if kind == "team":
            seen.teams.add(body["name"])
            # A team made by the import gets its default channels.
            seen.channels.update((body["name"], name) for name, _ in DEFAULT_CHANNELS)
        elif kind == "channel":
            seen.team_refs.setdefault(body["team"], number)
            seen.channels.add((body["team"], body["name"]))
        elif kind in ("user", "bot"):
            spelled = str(raw[kind].get("username", "")).strip()
            name = body["username"]
            earlier = seen.users.get(name)
            if earlier is not None and earlier[0] != spelled:
                raise LineError(
                    f"username {spelled!r} differs only in case from {earlier[0]!r} "
                    f"on line {earlier[1]}"
                )
            seen.users.setdefault(name, (spelled, number))
            if kind == "bot":
                seen.user_refs.setdefault(body["owner"], number)
                return
            email = body["email"].lower()
            owner = seen.emails.get(email)
            if owner is not None and owner[0] != name:
                raise LineError(
                    f"email {body['email']!r} is also {owner[0]!r}'s, on line {owner[1]}"
                )
            seen.emails.setdefault(email, (name, number))
            for team in body["teams"]:
                seen.team_refs.setdefault(team["name"], number)
                for channel in team["channels"]:
                    seen.channel_refs.setdefault((team["name"], channel["name"]), number)
            if body["profile_image"]:
                self._attachment(source, body["profile_image"])
        elif kind in ("post", "direct_post"):
            if kind == "post":
                seen.team_refs.setdefault(body["team"], number)
                seen.channel_refs.setdefault((body["team"], body["channel"]), number)
            else:
                for name in body["channel_members"]:
                    seen.user_refs.setdefault(name, number)
            for message in (body, *body["replies"]):
                seen.user_refs.setdefault(message["user"], number)
                for reaction in message["reactions"]:
                    seen.user_refs.setdefault(reaction["user"], number)
                for name in message["flagged_by"]:
                    seen.user_refs.setdefault(name, number)
                for path in message["attachments"]:
                    self._attachment(source, path)
        elif kind == "direct_channel":
            for name in (*body["members"], *body["favorited_by"]):
                seen.user_refs.setdefault(name, number)
        elif kind == "emoji":
            self._attachment(source, body["image"])

    @staticmethod
    def _attachment(source: Source, path: str) -> None:
        problem = source.attachment_problem(path)
        if problem is not None:
            raise LineError(problem)

    async def _check_references(self, seen: _Seen, where: str, report: Report) -> None:
        """Names the file uses but does not define must already be in the tenant."""
        t = self._tenant_id
        teams_wanted = sorted(set(seen.team_refs) - seen.teams)
        users_wanted = sorted(set(seen.user_refs) - set(seen.users))
        async with self._db.read(primary=True) as conn:
            team_ids = await lookup.team_ids(conn, t, sorted(set(seen.team_refs)))
            users_there = await lookup.users_by_name(conn, t, users_wanted)
            emails_there = await lookup.users_by_email(conn, t, sorted(seen.emails))
            channel_keys = [
                (team_ids[team], name)
                for team, name in seen.channel_refs
                if (team, name) not in seen.channels and team in team_ids
            ]
            channels_there = await lookup.channel_ids(conn, t, channel_keys)
        for team in teams_wanted:
            if team not in team_ids:
                report.problem(where, seen.team_refs[team], f"team {team!r} does not exist")
        for (team, name), number in sorted(seen.channel_refs.items(), key=lambda kv: kv[1]):
            if (team, name) in seen.channels or (team not in team_ids and team not in seen.teams):
                continue
            if team not in team_ids or (team_ids[team], name) not in channels_there:
                report.problem(where, number, f"channel {team}/{name} does not exist")
        for name in users_wanted:
            if name not in users_there:
                report.problem(where, seen.user_refs[name], f"user {name!r} does not exist")
        for email, (name, number) in seen.emails.items():
            holder = emails_there.get(email)
            if holder is not None and holder != name:
                report.problem(where, number, f"email {email!r} already belongs to {holder!r}")
