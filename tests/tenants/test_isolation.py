"""Every API route, tried by one tenant's system admin with another tenant's ids.

Generated from the route table, so a route added later is covered without anyone
remembering to. For each route and method, the answer to the other tenant's ids must be
the answer to ids that exist nowhere (same status, same error id): whether an id exists
elsewhere leaks nothing. Nothing of the other tenant may appear in any answer, and its
data must be untouched afterwards."""

from __future__ import annotations

from starlette.routing import Route

from roost.api.routes import api_routes
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.tenants.conftest import Deployment, host_of, new_tenant
from tests.tenants.victim import PARAM, fill, nowhere, plant

# Routes that end the caller's own session whatever the ids.
SKIPPED = {("POST", "/users/logout")}
# A route may answer either way for an id that exists nowhere and one that exists in
# another tenant only where it never looks the id up: none known.


def routes_with_ids() -> list[tuple[str, str]]:
    found = []
    for route in api_routes():
        if not isinstance(route, Route) or not route.methods:
            continue
        if not PARAM.search(route.path):
            continue  # nothing in the path to take from another tenant
        for method in sorted(route.methods - {"HEAD"}):
            if (method, route.path) not in SKIPPED:
                found.append((method, route.path))
    return found


def answer(user: LoggedIn, method: str, path: str) -> tuple[int, str, str]:
    body: dict[str, object] | None = None if method in ("GET", "DELETE") else {}
    r = user.api.http.request(method, path, json=body)
    error = ""
    if r.headers.get("content-type", "").startswith("application/json"):
        data = r.json()
        if isinstance(data, dict):
            error = str(data.get("id", ""))
    return r.status_code, error, r.text


def test_no_route_tells_one_tenant_anything_of_another(deployment: Deployment) -> None:
    victim = plant(deployment)
    intruder_tenant = new_tenant(deployment)
    intruder = create_user(deployment.base, host=host_of(intruder_tenant))
    assert "system_admin" in intruder.raw["roles"]  # the strongest caller a tenant has
    routes = routes_with_ids()
    assert len(routes) > 100  # the whole API, not a sample
    differing = []
    leaked = []
    for method, template in routes:
        params = PARAM.findall(template)
        theirs = {p: victim.values.get(p) or nowhere(p) for p in params}
        absent = {p: nowhere(p) for p in params}
        status, error, text = answer(intruder, method, fill(template, theirs))
        expected_status, expected_error, _ = answer(intruder, method, fill(template, absent))
        if (status, error) != (expected_status, expected_error):
            differing.append(
                f"{method} {template}: {status} {error} vs {expected_status} {expected_error}"
            )
        if any(secret in text for secret in victim.secrets):
            leaked.append(f"{method} {template}")
    assert not leaked, f"another tenant's data in answers: {leaked}"
    assert not differing, "answers that tell another tenant's ids apart:\n" + "\n".join(differing)
    # Nothing the intruder tried changed the victim's data.
    kept = expect(victim.owner.api.get(f"/posts/{victim.post_id}"), 200)
    assert kept["message"] == "victim secret message" and kept["delete_at"] == 0
    thread = expect(victim.owner.api.get(f"/posts/{victim.post_id}/thread"), 200)
    assert len(thread["order"]) == 2
    members = expect(victim.owner.api.get(f"/channels/{victim.channel_id}/members"), 200)
    assert len(members) == 2


def test_the_same_check_tells_ids_apart_within_a_tenant(deployment: Deployment) -> None:
    """The comparison is meaningful: asked by the victim tenant's own admin, most routes
    answer its ids differently from ids that exist nowhere."""
    victim = plant(deployment)
    told_apart = 0
    for method, template in routes_with_ids():
        if method != "GET":
            continue  # reads only: the victim's own admin would really change things
        params = PARAM.findall(template)
        theirs = {p: victim.values.get(p) or nowhere(p) for p in params}
        absent = {p: nowhere(p) for p in params}
        own = answer(victim.owner, method, fill(template, theirs))
        missing = answer(victim.owner, method, fill(template, absent))
        told_apart += own[:2] != missing[:2]
    assert told_apart >= 40


def test_ids_in_bodies_are_as_unknown_as_ids_in_paths(deployment: Deployment) -> None:
    """The other tenant's ids sent in request bodies: answered as ids that exist nowhere."""
    victim = plant(deployment)
    intruder = create_user(deployment.base, host=host_of(new_tenant(deployment)))
    own_team = team_with(intruder)
    own_channel = channel_with(intruder, own_team["id"])
    v = victim.values

    def bodies(ids: dict[str, str]) -> list[tuple[str, str, object]]:
        return [
            ("POST", "/posts", {"channel_id": ids["channel_id"], "message": "x"}),
            (
                "POST",
                "/posts",
                {"channel_id": own_channel["id"], "message": "x", "root_id": ids["post_id"]},
            ),
            (
                "POST",
                "/reactions",
                {"user_id": intruder.id, "post_id": ids["post_id"], "emoji_name": "smile"},
            ),
            (
                "POST",
                "/channels",
                {"team_id": ids["team_id"], "name": unique("c"), "display_name": "C", "type": "O"},
            ),
            ("POST", "/channels/direct", [intruder.id, ids["user_id"]]),
            ("POST", "/users/ids", [ids["user_id"]]),
            ("POST", "/users/usernames", [ids["username"]]),
            ("POST", "/users/status/ids", [ids["user_id"]]),
            (
                "POST",
                f"/teams/{own_team['id']}/members",
                {"team_id": own_team["id"], "user_id": ids["user_id"]},
            ),
            ("POST", f"/channels/{own_channel['id']}/members", {"user_id": ids["user_id"]}),
            ("POST", "/hooks/incoming", {"channel_id": ids["channel_id"], "display_name": "h"}),
            (
                "POST",
                "/commands",
                {
                    "team_id": ids["team_id"],
                    "trigger": unique("t")[:20],
                    "url": "https://example.com/c",
                    "method": "P",
                },
            ),
            ("POST", "/commands/execute", {"channel_id": ids["channel_id"], "command": "/echo hi"}),
            ("POST", "/files/search", {"terms": "victim"}),
            ("POST", "/users/group_channels", [ids["channel_id"]]),
            (
                "POST",
                f"/users/{intruder.id}/typing",
                {"channel_id": ids["channel_id"], "parent_id": ""},
            ),
        ]

    absent = {k: nowhere(k) for k in v}
    differing, leaked = [], []
    for (method, path, theirs), (_, _, missing) in zip(bodies(v), bodies(absent), strict=True):
        got = intruder.api.http.request(method, path, json=theirs)
        expected = intruder.api.http.request(method, path, json=missing)
        pair = [
            (r.status_code, r.json().get("id", "") if isinstance(r.json(), dict) else "")
            if r.headers.get("content-type", "").startswith("application/json")
            else (r.status_code, "")
            for r in (got, expected)
        ]
        if pair[0] != pair[1] and not (pair[0][0] < 300 and pair[1][0] < 300):
            differing.append(f"{method} {path}: {pair[0]} vs {pair[1]}")
        if any(secret in got.text for secret in victim.secrets):
            leaked.append(f"{method} {path}")
    assert not leaked, leaked
    assert not differing, "\n".join(differing)
