"""The published load model as data: action mix, idle times, rate factors, thresholds.

Figures come from Mattermost's load-test tool and sizing pages (see
``shared/reference/load-model.md``) so that Roost's numbers compare with theirs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Share of all actions, in percent (they are normalised, so they need not sum to 100).
ACTION_WEIGHTS: dict[str, float] = {
    "SwitchChannel": 42.2,
    "ScrollChannel": 12.9,
    "DeleteDraft": 9.1,
    "UnreadCheck": 6.5,
    "CreatePost": 6.5,
    "OpenDirectOrGroupChannel": 6.4,
    "ViewGlobalThreads": 3.9,
    "UpsertDraft": 3.3,
    "UpdateThreadRead": 2.1,
    "ClickPermalink": 1.9,
    "ViewThread": 1.8,
    "ReconnectWebSocket": 0.93,
    "AddReaction": 0.85,
    # "Search (all kinds) ~0.65%", split between the three kinds.
    "SearchPosts": 0.30,
    "SearchUsers": 0.20,
    "SearchChannels": 0.15,
    "EditPost": 0.26,
    "DeletePost": 0.03,
    # "Channel/team creation, joins: <0.05% each".
    "CreateChannel": 0.03,
    "JoinChannel": 0.04,
    "SwitchTeam": 0.04,
}

# (share of users, idle multiplier): 5% x1, 10% x2, 15% x3, 40% x6, 30% x30.
RATE_FACTORS: tuple[tuple[float, float], ...] = (
    (0.05, 1.0),
    (0.10, 2.0),
    (0.15, 3.0),
    (0.40, 6.0),
    (0.30, 30.0),
)

# Idle between actions is uniform in [MIN_IDLE, 2 * AVG_IDLE - MIN_IDLE) seconds.
MIN_IDLE_S = 1.0
AVG_IDLE_S = 20.0
# Every user fetches statuses and posts a client metrics report this often.
PERIODIC_S = 60.0

REPLY_SHARE = 0.18  # of CreatePost
FILE_SHARE = 0.02  # of CreatePost
GROUP_SHARE = 0.2  # of OpenDirectOrGroupChannel: the rest are direct messages

# The coordinator: add/remove this many users every interval.
USERS_INC = 8
USERS_DEC = 8
INTERVAL_S = 2.0
REST_S = 2.0
# Done when the active-user count's best-fit slope (users/s) is flatter than this.
PLATEAU_SLOPE = 0.2
PLATEAU_WINDOW_S = 300.0
# Thresholds are evaluated on the trailing minute, like the published 1-minute rates.
METRICS_WINDOW_S = 60.0

# Seeded data set: share of channels by type.
CHANNEL_MIX: dict[str, float] = {"D": 0.60, "O": 0.20, "P": 0.10, "G": 0.10}


def idle_bounds() -> tuple[float, float]:
    return MIN_IDLE_S, 2 * AVG_IDLE_S - MIN_IDLE_S


def mean_actions_per_minute() -> float:
    """About 0.68: the published per-user action rate that falls out of the factors."""
    mean_idle = AVG_IDLE_S
    return sum(share * 60.0 / (mean_idle * factor) for share, factor in RATE_FACTORS)


def normalised_weights(weights: dict[str, float] | None = None) -> dict[str, float]:
    w = ACTION_WEIGHTS if weights is None else weights
    total = sum(v for v in w.values() if v > 0)
    if total <= 0:
        raise ValueError("at least one action needs a positive weight")
    return {k: (v / total if v > 0 else 0.0) for k, v in w.items()}


@dataclass(slots=True)
class Thresholds:
    """When any is crossed the setup is over capacity (None disables a signal)."""

    error_5xx_share: float | None = 0.00025
    avg_request_ms: float | None = 100.0
    p99_request_ms: float | None = 2000.0
    timeout_share: float | None = 0.00025
    # Requests the server shed (429, or 503 with Retry-After): a server refusing work
    # is over capacity as surely as one answering 5xx, so the same share.
    refused_share: float | None = 0.00025
    server_cpu_pct: float | None = 85.0
    server_mem_pct: float | None = 85.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class RunConfig:
    """Everything one run needs; plain data so it can cross into worker processes."""

    url: str
    usernames: list[str]
    password: str
    users: int = 10
    duration_s: float = 60.0
    find_max: bool = False
    max_duration_s: float = 3600.0
    workers: int = 1
    time_scale: float = 1.0
    request_timeout_s: float = 10.0
    weights: dict[str, float] = field(default_factory=lambda: dict(ACTION_WEIGHTS))
    thresholds: Thresholds = field(default_factory=Thresholds)
    server_pids: list[int] = field(default_factory=list)
    users_inc: int = USERS_INC
    users_dec: int = USERS_DEC
    interval_s: float = INTERVAL_S
    rest_s: float = REST_S
    plateau_slope: float = PLATEAU_SLOPE
    plateau_window_s: float = PLATEAU_WINDOW_S
    metrics_window_s: float = METRICS_WINDOW_S
    # Spread logins over this long at the start of a bounded run (0: all at once).
    ramp_s: float = 0.0
    seed: int | None = None

    def public_dict(self) -> dict[str, Any]:
        """The settings as the report shows them (no password, no user list)."""
        out = asdict(self)
        out.pop("password")
        out.pop("usernames")
        out["available_users"] = len(self.usernames)
        return out
