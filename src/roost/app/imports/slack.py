"""A Slack workspace export, converted to Mattermost's bulk-import lines and then
imported like any Mattermost file (checked first, batches, idempotent).

Read from the zip Slack makes: ``users.json``, ``channels.json`` (public),
``groups.json`` (private), ``dms.json``, ``mpims.json`` and one folder of daily files
per conversation (named after the channel, or the id for direct messages). Everything
lands in one team. Files appear in exports that carry them under
``__uploads/<file id>/<name>``; those are attached, the rest keep their link in the
text. The JSONL is written to a temporary file next to nothing else; one conversation's
messages are in memory at a time (threads are nested under their roots)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson

from roost.app.imports.archive import ArchiveError, Source
from roost.app.imports.records import GROUP_MAX, MESSAGE_MAX
from roost.app.imports.slack_markup import to_markdown
from roost.clock import now_ms

Json = dict[str, Any]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_NOT_NAME = re.compile(r"[^a-z0-9_-]+")
_NOT_USERNAME = re.compile(r"[^a-z0-9._-]+")
# Message subtypes that are Slack's own notices, not what people wrote.
_NOTICES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "group_join",
        "group_leave",
        "group_topic",
        "group_purpose",
        "group_name",
        "pinned_item",
        "unpinned_item",
        "tombstone",
    }
)


class SlackSource(Source):
    """The converted JSONL, whose attachments are read from the Slack zip."""

    def __init__(self, jsonl: Path, original: Source) -> None:
        super().__init__(jsonl, original.limits)
        self.original = original

    def label(self, member: str) -> str:
        return f"{self.original.path.name} (as Mattermost JSONL)"

    def attachment_problem(self, path: str) -> str | None:
        return self.original.attachment_problem(path)

    def read_attachment(self, path: str) -> bytes:
        return self.original.read_attachment(path)


def _name(value: str, fallback: str) -> str:
    name = _NOT_NAME.sub("-", value.lower()).strip("-_")[:64]
    return name or fallback


def _username(value: str, fallback: str) -> str:
    name = _NOT_USERNAME.sub("-", value.lower()).strip("-._")[:60]
    if not name[:1].isalpha():
        name = f"u{name}" if name else fallback
    return name


def _ms(ts: Any) -> int:
    try:
        return round(float(ts) * 1000)
    except (TypeError, ValueError):
        return 0


def _line(kind: str, body: Json) -> bytes:
    return orjson.dumps({"type": kind, kind: body}) + b"\n"


class Converter:
    def __init__(self, source: Source, team: str) -> None:
        self.source = source
        self.team = team
        self.notes: list[str] = []
        self.users: dict[str, str] = {}  # Slack id -> username
        self.bots: dict[str, str] = {}  # bot id -> username
        self.channel_names: dict[str, str] = {}
        self.uploads = self._uploads()
        self.skipped = 0

    def _json(self, member: str) -> Any:
        if member not in self.source.names():
            return []
        try:
            return orjson.loads(self.source.read_member(member))
        except orjson.JSONDecodeError as exc:
            raise ArchiveError(f"{self.source.label(member)}: not valid JSON ({exc})") from None

    def _uploads(self) -> dict[str, str]:
        found = {}
        for name in self.source.names():
            parts = name.split("/")
            if len(parts) == 3 and parts[0] == "__uploads":
                found[parts[1]] = name
        return found

    def lines(self) -> Iterator[bytes]:
        people = [u for u in self._json("users.json") if isinstance(u, dict) and u.get("id")]
        public = [c for c in self._json("channels.json") if isinstance(c, dict)]
        private = [c for c in self._json("groups.json") if isinstance(c, dict)]
        dms = [c for c in self._json("dms.json") if isinstance(c, dict)]
        mpims = [c for c in self._json("mpims.json") if isinstance(c, dict)]
        taken: set[str] = set()
        for u in people:
            name = _username(str(u.get("name") or ""), f"slack-{str(u['id']).lower()}")
            while name in taken:
                name = f"{name}-{str(u['id']).lower()[-4:]}"
            taken.add(name)
            self.users[u["id"]] = name
            bot_id = (u.get("profile") or {}).get("bot_id")
            if bot_id:
                self.bots[bot_id] = name
        for c in (*public, *private):
            self.channel_names[c.get("id", "")] = _name(str(c.get("name") or ""), "channel")
        # Oversize group messages become private channels (Mattermost's groups hold 8).
        big = [m for m in mpims if len(m.get("members") or []) > GROUP_MAX]
        mpims = [m for m in mpims if m not in big]
        for m in big:
            self.channel_names[m.get("id", "")] = _name(str(m.get("name") or ""), "group")
        yield orjson.dumps({"type": "version", "version": 1}) + b"\n"
        display = self.team.replace("-", " ").title()[:64]
        yield _line("team", {"name": self.team, "display_name": display, "type": "I"})
        for c, kind in [(c, "O") for c in public] + [(c, "P") for c in (*private, *big)]:
            yield _line("channel", self._channel(c, kind))
        owner = self._owner(people)
        members: dict[str, list[str]] = {}
        for c in (*public, *private, *big):
            for uid in c.get("members") or []:
                members.setdefault(uid, []).append(self.channel_names[c["id"]])
        for u in people:
            if not u.get("is_bot") or owner is None:
                yield _line("user", self._user(u, members.get(u["id"], [])))
        for u in people:
            if u.get("is_bot") and owner is not None:
                yield _line("bot", self._bot(u, owner))
        for c in (*public, *private, *big):
            folder = str(c.get("name") or "")
            yield from self._posts(folder, self.channel_names[c["id"]], None)
        for chat in (*dms, *mpims):
            names = sorted({self.users[u] for u in chat.get("members") or [] if u in self.users})
            if len(names) < 2:
                continue
            yield _line("direct_channel", {"members": names})
        for chat in (*dms, *mpims):
            names = sorted({self.users[u] for u in chat.get("members") or [] if u in self.users})
            if len(names) < 2:
                continue
            folder = str(chat.get("id") if chat in dms else chat.get("name") or chat.get("id"))
            yield from self._posts(folder, "", names)
        if self.skipped:
            self.notes.append(f"{self.skipped} Slack messages by unknown users were skipped")

    def _channel(self, c: Json, kind: str) -> Json:
        body: Json = {
            "team": self.team,
            "name": self.channel_names[c["id"]],
            "display_name": str(c.get("name") or c["id"])[:64],
            "type": kind,
            "header": str((c.get("topic") or {}).get("value") or "")[:1024],
            "purpose": str((c.get("purpose") or {}).get("value") or "")[:250],
        }
        if c.get("is_archived"):
            body["deleted_at"] = max(_ms(c.get("created")), 1)
        return body

    @staticmethod
    def _owner(people: list[Json]) -> Json | None:
        humans = [u for u in people if not u.get("is_bot") and not u.get("deleted")]
        for flag in ("is_primary_owner", "is_owner", "is_admin"):
            for u in humans:
                if u.get(flag):
                    return u
        return humans[0] if humans else None

    def _user(self, u: Json, channels: list[str]) -> Json:
        profile = u.get("profile") or {}
        name = self.users[u["id"]]
        body: Json = {
            "username": name,
            "email": str(profile.get("email") or f"{name}@slack-import.invalid"),
            "first_name": str(profile.get("first_name") or "")[:64],
            "last_name": str(profile.get("last_name") or "")[:64],
            "nickname": str(profile.get("display_name") or "")[:64],
            "position": str(profile.get("title") or "")[:128],
            "roles": "system_admin system_user" if u.get("is_admin") else "system_user",
            "teams": [
                {
                    "name": self.team,
                    "roles": "team_user team_admin" if u.get("is_admin") else "team_user",
                    "channels": [{"name": c, "roles": "channel_user"} for c in channels],
                }
            ],
        }
        if u.get("deleted"):
            body["delete_at"] = now_ms()
        return body

    def _bot(self, u: Json, owner: Json) -> Json:
        profile = u.get("profile") or {}
        return {
            "username": self.users[u["id"]],
            "owner": self.users[owner["id"]],
            "display_name": str(profile.get("real_name") or u.get("name") or "")[:64],
        }

    def _messages(self, folder: str) -> list[Json]:
        days = sorted(
            n
            for n in self.source.names()
            if n.startswith(f"{folder}/") and _DAY.match(n.split("/")[-1])
        )
        found: list[Json] = []
        for day in days:
            found.extend(m for m in self._json(day) if isinstance(m, dict))
        return found

    def _posts(self, folder: str, channel: str, members: list[str] | None) -> Iterator[bytes]:
        roots: dict[str, Json] = {}
        order: list[str] = []
        for m in self._messages(folder):
            if m.get("type") != "message" or m.get("subtype") in _NOTICES:
                continue
            post = self._post(m)
            if post is None:
                continue
            ts = str(m.get("ts") or "")
            parent = str(m.get("thread_ts") or "")
            if parent and parent != ts and parent in roots:
                if members is not None and post["user"] not in members:
                    continue
                roots[parent]["replies"].append(post)
                continue
            if members is not None and post["user"] not in members:
                continue
            post["replies"] = []
            roots[ts] = post
            order.append(ts)
        for ts in order:
            post = roots[ts]
            if members is None:
                yield _line("post", {"team": self.team, "channel": channel, **post})
            else:
                yield _line("direct_post", {"channel_members": members, **post})

    def _post(self, m: Json) -> Json | None:
        user = self.users.get(str(m.get("user") or ""))
        if m.get("subtype") == "bot_message" or (user is None and m.get("bot_id")):
            user = self.bots.get(str(m.get("bot_id") or "")) or user
        if user is None:
            self.skipped += 1
            return None
        created = _ms(m.get("ts"))
        text = to_markdown(str(m.get("text") or ""), self.users, self.channel_names)
        post: Json = {"user": user, "message": text[:MESSAGE_MAX], "create_at": created}
        edited = m.get("edited") or {}
        if edited.get("ts"):
            post["edit_at"] = _ms(edited["ts"])
        reactions = []
        for r in m.get("reactions") or []:
            for uid in r.get("users") or []:
                if uid in self.users and r.get("name"):
                    reactions.append(
                        {
                            "user": self.users[uid],
                            "emoji_name": str(r["name"])[:64],
                            "create_at": created,
                        }
                    )
        if reactions:
            post["reactions"] = reactions
        files = [self.uploads[f["id"]] for f in m.get("files") or [] if f.get("id") in self.uploads]
        if files:
            post["attachments"] = [{"path": p} for p in files]
        return post


def team_name(path: Path) -> str:
    return _name(path.stem, "slack")[:64].strip("-_") or "slack"


@contextlib.asynccontextmanager
async def converted(
    source: Source, team: str | None
) -> AsyncIterator[tuple[SlackSource, list[str]]]:
    """The Slack export as a Mattermost JSONL source (and the conversion's notes); the
    temporary file goes when the block ends."""
    if not source.is_zip:
        raise ArchiveError(f"{source.path.name}: a Slack export is a zip archive")
    converter = Converter(source, team or team_name(source.path))
    with tempfile.TemporaryDirectory(prefix="roost-slack-") as folder:
        jsonl = Path(folder) / "slack.jsonl"

        def write() -> None:
            with jsonl.open("wb") as out:
                for line in converter.lines():
                    out.write(line)

        await asyncio.to_thread(write)  # off the event loop: a job runs in the server
        derived = SlackSource(jsonl, source)
        try:
            yield derived, converter.notes
        finally:
            derived.close()
