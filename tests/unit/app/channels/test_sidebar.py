"""The sidebar's rules that need no database."""

from __future__ import annotations

from typing import Any

import pytest

from roost.app.channels.sidebar import (
    MAX_CHANNELS_PER_CATEGORY,
    category_from_body,
    default_categories,
    fill,
    mute_changes,
    renumbered,
)
from roost.app.kernel.errors import AppError
from roost.model.category import SidebarCategory, SidebarChannel, is_valid_category_id

U, T = "u" * 26, "t" * 26


def cid(n: int) -> str:
    return f"{n:026d}"


def channel(n: int, kind: str = "O", deleted: int = 0) -> SidebarChannel:
    return SidebarChannel(cid(n), kind, deleted)


def test_defaults() -> None:
    fav, chans, dms = default_categories(U, T)
    assert [fav.id, chans.id, dms.id] == [
        f"favorites_{U}_{T}",
        f"channels_{U}_{T}",
        f"direct_messages_{U}_{T}",
    ]
    assert [c.sort_order for c in (fav, chans, dms)] == [0, 10, 20]
    assert [c.sorting for c in (fav, chans, dms)] == ["", "", "recent"]
    assert all(is_valid_category_id(c.id) for c in (fav, chans, dms))
    assert is_valid_category_id("a" * 26)
    assert not is_valid_category_id(f"custom_{U}_{T}")
    assert not is_valid_category_id(f"favorites_{U}_{T}\n")


def test_fill_places_every_channel_once() -> None:
    fav, chans, dms = default_categories(U, T)
    custom = SidebarCategory(cid(99), U, T, "custom", "Mine")
    cats = [fav, custom, chans, dms]
    # As read: by display name.
    member_of = [
        channel(2),
        channel(1),
        channel(3),
        channel(4, "D"),
        channel(5, "G"),
        channel(6, deleted=1),  # archived and unplaced: not listed
        channel(7, deleted=1),  # archived and placed: kept
    ]
    placed = [(custom.id, cid(3)), (fav.id, cid(5)), (custom.id, cid(7)), (chans.id, cid(1))]
    # Placements of channels the user left, or of categories gone, are skipped.
    placed += [(custom.id, cid(42)), ("gone" * 7, cid(2))]
    fill(cats, placed, member_of)
    assert fav.channel_ids == [cid(5)]
    assert custom.channel_ids == [cid(3), cid(7)]
    assert chans.channel_ids == [cid(2), cid(1)]  # unplaced first, as read; then placed
    assert dms.channel_ids == [cid(4)]


def test_mute_changes() -> None:
    def cat(n: int, muted: bool, *channels: int) -> SidebarCategory:
        return SidebarCategory(
            cid(n), U, T, "custom", "x", muted=muted, channel_ids=[cid(c) for c in channels]
        )

    before = [cat(1, False, 1, 2), cat(2, True, 3), cat(3, False, 4)]
    after = [cat(1, True, 1), cat(2, True, 3, 2), cat(3, False, 4)]
    assert mute_changes(before, after) == ({cid(1), cid(2)}, set())
    before = [cat(1, True, 1), cat(2, False, 2)]
    after = [cat(1, True), cat(2, False, 2, 1)]
    assert mute_changes(before, after) == (set(), {cid(1)})
    assert mute_changes(before, before) == (set(), set())


def body(**fields: Any) -> dict[str, Any]:
    return {"id": "", "user_id": U, "team_id": T, "display_name": "x", **fields}


def test_category_from_body() -> None:
    got = category_from_body(
        body(channel_ids=[cid(1), cid(2), cid(1)], sorting="alpha", muted=True)
    )
    assert got.channel_ids == [cid(1), cid(2)] and got.sorting == "alpha" and got.muted
    assert category_from_body(body(channel_ids=None)).channel_ids == []
    assert category_from_body({}).display_name == ""


@pytest.mark.parametrize(
    "bad",
    [
        [],
        body(sorting="random"),
        body(type="managed"),
        body(muted="true"),
        body(collapsed=1),
        body(sort_order="1"),
        body(sort_order=True),
        body(user_id=7),
        body(display_name="x" * 65),
        body(channel_ids="abc"),
        body(channel_ids=["short"]),
        body(channel_ids=[cid(1)] * (MAX_CHANNELS_PER_CATEGORY + 1)),
    ],
)
def test_category_from_body_refuses(bad: Any) -> None:
    with pytest.raises(AppError) as raised:
        category_from_body(bad)
    assert raised.value.status == 400
    assert raised.value.error_id == "api.context.invalid_body_param.app_error"


def test_renumbered() -> None:
    assert renumbered(["b", "a", "c"]) == {"b": 0, "a": 10, "c": 20}
