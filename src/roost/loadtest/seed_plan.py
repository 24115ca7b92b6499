"""The shape of a seeded data set: who is in which team and channel, and each channel's
posts, replies and reactions, with every counter the server keeps made consistent.

Pure generation (rows as dicts, the store's own value mappers); ``seed.py`` writes
them. Channels are generated one at a time so a million posts never sit in memory.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from roost.app.channels.direct import direct_name, group_name
from roost.ids import new_id
from roost.loadtest.model import CHANNEL_MIX
from roost.model.channel import Channel, ChannelMember
from roost.model.post import Post
from roost.model.team import Team, TeamMember
from roost.model.user import DEFAULT_NOTIFY_PROPS, DEFAULT_TIMEZONE
from roost.store.channels import members as member_store
from roost.store.channels import teams as team_store
from roost.store.channels.channels import channel_values
from roost.store.db import codec
from roost.store.posts import posts as post_store

DAY_MS = 86_400_000
MAX_HOT_THREAD = 2000
DEFAULT_CHANNELS = (("town-square", "Town Square"), ("off-topic", "Off-Topic"))
EMOJIS = ("smile", "+1", "heart", "tada", "eyes", "rocket", "laughing", "white_check_mark")
_WORDS = (
    "we",
    "should",
    "ship",
    "the",
    "release",
    "after",
    "review",
    "build",
    "is",
    "green",
    "again",
    "cache",
    "misses",
    "went",
    "down",
    "index",
    "change",
    "lunch",
    "at",
    "noon",
    "anyone",
    "meeting",
    "moved",
    "to",
    "three",
    "please",
    "update",
    "doc",
    "with",
    "your",
    "notes",
    "thanks",
    "customer",
    "asked",
    "about",
    "sso",
    "and",
    "migration",
    "plan",
    "looks",
    "fine",
    "me",
)


@dataclass(slots=True)
class SeedConfig:
    posts: int = 10_000
    users: int = 0  # 0: derived from posts
    teams: int = 2
    channels: int = 0  # 0: derived from users
    prefix: str = "loadtest"
    password: str = "Loadtest-password-1"
    bcrypt_cost: int = 10
    days: int = 365
    reply_share: float = 0.2
    reaction_share: float = 0.05
    read_share: float = 0.7
    seed: int | None = None

    def resolved(self) -> SeedConfig:
        """Fill derived sizes: about 100 posts per user and 2 channels per user."""
        users = self.users or max(20, min(200_000, self.posts // 100))
        channels = self.channels or max(self.teams * 4, users * 2)
        return dataclasses.replace(self, users=users, channels=channels)


def username(prefix: str, index: int) -> str:
    return f"{prefix}-{index}"


def admin_username(prefix: str) -> str:
    return f"{prefix}-admin"


def split_counts(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Whole numbers in the given proportions that add up to ``total`` (largest remainder)."""
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[
        : total - sum(counts.values())
    ]:
        counts[k] += 1
    return counts


@dataclass(slots=True)
class PlannedChannel:
    channel: Channel
    members: list[str]
    weight: float
    posts: int = 0


@dataclass(slots=True)
class Plan:
    cfg: SeedConfig
    now: int
    user_ids: list[str]
    admin_id: str
    teams: list[Team]
    team_members: dict[str, list[str]]
    channels: list[PlannedChannel] = field(default_factory=list)


def _message_pool(rng: random.Random, size: int = 2000) -> list[str]:
    pool = []
    for _ in range(size):
        roll = rng.random()
        words = rng.randint(150, 400) if roll < 0.02 else rng.randint(2, 40)
        pool.append(" ".join(rng.choice(_WORDS) for _ in range(words)))
    return pool


