"""NUL characters and deep nesting are refused with Mattermost's 400 wherever they
arrive (a body's strings and keys, path segments, query parameters), never a 500
(PostgreSQL stores no NUL in text; values nested past 254 levels cannot be encoded)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, expect, unique

UserFactory = Callable[..., LoggedIn]
NUL = "\u0000"
BODY_ERROR = "api.context.invalid_body_param.app_error"


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"k": value}
    return value


def body_probes(user: LoggedIn, team_id: str, channel_id: str, post_id: str) -> list[Any]:
    """(method, path, body): a NUL in one string field each."""
    name = unique("n")
    return [
        (
            "POST",
            "/users",
            {"username": name, "email": f"{name}@x.com", "password": "A" * 12 + NUL},
        ),
        (
            "POST",
            "/users",
            {
                "username": name,
                "email": f"{name}@x.com",
                "password": "Pa55word!!",
                "first_name": "A" + NUL,
            },
        ),
        ("PUT", f"/users/{user.id}/patch", {"nickname": "nick" + NUL}),
        ("PUT", f"/users/{user.id}/patch", {"position": NUL}),
        ("PUT", f"/users/{user.id}/patch", {"notify_props": {"mention_keys": "a" + NUL}}),
        ("PUT", f"/users/{user.id}/patch", {"props": {"k" + NUL: "v"}}),
        ("POST", "/teams", {"name": unique("t"), "display_name": "T" + NUL, "type": "O"}),
        ("PUT", f"/teams/{team_id}/patch", {"description": NUL}),
        (
            "POST",
            "/channels",
            {"team_id": team_id, "name": unique("c"), "display_name": "C" + NUL, "type": "O"},
        ),
        ("PUT", f"/channels/{channel_id}/patch", {"purpose": "p" + NUL}),
        ("PUT", f"/channels/{channel_id}/patch", {"header": NUL}),
        ("POST", "/posts", {"channel_id": channel_id, "message": "hi" + NUL}),
        ("POST", "/posts", {"channel_id": channel_id, "message": "hi", "props": {"x": NUL}}),
        ("PUT", f"/posts/{post_id}/patch", {"message": "edit" + NUL}),
        ("POST", f"/teams/{team_id}/posts/search", {"terms": "hi" + NUL, "is_or_search": False}),
        ("POST", "/users/search", {"term": "us" + NUL}),
        ("POST", "/users/usernames", ["someone" + NUL]),
        (
            "PUT",
            f"/users/{user.id}/preferences",
            [{"user_id": user.id, "category": "c" + NUL, "name": "n", "value": "v"}],
        ),
        ("PUT", f"/users/{user.id}/status/custom", {"emoji": "smile", "text": "away" + NUL}),
        (
            "POST",
            "/drafts",
            {"channel_id": channel_id, "message": "draft" + NUL, "user_id": user.id, "root_id": ""},
        ),
        ("POST", "/hooks/incoming", {"channel_id": channel_id, "display_name": "h" + NUL}),
        (
            "POST",
            "/commands",
            {"team_id": team_id, "trigger": "t" + NUL, "url": "http://x.test", "method": "P"},
        ),
    ]


def test_nul_anywhere_in_a_body_is_a_400(make_user: UserFactory, admin: LoggedIn) -> None:
    user = make_user()
    team = team_with(admin, user)
    channel = channel_with(admin, team["id"], user)
    post = expect(user.api.post("/posts", {"channel_id": channel["id"], "message": "x"}), 201)
    probes = body_probes(user, team["id"], channel["id"], post["id"])
    # The admin may do all of these, so only the NUL can be the reason for a refusal.
    outcomes = {}
    for i, (method, path, body) in enumerate(probes):
        r = admin.api.http.request(method, path, json=body)
        answer = r.json()
        error_id = answer.get("id") if isinstance(answer, dict) else None
        outcomes[f"{i}: {method} {path}"] = (r.status_code, error_id)
    wrong = {k: v for k, v in outcomes.items() if v != (400, BODY_ERROR)}
    assert not wrong, wrong
    assert len(outcomes) == len(probes) >= 20


def test_nul_in_paths_and_query_parameters_is_a_400(make_user: UserFactory) -> None:
    user = make_user()
    api = user.api
    for path in (
        "/users/username/som%00one",
        "/teams/name/te%00am/exists",
        "/users/email/a%00b@example.com",
        "/roles/name/system%00_user",
    ):
        r = api.get(path)
        assert r.status_code == 400, (path, r.text)
        assert r.json()["id"] == "api.context.invalid_url_param.app_error"
    r = api.get("/users/autocomplete", params={"name": "us" + NUL})
    assert r.status_code == 400, r.text
    assert r.json()["id"] == "api.context.invalid_param.app_error"


def test_deep_nesting_is_a_400(make_user: UserFactory, admin: LoggedIn) -> None:
    user = make_user()
    team = team_with(admin, user)
    channel = channel_with(admin, team["id"], user)
    for depth in (100, 300, 900):
        body = {"channel_id": channel["id"], "message": "deep", "props": nested(depth)}
        r = user.api.post("/posts", body)
        assert r.status_code == 400, (depth, r.text)
        assert r.json()["id"] == BODY_ERROR
        r = user.api.put(f"/users/{user.id}/patch", {"props": nested(depth)})
        assert r.status_code == 400, (depth, r.text)
    # Moderate nesting, as message attachments use, is fine.
    body = {"channel_id": channel["id"], "message": "ok", "props": {"p": nested(20)}}
    expect(user.api.post("/posts", body), 201)
