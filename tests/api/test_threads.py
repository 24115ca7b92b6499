"""Collapsed reply threads through the API: following, unread counts, read marks.

The room: alice writes a root post in a channel with bob, carol and dave; replies move
the stored counters that the thread list reads.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tests.support.chat import add_to_channel, channel_with, make_dm, team_with
from tests.support.client import LoggedIn, expect
from tests.support.posting import page, post

UserFactory = Callable[..., LoggedIn]


@dataclass
class Room:
    alice: LoggedIn
    bob: LoggedIn
    carol: LoggedIn
    dave: LoggedIn
    team_id: str
    channel_id: str


def make_room(make_user: UserFactory) -> Room:
    alice, bob, carol, dave = make_user(), make_user(), make_user(), make_user()
    team = team_with(alice, bob, carol, dave)
    channel = channel_with(alice, team["id"], bob, carol, dave)
    return Room(alice, bob, carol, dave, team["id"], channel["id"])


def threads(user: LoggedIn, team_id: str, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = expect(
        user.api.get(f"/users/{user.id}/teams/{team_id}/threads", params=params), 200
    )
    return found


def thread(user: LoggedIn, team_id: str, root_id: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(
        user.api.get(f"/users/{user.id}/teams/{team_id}/threads/{root_id}"), 200
    )
    return found


def listed(user: LoggedIn, team_id: str, **params: Any) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in threads(user, team_id, **params)["threads"]}


def base(user: LoggedIn, team_id: str) -> str:
    return f"/users/{user.id}/teams/{team_id}/threads"


def test_root_author_repliers_and_mentioned_users_follow(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "shall we ship on friday?")
    # A root with no replies is nobody's thread yet.
    assert threads(r.alice, r.team_id)["total"] == 0
    post(r.bob, r.channel_id, f"yes, and @{r.carol.username} should know", root_id=root["id"])

    for user in (r.alice, r.bob, r.carol):
        assert root["id"] in listed(user, r.team_id), user.username
    assert listed(r.dave, r.team_id) == {}

    alice_view = thread(r.alice, r.team_id, root["id"])
    assert alice_view["reply_count"] == 1 and alice_view["unread_replies"] == 1
    assert alice_view["unread_mentions"] == 0 and alice_view["is_following"] is True
    assert alice_view["post"]["id"] == root["id"]
    assert [p["id"] for p in alice_view["participants"]] == [r.bob.id]
    assert thread(r.bob, r.team_id, root["id"])["unread_replies"] == 0
    carol_view = thread(r.carol, r.team_id, root["id"])
    assert carol_view["unread_replies"] == 1 and carol_view["unread_mentions"] == 1
    # Not following: 404, as Mattermost answers.
    assert r.dave.api.get(f"{base(r.dave, r.team_id)}/{root['id']}").status_code == 404


def test_totals_and_unread_filter(make_user: UserFactory) -> None:
    r = make_room(make_user)
    roots = [post(r.alice, r.channel_id, f"topic {i}") for i in range(3)]
    post(r.bob, r.channel_id, "one", root_id=roots[0]["id"])
    post(r.bob, r.channel_id, "two", root_id=roots[0]["id"])
    post(r.bob, r.channel_id, f"@{r.alice.username} look", root_id=roots[1]["id"])
    post(r.alice, r.channel_id, "my own reply", root_id=roots[2]["id"])

    body = threads(r.alice, r.team_id)
    assert (body["total"], body["total_unread_threads"], body["total_unread_mentions"]) == (
        3,
        2,
        1,
    )
    assert body["total_unread_urgent_mentions"] == 0
    # Most recently replied first.
    assert [t["id"] for t in body["threads"]] == [roots[2]["id"], roots[1]["id"], roots[0]["id"]]
    unread = threads(r.alice, r.team_id, unread="true")["threads"]
    assert {t["id"] for t in unread} == {roots[0]["id"], roots[1]["id"]}
    only_totals = threads(r.alice, r.team_id, totalsOnly="true")
    assert only_totals["threads"] == [] and only_totals["total"] == 3
    only_threads = threads(r.alice, r.team_id, threadsOnly="true")
    assert len(only_threads["threads"]) == 3 and only_threads["total"] == 0


def test_paging_with_cursors(make_user: UserFactory) -> None:
    r = make_room(make_user)
    roots = [post(r.alice, r.channel_id, f"topic {i}") for i in range(5)]
    for root in roots:
        post(r.bob, r.channel_id, "reply", root_id=root["id"])
    newest_first = [root["id"] for root in reversed(roots)]
    first = [t["id"] for t in threads(r.alice, r.team_id, per_page=2)["threads"]]
    assert first == newest_first[:2]
    second = [t["id"] for t in threads(r.alice, r.team_id, per_page=2, before=first[-1])["threads"]]
    assert second == newest_first[2:4]
    after = [
        t["id"] for t in threads(r.alice, r.team_id, per_page=2, after=newest_first[2])["threads"]
    ]
    assert after == [newest_first[1], newest_first[0]]
    by_page = [t["id"] for t in threads(r.alice, r.team_id, per_page=2, page=2)["threads"]]
    assert by_page == newest_first[4:]
    since = threads(r.alice, r.team_id, since=roots[-1]["create_at"] + 1)["threads"]
    assert {t["id"] for t in since} == set(newest_first)


def test_reply_by_the_only_follower(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "note to self")
    post(r.alice, r.channel_id, "and another", root_id=root["id"])
    body = threads(r.alice, r.team_id)
    assert body["total"] == 1 and body["total_unread_threads"] == 0
    mine = body["threads"][0]
    assert mine["unread_replies"] == 0 and mine["reply_count"] == 1
    assert [p["id"] for p in mine["participants"]] == [r.alice.id]
    assert threads(r.bob, r.team_id)["total"] == 0


def test_unfollow_sticks_until_reply_or_mention(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    post(r.bob, r.channel_id, "first", root_id=root["id"])
    url = f"{base(r.alice, r.team_id)}/{root['id']}/following"
    expect(r.alice.api.delete(url), 200)
    post(r.bob, r.channel_id, "second", root_id=root["id"])
    assert listed(r.alice, r.team_id) == {}

    post(r.bob, r.channel_id, f"third, @{r.alice.username}", root_id=root["id"])
    again = listed(r.alice, r.team_id)[root["id"]]
    # Replies while unfollowed still count: all three are unread to alice.
    assert again["unread_replies"] == 3 and again["unread_mentions"] == 1

    expect(r.alice.api.delete(url), 200)
    post(r.alice, r.channel_id, "my reply", root_id=root["id"])
    assert listed(r.alice, r.team_id)[root["id"]]["unread_replies"] == 0

    # Following by hand, with nothing before: what is there counts as read.
    expect(r.dave.api.put(f"{base(r.dave, r.team_id)}/{root['id']}/following"), 200)
    dave_view = thread(r.dave, r.team_id, root["id"])
    assert dave_view["unread_replies"] == 0 and dave_view["is_following"] is True


def test_mark_read_all_and_at_a_time(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    replies = [
        post(r.bob, r.channel_id, f"@{r.alice.username} {i}", root_id=root["id"]) for i in range(4)
    ]
    assert thread(r.alice, r.team_id, root["id"])["unread_replies"] == 4

    url = f"{base(r.alice, r.team_id)}/{root['id']}/read/{replies[1]['create_at']}"
    marked = expect(r.alice.api.put(url), 200)
    assert marked["unread_replies"] == 2 and marked["unread_mentions"] == 2
    assert marked["last_viewed_at"] == replies[1]["create_at"]

    expect(r.alice.api.put(f"{base(r.alice, r.team_id)}/read"), 200)
    body = threads(r.alice, r.team_id)
    assert body["total_unread_threads"] == 0 and body["total_unread_mentions"] == 0
    assert body["threads"][0]["unread_replies"] == 0


def test_set_unread_in_the_middle_of_a_thread(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    replies = [post(r.bob, r.channel_id, f"reply {i}", root_id=root["id"]) for i in range(5)]
    replies.append(post(r.carol, r.channel_id, f"@{r.alice.username} last", root_id=root["id"]))
    expect(r.alice.api.put(f"{base(r.alice, r.team_id)}/read"), 200)

    url = f"{base(r.alice, r.team_id)}/{root['id']}/set_unread/{replies[3]['id']}"
    marked = expect(r.alice.api.post(url), 200)
    assert marked["unread_replies"] == 3 and marked["unread_mentions"] == 1
    assert thread(r.alice, r.team_id, root["id"])["unread_replies"] == 3
    # Then a new reply adds to that.
    post(r.bob, r.channel_id, "later", root_id=root["id"])
    assert thread(r.alice, r.team_id, root["id"])["unread_replies"] == 4


def test_deleted_reply_and_deleted_root(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    keep = post(r.bob, r.channel_id, "keep", root_id=root["id"])
    gone = post(r.bob, r.channel_id, f"@{r.alice.username} oops", root_id=root["id"])
    assert thread(r.alice, r.team_id, root["id"])["unread_mentions"] == 1
    expect(r.bob.api.delete(f"/posts/{gone['id']}"), 200)
    view = thread(r.alice, r.team_id, root["id"])
    assert view["reply_count"] == 1 and view["unread_replies"] == 1
    assert view["unread_mentions"] == 0 and view["last_reply_at"] == keep["create_at"]

    expect(r.alice.api.delete(f"/posts/{root['id']}"), 200)
    assert threads(r.alice, r.team_id)["total"] == 0
    assert threads(r.bob, r.team_id)["total"] == 0
    with_deleted = threads(r.alice, r.team_id, deleted="true")
    assert with_deleted["total"] == 1
    assert with_deleted["threads"][0]["delete_at"] > 0
    # A deleted root takes no replies.
    body = {"channel_id": r.channel_id, "message": "late", "root_id": root["id"]}
    assert r.bob.api.post("/posts", body).status_code == 400


def test_user_removed_from_channel_loses_its_threads(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    post(r.bob, r.channel_id, f"@{r.carol.username}", root_id=root["id"])
    assert root["id"] in listed(r.carol, r.team_id)
    expect(r.alice.api.delete(f"/channels/{r.channel_id}/members/{r.carol.id}"), 200)
    assert threads(r.carol, r.team_id)["total"] == 0
    post(r.bob, r.channel_id, "more", root_id=root["id"])
    assert threads(r.carol, r.team_id)["total"] == 0
    # Back in the channel, a mention makes her follow again.
    add_to_channel(r.alice, r.channel_id, r.carol)
    post(r.bob, r.channel_id, f"@{r.carol.username} welcome back", root_id=root["id"])
    assert listed(r.carol, r.team_id)[root["id"]]["unread_mentions"] == 1


def test_many_concurrent_replies_keep_counts_exact(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "a busy thread")
    writers = [r.bob, r.carol, r.dave]
    per_writer = 15

    def write(user: LoggedIn) -> None:
        for i in range(per_writer):
            post(user, r.channel_id, f"{user.username} {i} @{r.alice.username}", root_id=root["id"])

    with ThreadPoolExecutor(len(writers)) as pool:
        list(pool.map(write, writers))
    total = per_writer * len(writers)
    view = thread(r.alice, r.team_id, root["id"])
    assert view["reply_count"] == total
    assert view["unread_replies"] == total and view["unread_mentions"] == total
    assert sorted(p["id"] for p in view["participants"]) == sorted(u.id for u in writers)
    for user in writers:
        own = thread(user, r.team_id, root["id"])
        assert own["reply_count"] == total and 0 <= own["unread_replies"] <= total - per_writer


def test_collapsed_channel_posts_show_thread_state(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    lone = post(r.alice, r.channel_id, "no replies")
    post(r.bob, r.channel_id, "reply", root_id=root["id"])
    body = page(r.alice, r.channel_id, collapsedThreads="true")
    # Beside the system posts of the room's making.
    listed = {i for i in body["order"] if not body["posts"][i]["type"].startswith("system_")}
    assert listed == {root["id"], lone["id"]}
    shown = body["posts"][root["id"]]
    assert shown["reply_count"] == 1 and shown["is_following"] is True
    assert shown["participants"] == [{"id": r.bob.id}]
    assert body["posts"][lone["id"]]["is_following"] is False
    extended = page(r.dave, r.channel_id, collapsedThreads="true", collapsedThreadsExtended="true")
    person = extended["posts"][root["id"]]["participants"][0]
    assert person["id"] == r.bob.id and person["username"] == r.bob.username
    assert extended["posts"][root["id"]]["is_following"] is False
    # Since-mode lists show the same.
    since = page(r.alice, r.channel_id, collapsedThreads="true", since=root["create_at"] - 1)
    assert since["posts"][root["id"]]["is_following"] is True


def test_team_unreads_count_threads(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    post(r.bob, r.channel_id, f"@{r.alice.username} hi", root_id=root["id"])
    post(r.bob, r.channel_id, "again", root_id=root["id"])
    unread = expect(r.alice.api.get(f"/users/{r.alice.id}/teams/{r.team_id}/unread"), 200)
    assert unread["thread_count"] == 1 and unread["thread_mention_count"] == 1
    all_teams = expect(r.alice.api.get(f"/users/{r.alice.id}/teams/unread"), 200)
    entry = next(t for t in all_teams if t["team_id"] == r.team_id)
    assert entry["thread_count"] == 1
    expect(r.alice.api.put(f"{base(r.alice, r.team_id)}/read"), 200)
    unread = expect(r.alice.api.get(f"/users/{r.alice.id}/teams/{r.team_id}/unread"), 200)
    assert unread["thread_count"] == 0 and unread["thread_mention_count"] == 0


def test_direct_message_threads_show_in_every_team(make_user: UserFactory) -> None:
    r = make_room(make_user)
    dm = make_dm(r.alice, r.bob)
    root = post(r.alice, dm["id"], "psst")
    post(r.bob, dm["id"], "what?", root_id=root["id"])
    view = listed(r.alice, r.team_id)[root["id"]]
    # Every message in a direct channel mentions the other person.
    assert view["unread_replies"] == 1 and view["unread_mentions"] == 1


def test_bad_requests(make_user: UserFactory) -> None:
    r = make_room(make_user)
    outsider = make_user()
    root = post(r.alice, r.channel_id, "root")
    other_root = post(r.alice, r.channel_id, "other")
    reply = post(r.bob, r.channel_id, "reply", root_id=other_root["id"])
    url = base(r.alice, r.team_id)
    # Someone else's threads, or a team one is not in: forbidden.
    assert r.bob.api.get(url).status_code == 403
    assert outsider.api.get(base(outsider, r.team_id)).status_code == 403
    assert r.alice.api.get(f"{url}/{root['id']}").status_code == 404
    assert r.alice.api.put(f"{url}/{root['id']}/read/-5").status_code == 400
    assert r.alice.api.put(f"{url}/{root['id']}/read/notanumber").status_code == 400
    bad = r.alice.api.post(f"{url}/{root['id']}/set_unread/{reply['id']}")
    assert bad.status_code == 400
    assert bad.json()["id"] == "api.context.invalid_param.app_error"
    assert r.alice.api.get(url, params={"before": "nope"}).status_code == 400
    assert r.alice.api.get(url, params={"unread": "maybe"}).status_code == 400
    # A reply is not a thread.
    assert r.alice.api.put(f"{url}/{reply['id']}/following").status_code == 404
    # The page size is capped at 200, as everywhere; alice follows the replied-to root.
    assert [t["id"] for t in threads(r.alice, r.team_id, per_page=100000)["threads"]] == [
        other_root["id"]
    ]


def test_participants_keep_the_latest_hundred(make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "a crowded thread")

    def newcomer(_: int) -> LoggedIn:
        user = make_user()
        body = {"team_id": r.team_id, "user_id": user.id}
        expect(user.api.post(f"/teams/{r.team_id}/members", body), 201)
        add_to_channel(r.alice, r.channel_id, user)
        return user

    with ThreadPoolExecutor(8) as pool:
        repliers = list(pool.map(newcomer, range(101)))
    for user in repliers:
        post(user, r.channel_id, "me too", root_id=root["id"])
    view = thread(r.alice, r.team_id, root["id"])
    assert view["reply_count"] == 101
    # The first replier dropped out; the order is the order of first replies.
    assert [p["id"] for p in view["participants"]] == [u.id for u in repliers[1:]]