def plan(cfg: SeedConfig, now: int, rng: random.Random) -> Plan:
    """Teams, team memberships and channels with their members and post counts."""
    user_ids = [new_id() for _ in range(cfg.users)]
    teams = [
        Team(
            id=new_id(),
            name=f"{cfg.prefix}-team-{k}",
            display_name=f"Load test team {k}",
            create_at=now - cfg.days * DAY_MS,
            update_at=now - cfg.days * DAY_MS,
            invite_id=new_id(),
            allow_open_invite=True,
            creator_id=user_ids[0] if user_ids else "",
        )
        for k in range(cfg.teams)
    ]
    members: dict[str, list[str]] = {t.id: [] for t in teams}
    for i, uid in enumerate(user_ids):
        home = teams[i % len(teams)]
        members[home.id].append(uid)
        # Half the people are also in a second team.
        if len(teams) > 1 and rng.random() < 0.5:
            other = teams[(i % len(teams) + 1 + rng.randrange(len(teams) - 1)) % len(teams)]
            members[other.id].append(uid)
    out = Plan(cfg, now, user_ids, new_id(), teams, members)
    counts = split_counts(cfg.channels, CHANNEL_MIX)
    start = now - cfg.days * DAY_MS

    def make(team_id: str, ctype: str, name: str, display: str, ids: list[str], w: float) -> None:
        created = start + rng.randrange(max(1, (now - start) // 2))
        ch = Channel(
            id=new_id(),
            team_id=team_id,
            type=ctype,
            name=name,
            display_name=display,
            create_at=created,
            update_at=created,
            creator_id=ids[0] if ids else "",
        )
        out.channels.append(PlannedChannel(ch, ids, w))

    for team in teams:
        for name, display in DEFAULT_CHANNELS:
            # The default channels have everyone and are the busiest.
            make(team.id, "O", name, display, list(members[team.id]), 40.0)
    public = max(0, counts["O"] - 2 * len(teams))
    for kind, n, avg in (("O", public, 30), ("P", counts["P"], 10)):
        for k in range(n):
            team = teams[k % len(teams)]
            pool = members[team.id]
            if not pool:
                continue
            size = min(len(pool), 2 + int(rng.expovariate(1 / avg)))
            label = "public" if kind == "O" else "private"
            make(
                team.id,
                kind,
                f"{label}-{k}",
                f"{label.title()} {k}",
                rng.sample(pool, size),
                min(rng.paretovariate(1.2), 100.0),
            )
    seen: set[str] = set()
    for kind in ("G", "D"):
        for _ in range(counts[kind]):
            team = teams[rng.randrange(len(teams))]
            pool = members[team.id]
            want = 2 if kind == "D" else rng.randint(3, 8)
            if len(pool) < want:
                continue
            for _attempt in range(5):
                ids = rng.sample(pool, want)
                name = direct_name(ids[0], ids[1]) if kind == "D" else group_name(ids)
                if name not in seen:
                    seen.add(name)
                    make("", kind, name, "", ids, min(rng.paretovariate(1.2), 100.0) * 0.5)
                    break
    _allocate(out.channels, cfg.posts)
    return out


def _allocate(channels: list[PlannedChannel], total: int) -> None:
    weight = sum(c.weight for c in channels)
    if not channels or weight <= 0:
        return
    raw = [total * c.weight / weight for c in channels]
    for c, r in zip(channels, raw, strict=True):
        c.posts = int(r)
    rest = total - sum(c.posts for c in channels)
    order = sorted(range(len(channels)), key=lambda i: raw[i] - channels[i].posts, reverse=True)
    for i in order[:rest]:
        channels[i].posts += 1


@dataclass(slots=True)
class ChannelRows:
    channel: dict[str, Any]
    members: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    reactions: list[dict[str, Any]]


class PostWriter:
    """Generates one channel's posts in time order, threads and all, then its counters."""

    def __init__(self, cfg: SeedConfig, tenant_id: str, now: int, rng: random.Random) -> None:
        self.cfg = cfg
        self.tenant_id = tenant_id
        self.now = now
        self.rng = rng
        self.messages = _message_pool(rng)

    def channel_rows(self, pc: PlannedChannel) -> ChannelRows:
        cfg, rng, ch = self.cfg, self.rng, pc.channel
        n = pc.posts
        end = self.now - 60_000
        times = sorted(ch.create_at + rng.randrange(max(1, end - ch.create_at)) for _ in range(n))
        posts: list[Post] = []
        roots: list[int] = []
        # One thread at a time is "hot": it takes half the replies until it reaches a
        # heavy-tailed target length, so most threads are short and a few run to hundreds.
        hot, hot_left = -1, 0
        for i, t in enumerate(times):
            author = pc.members[rng.randrange(len(pc.members))]
            root = -1
            if roots and rng.random() < cfg.reply_share:
                if hot >= 0 and rng.random() < 0.5:
                    root = hot
                    hot_left -= 1
                    if hot_left <= 0:
                        hot = -1
                else:
                    root = roots[-1 - rng.randrange(min(len(roots), 10))]
            post = Post(
                id=new_id(),
                channel_id=ch.id,
                user_id=author,
                message=self.messages[rng.randrange(len(self.messages))],
                create_at=t,
                update_at=t,
                root_id=posts[root].id if root >= 0 else "",
            )
            if root >= 0:
                parent = posts[root]
                parent.reply_count += 1
                parent.last_reply_at = t
                parent.update_at = max(parent.update_at, t)
            else:
                roots.append(i)
                if hot < 0:
                    hot, hot_left = i, min(MAX_HOT_THREAD, int(rng.paretovariate(1.0) * 4))
            posts.append(post)
        reactions = self._reactions(pc, posts)
        root_times = [p.create_at for p in posts if not p.root_id]
        ch.total_msg_count = len(posts)
        ch.total_msg_count_root = len(root_times)
        ch.last_post_at = times[-1] if times else 0
        ch.last_root_post_at = root_times[-1] if root_times else 0
        ch.update_at = max(ch.update_at, ch.last_post_at)
        members = self._members(pc, posts)
        t_id = self.tenant_id
        return ChannelRows(
            channel=channel_values(t_id, ch),
            members=[member_store.member_values(t_id, m) for m in members],
            posts=[post_store.post_values(t_id, p) for p in posts],
            reactions=reactions,
        )

    def _reactions(self, pc: PlannedChannel, posts: list[Post]) -> list[dict[str, Any]]:
        rng, out = self.rng, []
        for post in posts:
            if rng.random() >= self.cfg.reaction_share:
                continue
            picked = {
                (pc.members[rng.randrange(len(pc.members))], EMOJIS[rng.randrange(len(EMOJIS))])
                for _ in range(rng.randint(1, 3))
            }
            for user_id, emoji in picked:
                at = min(self.now - 1, post.create_at + rng.randrange(3_600_000))
                out.append(
                    {
                        "tenant_id": self.tenant_id,
                        "post_id": post.id,
                        "user_id": user_id,
                        "emoji_name": emoji,
                        "channel_id": post.channel_id,
                        "create_at": at,
                        "update_at": at,
                        "delete_at": 0,
                    }
                )
                post.has_reactions = True
                post.update_at = max(post.update_at, at)
        return out

    def _members(self, pc: PlannedChannel, posts: list[Post]) -> list[ChannelMember]:
        """Most members have read everything; the rest stopped somewhere: unread channels."""
        rng, ch = self.rng, pc.channel
        out = []
        for uid in pc.members:
            m = ChannelMember(channel_id=ch.id, user_id=uid, last_update_at=ch.create_at)
            if not posts or rng.random() < self.cfg.read_share:
                m.msg_count = ch.total_msg_count
                m.msg_count_root = ch.total_msg_count_root
                m.last_viewed_at = max(ch.last_post_at, ch.create_at)
            else:
                read = rng.randrange(len(posts))  # posts[:read] have been read
                m.msg_count = read
                m.msg_count_root = sum(1 for p in posts[:read] if not p.root_id)
                m.last_viewed_at = posts[read - 1].create_at if read else ch.create_at
            out.append(m)
        return out


def user_rows(plan_: Plan, tenant_id: str, password_hash: str) -> Iterator[dict[str, Any]]:
    cfg, now = plan_.cfg, plan_.now
    notify, tz = codec.dump(DEFAULT_NOTIFY_PROPS), codec.dump(DEFAULT_TIMEZONE)
    created = now - cfg.days * DAY_MS
    people = [(uid, username(cfg.prefix, i), "system_user") for i, uid in enumerate(plan_.user_ids)]
    people.append((plan_.admin_id, admin_username(cfg.prefix), "system_admin system_user"))
    for uid, name, roles in people:
        yield {
            "tenant_id": tenant_id,
            "id": uid,
            "create_at": created,
            "update_at": created,
            "username": name,
            "email": f"{name}@loadtest.example.com",
            "password_hash": password_hash,
            "email_verified": True,
            "roles": roles,
            "notify_props": notify,
            "timezone": tz,
            "last_password_update": created,
        }


def team_rows(plan_: Plan, tenant_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    teams = [team_store.team_values(tenant_id, t) for t in plan_.teams]
    members = []
    for team in plan_.teams:
        for uid in plan_.team_members[team.id]:
            members.append(
                team_store.member_values(
                    tenant_id, TeamMember(team.id, uid, create_at=team.create_at)
                )
            )
        members.append(
            team_store.member_values(
                tenant_id,
                TeamMember(team.id, plan_.admin_id, scheme_admin=True, create_at=team.create_at),
            )
        )
    return teams, members
