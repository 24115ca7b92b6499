"""Sidebar categories: how one user groups the channels of one team in the sidebar
(Mattermost's ``SidebarCategoryWithChannels``; ``ChannelCategory`` in @mattermost/types)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

FAVORITES = "favorites"
CHANNELS = "channels"
DIRECT_MESSAGES = "direct_messages"
CUSTOM = "custom"
CATEGORY_TYPES = frozenset({FAVORITES, CHANNELS, DIRECT_MESSAGES, CUSTOM})
# The three every user has in every team, with their fixed places and names (clients
# translate the names of these types themselves).
DEFAULT_TYPES: tuple[tuple[str, str, str], ...] = (
    (FAVORITES, "Favorites", ""),
    (CHANNELS, "Channels", ""),
    (DIRECT_MESSAGES, "Direct Messages", "recent"),
)

SORT_DEFAULT = ""  # behaves as manual
SORT_MANUAL = "manual"
SORT_RECENT = "recent"
SORT_ALPHA = "alpha"
SORTINGS = frozenset({SORT_DEFAULT, SORT_MANUAL, SORT_RECENT, SORT_ALPHA})

# Categories and the channels in them are spaced this far apart (Mattermost's
# MinimalSidebarSortDistance), so one can be put between two without renumbering.
SORT_DISTANCE = 10

# The preference that marked favourites before categories existed; kept in step with the
# Favorites category both ways.
FAVORITE_CHANNEL = "favorite_channel"

# A custom category's id is a plain 26-character id; a default one names its owner.
_CATEGORY_ID = re.compile(
    r"^(?:[a-z0-9]{26}|(?:favorites|channels|direct_messages)_[a-z0-9]{26}_[a-z0-9]{26})\Z"
)


def default_category_id(kind: str, user_id: str, team_id: str) -> str:
    """The default categories' ids are made from their owner, so creating them twice
    (two first loads at once) collides instead of making two."""
    return f"{kind}_{user_id}_{team_id}"


def is_valid_category_id(value: str) -> bool:
    return bool(_CATEGORY_ID.match(value))


@dataclass(slots=True)
class SidebarCategory:
    id: str
    user_id: str
    team_id: str
    type: str
    display_name: str
    sort_order: int = 0
    sorting: str = SORT_DEFAULT
    muted: bool = False
    collapsed: bool = False
    channel_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "team_id": self.team_id,
            "sort_order": self.sort_order,
            "sorting": self.sorting,
            "type": self.type,
            "display_name": self.display_name,
            "muted": self.muted,
            "collapsed": self.collapsed,
            "channel_ids": list(self.channel_ids),
        }


class SidebarChannel(NamedTuple):
    """A channel the user is in, as the sidebar needs it: which category it may go to,
    and whether it is archived. Read in display-name order, the order of the channels
    no category names. (A tuple: a user in thousands of channels reads this many of
    them on every load.)"""

    id: str
    type: str
    delete_at: int
