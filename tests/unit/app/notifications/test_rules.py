"""Mattermost's notification rules (roost.app.notifications.rules), case by case."""

from __future__ import annotations

from typing import Any

from roost.app.notifications import rules
from roost.store.notifications.audience import Device, Member

NOW = 1_800_000_000


def member(uid: str, status: str = "offline", devices: int = 1, **kw: Any) -> Member:
    m = Member(
        user_id=uid,
        username=uid,
        first_name="",
        last_name="",
        nickname="",
        email=f"{uid}@example.com",
        email_verified=kw.pop("email_verified", True),
        deleted=False,
        is_bot=False,
        locale="en",
        user_props=kw.pop("user_props", {}),
        member_props=kw.pop("member_props", {}),
        last_viewed_at=0,
        status=status,
        **kw,
    )
    m.devices = [Device(f"s{uid}{i}", f"android_rn:{uid}{i}", {}) for i in range(devices)]
    return m


def facts(channel_type: str = "O", **kw: Any) -> rules.PostFacts:
    return rules.PostFacts(
        sender_id="author", channel_id="c", channel_type=channel_type, message="hi", **kw
    )


def decide(f: rules.PostFacts, *members: Member, require_verified: bool = False) -> rules.Decision:
    everyone = {m.user_id: m for m in (member("author", "online"), *members)}
    return rules.decide(f, everyone, NOW, True, True, require_verified)


def test_mentions_push_and_email_offline_users_only() -> None:
    d = decide(
        facts(mentions={"a", "b"}, explicit={"a", "b"}),
        member("a"),
        member("b", "online"),
        member("c"),
    )
    assert d.push == {"a": rules.EXPLICIT}  # b is online (push_status away); c not mentioned
    assert set(d.email) == {"a"}


def test_direct_and_group_messages() -> None:
    assert decide(facts("D"), member("a")).push == {"a": rules.DIRECT_MESSAGE}
    group = decide(facts("G"), member("a"), member("b", user_props={"push": "none"}))
    assert group.push == {"a": rules.GROUP_MESSAGE}


def test_push_levels_and_mute() -> None:
    all_posts = decide(facts(), member("a", user_props={"push": "all"}))
    assert all_posts.push == {"a": "all"}
    channel_all = decide(facts(), member("a", member_props={"push": "all"}))
    assert channel_all.push == {"a": "all"}
    muted = decide(
        facts(mentions={"a"}, explicit={"a"}), member("a", member_props={"mark_unread": "mention"})
    )
    assert muted.push == {} and muted.email == {}
    none = decide(facts(mentions={"a"}, explicit={"a"}), member("a", member_props={"push": "none"}))
    assert none.push == {}
    mention_only = decide(
        facts(), member("a", user_props={"push": "all"}, member_props={"push": "mention"})
    )
    assert mention_only.push == {}


def test_status_rules() -> None:
    f = facts(mentions={"a"}, explicit={"a"})
    assert decide(f, member("a", "away")).push  # push_status away (default)
    assert not decide(f, member("a", "online")).push
    assert decide(f, member("a", "online", user_props={"push_status": "online"})).push
    assert not decide(f, member("a", "away", user_props={"push_status": "offline"})).push
    assert not decide(f, member("a", "dnd", dnd_end_time=NOW + 60)).push
    assert not decide(f, member("a", "dnd")).push  # no end time: until turned off
    ended = member("a", "dnd", dnd_end_time=NOW - 60, prev_status="offline")
    assert decide(f, ended).push


def test_threads() -> None:
    f = facts(root_id="r", root_author="a", participants={"b"}, followers={"c"})
    d = decide(
        f,
        member("a", user_props={"comments": "root"}),
        member("b", user_props={"comments": "any"}),
        member("c"),
        member("e", user_props={"comments": "any"}),
    )
    assert d.push == {"a": rules.ROOT_REPLY, "b": rules.THREAD_REPLY, "c": rules.THREAD_REPLY}
    quiet = decide(f, member("c", user_props={"push_threads": "mention"}))
    assert quiet.push == {}


def test_email_rules() -> None:
    f = facts(mentions={"a"}, explicit={"a"})
    assert decide(f, member("a", user_props={"email": "false"})).email == {}
    assert decide(
        f, member("a", user_props={"email": "false"}, member_props={"email": "true"})
    ).email
    assert decide(f, member("a", member_props={"email": "false"})).email == {}
    assert decide(f, member("a", email_verified=False), require_verified=True).email == {}
    assert decide(f, member("a", "away", devices=0)).email == {"a": rules.EXPLICIT}


def test_sender_is_never_told_unless_a_webhook_posted_as_them() -> None:
    f = facts("D")
    assert "author" not in decide(f, member("a")).push
