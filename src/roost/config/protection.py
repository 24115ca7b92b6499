"""Settings against brute force and floods: the lockout and the rate limits
(Mattermost's ``ServiceSettings.MaximumLoginAttempts``, ``RateLimitSettings`` and
``ServiceSettings.TrustedProxyIPHeader``). Kept apart from ``roost.config`` only for
its length: ``Settings`` inherits these fields, and the sections read them as any other."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import BaseSettings


@dataclass(frozen=True, slots=True)
class RateLimitSettings:
    """Request rate limits: read by the rate-limit middleware and the login endpoint."""

    rate_limit_enable: bool
    rate_limit_per_sec: float
    rate_limit_max_burst: int
    rate_limit_memory_store_size: int
    rate_limit_vary_by_remote_addr: bool
    rate_limit_vary_by_user: bool
    rate_limit_vary_by_header: str
    rate_limit_login_per_minute: float
    rate_limit_login_burst: int
    rate_limit_login_id_per_minute: float
    rate_limit_login_id_burst: int
    trusted_proxy_ip_header: str


class ProtectionFields(BaseSettings):
    # Accounts (AccountSettings): Mattermost's MaximumLoginAttempts, with its default.
    maximum_login_attempts: int = Field(
        json_schema_extra={"mattermost": "ServiceSettings.MaximumLoginAttempts"},
        default=10,
        ge=1,
        le=1000,
        description="wrong passwords before an account refuses every login (401 "
        "`api.user.check_user_login_attempts.too_many.app_error`) until a good login before "
        "that, a password change or an admin setting its password",
    )

    # Rate limits. On by default (Mattermost ships them off): a token bucket per user
    # (per token) or, for requests without one, per client address; all nodes share the
    # buckets through Redis when it is configured.
    rate_limit_enable: bool = Field(
        json_schema_extra={"mattermost": "RateLimitSettings.Enable"},
        default=True,
        description="rate limits on `/api/v4` (429 with `Retry-After` beyond; "
        "`/system/ping` and WebSocket upgrades exempt); shared by every node through Redis",
    )
    rate_limit_per_sec: float = Field(
        json_schema_extra={"mattermost": "RateLimitSettings.PerSec"},
        default=10.0,
        gt=0,
        le=100_000,
        description="requests per second per key, on average",
    )
    rate_limit_max_burst: int = Field(
        json_schema_extra={"mattermost": "RateLimitSettings.MaxBurst"},
        default=100,
        ge=1,
        le=1_000_000,
        description="requests per key at once (the web client's start-up burst fits)",
    )
    rate_limit_memory_store_size: int = Field(
        json_schema_extra={"mattermost": "RateLimitSettings.MemoryStoreSize"},
        default=10_000,
        ge=1,
        le=10_000_000,
        description="keys each node tracks in memory (without Redis, or while it is "
        "unreachable); the least recent are forgotten",
    )
    rate_limit_vary_by_remote_addr: bool = Field(
        json_schema_extra={"mattermost": "RateLimitSettings.VaryByRemoteAddr"},
        default=True,
        description="key requests by client address (see `ROOST_TRUSTED_PROXY_IP_HEADER` "
        "behind a proxy)",
    )
    rate_limit_vary_by_user: bool = Field(
        json_schema_extra={"mattermost": "RateLimitSettings.VaryByUser"},
        default=True,
        description="key requests by their token (user session), falling back to the "
        "address for requests without one",
    )
    rate_limit_vary_by_header: str = Field(
        json_schema_extra={"mattermost": "RateLimitSettings.VaryByHeader"},
        default="",
        description="also key requests by this header's value",
    )
    rate_limit_login_per_minute: float = Field(
        default=30.0,
        gt=0,
        le=1_000_000,
        description="logins and password-reset requests per client address per minute, a "
        "stricter limit of their own",
    )
    rate_limit_login_burst: int = Field(
        default=20, ge=1, le=1_000_000, description="of those, per address at once"
    )
    rate_limit_login_id_per_minute: float = Field(
        default=6.0,
        gt=0,
        le=1_000_000,
        description="login attempts per login id (username or email) per minute, from anywhere",
    )
    rate_limit_login_id_burst: int = Field(
        default=10, ge=1, le=1_000_000, description="of those, per login id at once"
    )
    trusted_proxy_ip_header: str = Field(
        default="",
        description="`X-Forwarded-For` or `X-Real-IP` (comma-separated to try several): the "
        "header your proxy sets with the client's address; empty: the connecting address is "
        "the client's (behind nginx that is nginx for everyone: `docs/deployment.md`)",
    )
