"""``roost sampledata``: a small realistic data set on a running server, for trying Roost
(mmctl's sampledata, through the API): users, teams, public and private channels with
members, posts with threads and reactions. Users are ``<prefix>-<n>`` with the given
password; run it again with another ``--prefix`` for more."""

from __future__ import annotations

import random
from typing import Any

import click

from roost.cli.remote import Remote, remote_options

WORDS = [
    "the",
    "release",
    "build",
    "deploy",
    "review",
    "meeting",
    "notes",
    "customer",
    "feedback",
    "design",
    "sprint",
    "plan",
    "roadmap",
    "bug",
    "fix",
    "test",
    "staging",
    "production",
    "database",
    "cache",
    "latency",
    "budget",
    "lunch",
    "coffee",
    "weekend",
    "team",
    "standup",
    "demo",
    "ticket",
    "update",
    "question",
    "answer",
    "idea",
]
EMOJI = ("thumbsup", "smile", "tada", "eyes", "heart")


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(4, 16))
    return " ".join(words).capitalize() + rng.choice([".", "!", "?", "."])


@click.command()
@remote_options
@click.option("--teams", default=2, show_default=True)
@click.option("--channels-per-team", default=4, show_default=True)
@click.option("--users", default=10, show_default=True)
@click.option("--posts-per-channel", default=30, show_default=True)
@click.option("--prefix", default="sample", show_default=True)
@click.option("--password", default="Sample-password-1", show_default=True)
@click.option("--seed", default=1, show_default=True, help="the same seed, the same data")
def sampledata(
    url: str,
    token: str,
    teams: int,
    channels_per_team: int,
    users: int,
    posts_per_channel: int,
    prefix: str,
    password: str,
    seed: int,
) -> None:
    """Fill a running server with sample users, teams, channels and posts."""
    remote = Remote(url, token)
    rng = random.Random(seed)
    people: list[dict[str, Any]] = []
    for n in range(users):
        name = f"{prefix}-{n}"
        body = {
            "username": name,
            "email": f"{name}@example.com",
            "password": password,
            "first_name": rng.choice(["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken"]),
            "last_name": rng.choice(["Lovelace", "Hopper", "Turing", "Liskov", "Thompson"]),
        }
        people.append(remote.post("/users", body))
    made_channels = 0
    made_posts = 0
    for t in range(teams):
        team = remote.post(
            "/teams",
            {"name": f"{prefix}-team-{t}", "display_name": f"Sample team {t}", "type": "O"},
        )
        for person in people:
            remote.post(
                f"/teams/{team['id']}/members", {"team_id": team["id"], "user_id": person["id"]}
            )
        for c in range(channels_per_team):
            channel = remote.post(
                "/channels",
                {
                    "team_id": team["id"],
                    "name": f"{prefix}-{t}-{c}",
                    "display_name": f"{rng.choice(WORDS).capitalize()} {c}",
                    "type": "P" if c % 4 == 3 else "O",
                },
            )
            made_channels += 1
            members = rng.sample(people, k=max(1, len(people) * 2 // 3))
            for person in members:
                remote.post(f"/channels/{channel['id']}/members", {"user_id": person["id"]})
            made_posts += _posts(remote, rng, channel["id"], members, posts_per_channel)
    click.echo(
        f"sample data: {len(people)} users ({prefix}-0.., password {password}), {teams} "
        f"teams, {made_channels} channels, {made_posts} posts"
    )


def _posts(
    remote: Remote, rng: random.Random, channel_id: str, members: list[dict[str, Any]], n: int
) -> int:
    """Posts by the admin on the members' behalf are not possible: the admin posts, and
    a fifth are replies to an earlier post; some get reactions."""
    roots: list[str] = []
    for _ in range(n):
        reply = bool(roots) and rng.random() < 0.2
        body = {
            "channel_id": channel_id,
            "message": _sentence(rng),
            "root_id": rng.choice(roots) if reply else "",
        }
        made = remote.post("/posts", body)
        if not reply:
            roots.append(made["id"])
        if rng.random() < 0.1:
            remote.post(
                "/reactions",
                {
                    "user_id": made["user_id"],
                    "post_id": made["id"],
                    "emoji_name": rng.choice(EMOJI),
                },
            )
    return n
