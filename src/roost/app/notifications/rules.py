"""Who is told of a post, and how: Mattermost's notification rules as pure functions.

Mentions are what the post path already found (``@username``, mention keys, first
name, ``@channel``/``@all``/``@here`` for members who take them). On top of them:
every member of a direct or group channel is mentioned; a reply mentions the thread's
followers whose ``push_threads``/``email_threads`` is ``all``, and under ``comments``
(``any``: everyone who took part; ``root``: the root's author). A push then needs the
account and channel ``push`` levels (``all``/``mention``/``none``/``default``), an
unmuted channel, and a status the user's ``push_status`` (``online``/``away``/
``offline``) admits; do-not-disturb (until its end time) and out-of-office send none.
An email goes to a mentioned user whose account ``email`` is on (unless the channel's
``email`` says otherwise), who is not muting the channel, is not online, and (when
verification is required) has verified the address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roost.model.channel import DEFAULT_MEMBER_NOTIFY_PROPS, DIRECT, GROUP
from roost.model.user import DEFAULT_NOTIFY_PROPS
from roost.store.notifications.audience import Member

ONLINE, AWAY, OFFLINE, DND, OUT_OF_OFFICE = "online", "away", "offline", "dnd", "ooo"

# Why someone is told (Mattermost's mention types), which picks the push's wording.
EXPLICIT = "explicit"
CHANNEL_WIDE = "channel"
DIRECT_MESSAGE = "dm"
GROUP_MESSAGE = "gm"
THREAD_REPLY = "thread"
ROOT_REPLY = "root"


@dataclass(slots=True)
class PostFacts:
    """What the rules need to know of the post itself."""

    sender_id: str
    channel_id: str
    channel_type: str
    message: str
    post_type: str = ""
    from_webhook: bool = False
    root_id: str = ""
    root_author: str = ""
    participants: set[str] = field(default_factory=set)
    followers: set[str] = field(default_factory=set)
    # Users the post path counted as mentioned, and those of them named explicitly.
    mentions: set[str] = field(default_factory=set)
    explicit: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Decision:
    push: dict[str, str] = field(default_factory=dict)  # user -> reason
    email: dict[str, str] = field(default_factory=dict)


def user_props(member: Member) -> dict[str, Any]:
    return {**DEFAULT_NOTIFY_PROPS, **member.user_props}


def member_props(member: Member) -> dict[str, Any]:
    return {**DEFAULT_MEMBER_NOTIFY_PROPS, **member.member_props}


def effective_status(member: Member, now_seconds: int) -> str:
    """The status that counts now: do-not-disturb past its end time is over."""
    if member.status == DND and 0 < member.dnd_end_time <= now_seconds:
        return member.prev_status if member.prev_status not in ("", DND) else ONLINE
    return member.status or OFFLINE


def reasons(facts: PostFacts, members: dict[str, Member]) -> dict[str, str]:
    """Everyone the post notifies, with why (the sender excepted, unless a webhook
    posted as them)."""
    why: dict[str, str] = {}
    if facts.channel_type == DIRECT:
        for uid in members:
            if uid != facts.sender_id:
                why[uid] = DIRECT_MESSAGE
    elif facts.channel_type == GROUP:
        for uid in members:
            if uid != facts.sender_id:
                why[uid] = GROUP_MESSAGE
    else:
        for uid in facts.mentions:
            why[uid] = EXPLICIT if uid in facts.explicit else CHANNEL_WIDE
        if facts.root_id:
            for uid in facts.participants | {facts.root_author}:
                member = members.get(uid)
                if member is None or uid in why:
                    continue
                comments = user_props(member).get("comments", "never")
                if comments == "any" or (comments == "root" and uid == facts.root_author):
                    why[uid] = ROOT_REPLY if uid == facts.root_author else THREAD_REPLY
            for uid in facts.followers:
                if uid not in why and uid in members:
                    why[uid] = THREAD_REPLY
    if not facts.from_webhook:
        why.pop(facts.sender_id, None)
    return {uid: r for uid, r in why.items() if uid in members}


def props_allow_push(member: Member, reason: str | None, facts: PostFacts) -> bool:
    """Mattermost's DoesNotifyPropsAllowPushNotification; ``reason`` None: not mentioned."""
    user, channel = user_props(member), member_props(member)
    level = user.get("push", "mention")
    channel_level = channel.get("push", "default") or "default"
    mentioned = reason is not None and reason != THREAD_REPLY
    if channel.get("mark_unread") == "mention":  # muted
        return False
    if facts.post_type.startswith("system_"):
        return False
    if channel_level == "none":
        return False
    if reason == THREAD_REPLY:
        # A followed thread notifies by the thread setting, unless the channel is
        # mention-only.
        return channel_level != "mention" and user.get("push_threads", "all") == "all"
    if channel_level == "mention" and not mentioned:
        return False
    if level == "mention" and channel_level == "default" and not mentioned:
        return False
    if level == "all" or channel_level == "all":
        return True
    if reason == GROUP_MESSAGE and level != "none" and channel_level == "default":
        return True
    return not (level == "none" and channel_level == "default")


def status_allows_push(member: Member, now_seconds: int) -> bool:
    """Mattermost's DoesStatusAllowPushNotification. Roost does not track the channel a
    client has open, so ``online`` with ``push_status`` online always sends."""
    status = effective_status(member, now_seconds)
    if status in (DND, OUT_OF_OFFICE):
        return False
    push_status = member.user_props.get("push_status", DEFAULT_NOTIFY_PROPS["push_status"])
    if push_status == ONLINE:
        return True
    if push_status == AWAY:
        return status in (AWAY, OFFLINE)
    return status == OFFLINE


def allows_email(member: Member, reason: str, now_seconds: int, require_verified: bool) -> bool:
    if member.deleted or member.is_bot or not member.email:
        return False
    if require_verified and not member.email_verified:
        return False
    user, channel = user_props(member), member_props(member)
    if reason == THREAD_REPLY:
        allowed = user.get("email_threads", "all") == "all" and user.get("email") != "false"
    else:
        allowed = user.get("email", "true") != "false"
    channel_email = channel.get("email", "default")
    if channel_email not in ("", "default"):
        allowed = channel_email not in ("false", "none")
    if channel.get("mark_unread") == "mention":
        allowed = False
    return allowed and effective_status(member, now_seconds) != ONLINE


def decide(
    facts: PostFacts,
    members: dict[str, Member],
    now_seconds: int,
    push_on: bool,
    email_on: bool,
    require_verified: bool,
) -> Decision:
    """Who gets a push and who an email for this post."""
    why = reasons(facts, members)
    decision = Decision()
    if push_on:
        for uid, member in members.items():
            if member.deleted or member.is_bot or not member.devices:
                continue
            if uid == facts.sender_id and not facts.from_webhook:
                continue
            reason = why.get(uid)
            if props_allow_push(member, reason, facts) and status_allows_push(member, now_seconds):
                decision.push[uid] = reason or "all"
    if email_on:
        for uid, reason in why.items():
            if allows_email(members[uid], reason, now_seconds, require_verified):
                decision.email[uid] = reason
    return decision
