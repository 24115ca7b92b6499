"""The server's models as plugins see them (copies: a plugin never holds the server's
own objects)."""

from __future__ import annotations

from roost.model import channel as channel_model
from roost.model import post as post_model
from roost.model import user as user_model
from roost.plugin import types as t


def post(p: post_model.Post) -> t.Post:
    return t.Post(
        channel_id=p.channel_id,
        user_id=p.user_id,
        message=p.message,
        id=p.id,
        root_id=p.root_id,
        type=p.type,
        props=dict(p.props),
        file_ids=list(p.file_ids),
        create_at=p.create_at,
        update_at=p.update_at,
        edit_at=p.edit_at,
        delete_at=p.delete_at,
        is_pinned=p.is_pinned,
    )


def user(u: user_model.User) -> t.User:
    return t.User(
        id=u.id,
        username=u.username,
        email=u.email,
        nickname=u.nickname,
        first_name=u.first_name,
        last_name=u.last_name,
        roles=u.roles,
        locale=u.locale,
        is_bot=u.is_bot,
        create_at=u.create_at,
        delete_at=u.delete_at,
    )


def channel(c: channel_model.Channel) -> t.Channel:
    return t.Channel(
        id=c.id,
        team_id=c.team_id,
        type=c.type,
        name=c.name,
        display_name=c.display_name,
        header=c.header,
        purpose=c.purpose,
        creator_id=c.creator_id,
        create_at=c.create_at,
        delete_at=c.delete_at,
    )


def reaction(r: post_model.Reaction) -> t.Reaction:
    return t.Reaction(
        user_id=r.user_id,
        post_id=r.post_id,
        emoji_name=r.emoji_name,
        channel_id=r.channel_id,
        create_at=r.create_at,
    )
