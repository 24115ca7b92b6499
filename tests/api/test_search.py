"""Post search through the API: Mattermost's syntax, only the searcher's channels, kept
current on create, edit and delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.support.chat import channel_with, make_channel, make_dm, team_with
from tests.support.client import LoggedIn, expect, unique
from tests.support.files import upload_one
from tests.support.posting import post

UserFactory = Callable[..., LoggedIn]


def search(user: LoggedIn, team_id: str | None, terms: str, **body: Any) -> dict[str, Any]:
    path = f"/teams/{team_id}/posts/search" if team_id else "/posts/search"
    found: dict[str, Any] = expect(user.api.post(path, {"terms": terms, **body}), 200)
    return found


def found_ids(result: dict[str, Any]) -> list[str]:
    return list(result["order"])


def test_words_phrases_exclusions_and_prefixes(make_user: UserFactory, backend: str) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    cid, tid = channel["id"], team["id"]
    tag = unique("zeta")  # a word no other test uses
    one = post(alice, cid, f"the {tag} build failed on friday")
    two = post(bob, cid, f"{tag} build fixed, deploying now")
    three = post(alice, cid, f"{tag} deployment notes: the build is green")

    assert set(found_ids(search(bob, tid, f"{tag} build"))) == {one["id"], two["id"], three["id"]}
    # Newest first.
    assert found_ids(search(bob, tid, f"{tag} build")) == [three["id"], two["id"], one["id"]]
    assert found_ids(search(bob, tid, f'{tag} "build failed"')) == [one["id"]]
    assert set(found_ids(search(bob, tid, f"{tag} -friday"))) == {two["id"], three["id"]}
    assert set(found_ids(search(bob, tid, f"{tag} deploy*"))) == {two["id"], three["id"]}
    # PostgreSQL stems English words, as Mattermost on PostgreSQL does ("deploy" finds
    # "deploying"); SQLite matches whole words (and prefixes, above).
    stemmed = set(found_ids(search(bob, tid, f"{tag} deploy")))
    assert stemmed == ({two["id"], three["id"]} if backend == "postgres" else set())
    either = search(bob, tid, f"{tag}fixed {tag}", is_or_search=True)
    assert set(found_ids(either)) == {one["id"], two["id"], three["id"]}
    result = search(bob, tid, f'{tag} "build failed"')
    assert result["matches"][one["id"]] == [tag, "build failed"]
    assert result["posts"][one["id"]]["message"] == one["message"]


def test_from_in_and_dates(make_user: UserFactory) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    general = channel_with(alice, team["id"], bob)
    other = channel_with(alice, team["id"], bob)
    tag = unique("kappa")
    a1 = post(alice, general["id"], f"{tag} from alice here")
    b1 = post(bob, general["id"], f"{tag} from bob here")
    a2 = post(alice, other["id"], f"{tag} from alice there")
    tid = team["id"]

    assert set(found_ids(search(bob, tid, f"{tag} from:{alice.username}"))) == {
        a1["id"],
        a2["id"],
    }
    assert found_ids(search(bob, tid, f"{tag} -from:{alice.username}")) == [b1["id"]]
    assert set(found_ids(search(bob, tid, f"{tag} in:{general['name']}"))) == {
        a1["id"],
        b1["id"],
    }
    assert found_ids(search(bob, tid, f"{tag} -in:{general['name']}")) == [a2["id"]]
    # Filters alone search everything they allow.
    only_from = found_ids(search(bob, tid, f"from:{bob.username} in:{general['name']}"))
    assert b1["id"] in only_from and a1["id"] not in only_from
    # An unknown author finds nothing.
    assert found_ids(search(bob, tid, f"{tag} from:nobody-{tag}")) == []

    today = datetime.fromtimestamp(a1["create_at"] / 1000, tz=UTC).date().isoformat()
    assert set(found_ids(search(bob, tid, f"{tag} on:{today}"))) == {a1["id"], b1["id"], a2["id"]}
    assert found_ids(search(bob, tid, f"{tag} before:{today}")) == []
    assert found_ids(search(bob, tid, f"{tag} after:{today}")) == []
    assert found_ids(search(bob, tid, f"{tag} after:2000-01-01 before:2999-01-01")) != []
    # A searcher twelve hours ahead of UTC may see "today" as another day.
    shifted = search(bob, tid, f"{tag} on:{today}", time_zone_offset=0)
    assert len(shifted["order"]) == 3


def test_hashtags(make_user: UserFactory) -> None:
    alice = make_user()
    team = team_with(alice)
    channel = make_channel(alice, team["id"])
    tag = unique("rel")
    tagged = post(alice, channel["id"], f"shipping #{tag} today")
    plain = post(alice, channel["id"], f"the word {tag} without a hash")
    result = found_ids(search(alice, team["id"], f"#{tag}"))
    assert result == [tagged["id"]]
    assert plain["id"] in found_ids(search(alice, team["id"], tag))


def test_only_channels_the_searcher_is_in(make_user: UserFactory) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    team = team_with(alice, bob, carol)
    private = channel_with(alice, team["id"], bob, type="P")
    public_not_joined = make_channel(alice, team["id"])
    tag = unique("secret")
    hidden = post(alice, private["id"], f"{tag} in private")
    post(alice, public_not_joined["id"], f"{tag} in public")
    assert found_ids(search(carol, team["id"], tag)) == []
    assert found_ids(search(bob, team["id"], tag)) == [hidden["id"]]
    # A team one is not in cannot be searched.
    outsider = make_user()
    r = outsider.api.post(f"/teams/{team['id']}/posts/search", {"terms": tag})
    assert r.status_code == 403


def test_direct_messages_and_all_teams(make_user: UserFactory) -> None:
    alice, bob = make_user(), make_user()
    team_a, team_b = team_with(alice, bob), team_with(alice, bob)
    ch_a = channel_with(alice, team_a["id"], bob)
    ch_b = channel_with(alice, team_b["id"], bob)
    dm = make_dm(alice, bob)
    tag = unique("omega")
    in_a = post(alice, ch_a["id"], f"{tag} a")
    in_b = post(alice, ch_b["id"], f"{tag} b")
    in_dm = post(alice, dm["id"], f"{tag} dm")
    assert set(found_ids(search(bob, team_a["id"], tag))) == {in_a["id"], in_dm["id"]}
    assert set(found_ids(search(bob, None, tag))) == {in_a["id"], in_b["id"], in_dm["id"]}
    assert found_ids(search(bob, None, f"{tag} in:@{alice.username}")) == [in_dm["id"]]


def test_index_follows_edits_and_deletes(make_user: UserFactory) -> None:
    alice = make_user()
    team = team_with(alice)
    channel = make_channel(alice, team["id"])
    old, new = unique("before"), unique("after")
    created = post(alice, channel["id"], f"first {old}")
    assert found_ids(search(alice, team["id"], old)) == [created["id"]]
    expect(alice.api.put(f"/posts/{created['id']}/patch", {"message": f"now {new}"}), 200)
    assert found_ids(search(alice, team["id"], old)) == []
    assert found_ids(search(alice, team["id"], new)) == [created["id"]]
    expect(alice.api.delete(f"/posts/{created['id']}"), 200)
    assert found_ids(search(alice, team["id"], new)) == []


def test_paging(make_user: UserFactory) -> None:
    alice = make_user()
    team = team_with(alice)
    channel = make_channel(alice, team["id"])
    tag = unique("page")
    made = [post(alice, channel["id"], f"{tag} number {i}") for i in range(5)]
    newest_first = [p["id"] for p in reversed(made)]
    first = search(alice, team["id"], tag, page=0, per_page=2)
    assert found_ids(first) == newest_first[:2] and first["has_next"] is True
    last = search(alice, team["id"], tag, page=2, per_page=2)
    assert found_ids(last) == newest_first[4:] and last["has_next"] is False


def test_bad_searches(make_user: UserFactory) -> None:
    alice = make_user()
    team = team_with(alice)
    url = f"/teams/{team['id']}/posts/search"
    assert alice.api.post(url, {"terms": "x" * 1001}).status_code == 400
    assert alice.api.post(url, {"terms": " ".join(["w"] * 21)}).status_code == 400
    assert alice.api.post(url, {"terms": "on:2026-13-45"}).status_code == 400
    assert alice.api.post(url, {"terms": "x", "per_page": 201}).status_code == 400
    assert alice.api.post(url, {"terms": "x", "page": -1}).status_code == 400
    bad = alice.api.post(url, {"nope": 1})
    assert bad.status_code == 400 and bad.json()["status_code"] == 400
    # Query-language characters are only text: no error, no injection.
    for terms in ['" OR 1=1 --', "NEAR(a b)", "a AND OR NOT", "col:thing", "***", "'"]:
        result = search(alice, team["id"], terms)
        assert isinstance(result["order"], list), terms
    # Nothing to search for: nothing found.
    assert found_ids(search(alice, team["id"], "   ")) == []


def test_admins_search_channels_across_teams(make_user: UserFactory, admin: LoggedIn) -> None:
    alice = make_user()
    team_a, team_b = team_with(alice), team_with(alice)
    word = unique("Quarterly")
    open_a = make_channel(alice, team_a["id"], display_name=f"{word} Planning")
    private_b = make_channel(alice, team_b["id"], type="P", display_name=f"Team {word}")
    make_channel(alice, team_b["id"], display_name="Unrelated")
    found = expect(admin.api.post("/channels/search", {"term": word.lower()}), 200)
    assert {c["id"] for c in found} == {open_a["id"], private_b["id"]}
    by_id = {c["id"]: c for c in found}
    assert by_id[open_a["id"]]["team_name"] == team_a["name"]
    assert "team_display_name" in by_id[private_b["id"]]
    only_private = expect(
        admin.api.post("/channels/search", {"term": word.lower(), "private": True}), 200
    )
    assert [c["id"] for c in only_private] == [private_b["id"]]
    paged = expect(
        admin.api.post("/channels/search", {"term": word.lower(), "page": 0, "per_page": 1}),
        200,
    )
    assert paged["total_count"] == 2 and len(paged["channels"]) == 1
    # Only system admins.
    assert alice.api.post("/channels/search", {"term": word}).status_code == 403
    assert admin.api.post("/channels/search", {"term": "x" * 65}).status_code == 400


def test_results_span_old_and_new_posts_in_order(admin: LoggedIn) -> None:
    """Recent posts are searched first; older ones must still come, newest first."""
    team = team_with(admin)
    channel = make_channel(admin, team["id"])
    tag = unique("epoch")
    now_ms = int(datetime.now(tz=UTC).timestamp() * 1000)
    ages_hours = [0, 2, 30, 24 * 10, 24 * 100, 24 * 400]
    made = [
        post(admin, channel["id"], f"{tag} {hours}h old", create_at=now_ms - hours * 3_600_000)
        for hours in ages_hours
    ]
    newest_first = [p["id"] for p in made]
    assert found_ids(search(admin, team["id"], tag)) == newest_first
    pages = [found_ids(search(admin, team["id"], tag, page=page, per_page=2)) for page in range(3)]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:]]
    # Date filters bound the windows too.
    old = datetime.fromtimestamp((now_ms - 24 * 50 * 3_600_000) / 1000, tz=UTC)
    assert (
        found_ids(search(admin, team["id"], f"{tag} before:{old.date().isoformat()}"))
        == (newest_first[4:])
    )


def test_files_searchable_by_name(make_user: UserFactory) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    team = team_with(alice, bob, carol)
    channel = channel_with(alice, team["id"], bob)
    word = unique("report")
    pdf = upload_one(alice, channel["id"], f"Q3-{word}.pdf", b"%PDF-1.4 not really")
    txt = upload_one(bob, channel["id"], f"{word}-notes.txt", b"notes")
    unattached = upload_one(alice, channel["id"], f"{word}-draft.txt", b"draft")
    post(alice, channel["id"], "the pdf", file_ids=[pdf["id"]])
    post(bob, channel["id"], "the notes", file_ids=[txt["id"]])

    def files(user: LoggedIn, terms: str) -> list[str]:
        r = user.api.post(f"/teams/{team['id']}/files/search", {"terms": terms})
        body = expect(r, 200)
        assert set(body["file_infos"]) == set(body["order"])
        return list(body["order"])

    assert files(bob, word) == [txt["id"], pdf["id"]]
    assert unattached["id"] not in files(alice, word)
    assert files(bob, f"{word} ext:pdf") == [pdf["id"]]
    assert files(bob, f"{word} from:{bob.username}") == [txt["id"]]
    # Not in the channel: nothing.
    assert files(carol, word) == []
