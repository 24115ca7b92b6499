"""A team's invite id regenerated (POST /teams/{id}/regenerate_invite_id): the old
invite link stops working, the new one works; only team admins may."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.chat import join_team, make_team
from tests.support.client import LoggedIn, expect

User = Callable[..., LoggedIn]


def test_regenerate_invite_id(msg_server: str, user_on: User) -> None:
    owner, member, newcomer, late = user_on(), user_on(), user_on(), user_on()
    team = make_team(owner, type="I")
    join_team(owner, team["id"], member)
    old = expect(owner.api.get(f"/teams/{team['id']}"), 200)["invite_id"]
    assert old
    r = member.api.post(f"/teams/{team['id']}/regenerate_invite_id")
    assert r.status_code == 403
    fresh = expect(owner.api.post(f"/teams/{team['id']}/regenerate_invite_id"), 200)
    assert fresh["invite_id"] and fresh["invite_id"] != old
    r = newcomer.api.post("/teams/members/invite", params={"invite_id": old})
    assert r.status_code >= 400
    expect(late.api.post("/teams/members/invite", params={"invite_id": fresh["invite_id"]}), 201)
    r = owner.api.post(f"/teams/{'e' * 26}/regenerate_invite_id")
    assert r.status_code in (403, 404)
