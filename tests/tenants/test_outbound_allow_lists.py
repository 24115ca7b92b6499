"""Each tenant has its own outbound allow-list, set by the operator: one tenant's
integrations never reach the internal hosts another tenant (or the node-wide setting,
which is the default tenant's) allows. And a button URL an ordinary user wrote in a post
never reaches an allow-listed internal host: only admin-made integrations get the list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integrations.receiver import Receiver, running_receiver
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.tenants.conftest import BASE_DOMAIN, Deployment, host_of, new_tenant

COMMAND_FAILED = "api.command.execute_command.failed.app_error"
ACTION_FAILED = "api.post.do_action.action_integration.app_error"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


def command_call(user: LoggedIn, receiver: Receiver) -> tuple[str, httpx.Response]:
    """A slash command the user's team admin made, pointing at the internal receiver;
    (its path, the answer to running it)."""
    team = team_with(user)
    channel = channel_with(user, team["id"])
    where, trigger = f"/{unique('cmd')}", unique("c").lower()
    body = {"team_id": team["id"], "trigger": trigger, "url": receiver.url(where), "method": "P"}
    expect(user.api.post("/commands", body), 201)
    run = {"channel_id": channel["id"], "command": f"/{trigger}"}
    return where, user.api.post("/commands/execute", run)


def test_each_tenant_has_its_own_allow_list(deployment: Deployment, receiver: Receiver) -> None:
    allowed = new_tenant(deployment)  # new_tenant names localhost for it
    assert allowed["outbound_allowed_hosts"] == "localhost"
    plain = new_tenant(deployment)
    with deployment.operator() as op:
        reset = expect(
            op.put(f"/tenants/{plain['id']}/outbound", json={"allowed_hosts": None}), 200
        )
        assert reset["outbound_allowed_hosts"] is None
        assert expect(op.get(f"/tenants/{plain['id']}"), 200)["outbound_allowed_hosts"] is None
        bad = op.put(f"/tenants/{plain['id']}/outbound", json={"allowed_hosts": "a b;c"})
        assert bad.status_code == 400
        assert (
            op.put(f"/tenants/{plain['id']}/outbound", json={"allowed_hosts": 3}).status_code == 400
        )

    # The tenant with no list of its own reaches public addresses only, although the
    # node-wide setting names localhost.
    user = create_user(deployment.base, host=host_of(plain))
    where, answer = command_call(user, receiver)
    assert answer.status_code == 500 and answer.json()["id"] == COMMAND_FAILED
    assert "blocked" in answer.json()["detailed_error"]
    receiver.nothing(where)

    user = create_user(deployment.base, host=host_of(allowed))
    where, answer = command_call(user, receiver)
    assert answer.status_code == 200, answer.text
    receiver.wait(where)

    # The default tenant (served at the base domain itself) has the node-wide list.
    default_user = create_user(deployment.base, host=BASE_DOMAIN)
    where, answer = command_call(default_user, receiver)
    assert answer.status_code == 200, answer.text
    receiver.wait(where)


def button(url: str) -> dict[str, Any]:
    return {"text": "pick", "actions": [{"name": "Go", "integration": {"url": url}}]}


def test_a_users_own_button_never_reaches_an_internal_host(
    deployment: Deployment, receiver: Receiver
) -> None:
    host = host_of(new_tenant(deployment))  # its allow-list names localhost
    owner = create_user(deployment.base, host=host)
    clicker = create_user(deployment.base, host=host)
    team = team_with(owner, clicker)
    channel = channel_with(owner, team["id"], clicker)

    # Written by an ordinary user: refused before any connection.
    where = f"/{unique('userbutton')}"
    body = {
        "channel_id": channel["id"],
        "message": "",
        "props": {"attachments": [button(receiver.url(where))]},
    }
    posted = expect(clicker.api.post("/posts", body), 201)
    action_id = posted["props"]["attachments"][0]["actions"][0]["id"]
    r = owner.api.post(f"/posts/{posted['id']}/actions/{action_id}", {})
    assert r.status_code == 400 and r.json()["id"] == ACTION_FAILED
    assert "blocked" in r.json()["detailed_error"]
    receiver.nothing(where)

    # The same button posted by an incoming webhook an admin made reaches it.
    where = f"/{unique('hookbutton')}"
    hook = expect(
        owner.api.post("/hooks/incoming", {"channel_id": channel["id"], "display_name": "ci"}),
        201,
    )
    hooked = httpx.post(
        f"{deployment.base}/hooks/{hook['id']}",
        json={"text": "", "attachments": [button(receiver.url(where))]},
        headers={"Host": host},
    )
    assert hooked.status_code == 200, hooked.text
    listed = expect(
        clicker.api.get(f"/channels/{channel['id']}/posts", params={"per_page": 1}), 200
    )
    newest = listed["posts"][listed["order"][0]]
    action_id = newest["props"]["attachments"][0]["actions"][0]["id"]
    expect(clicker.api.post(f"/posts/{newest['id']}/actions/{action_id}", {}), 200)
    receiver.wait(where)
