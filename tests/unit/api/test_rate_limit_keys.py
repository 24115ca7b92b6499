"""Which client a request is from, and which bucket it spends from
(roost.api.http.rate_limit)."""

from __future__ import annotations

import dataclasses

from starlette.types import Scope

from roost.api.http.rate_limit import RateLimits
from roost.app.kernel.rate_limits import Throttle
from roost.config import load_settings

PEER = ("192.0.2.7", 50000)


def _limits(**overrides: object) -> RateLimits:
    settings = dataclasses.replace(load_settings().rate_limits, **overrides)  # type: ignore[arg-type]
    return RateLimits(Throttle(10), settings, lambda _tenant, token: token == "abc")


def _scope(*headers: tuple[str, str], client: tuple[str, int] | None = PEER) -> Scope:
    return {
        "type": "http",
        "path": "/api/v4/users/me",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
        "client": client,
    }


def test_the_peer_is_the_client_unless_a_header_is_trusted() -> None:
    spoofed = _scope(("X-Forwarded-For", "203.0.113.1"), ("X-Real-IP", "203.0.113.2"))
    assert _limits().client_address(spoofed) == "192.0.2.7"
    assert _limits(trusted_proxy_ip_header="X-Real-IP").client_address(spoofed) == "203.0.113.2"


def test_forwarded_for_counts_its_last_entry() -> None:
    limits = _limits(trusted_proxy_ip_header="X-Forwarded-For")
    scope = _scope(("X-Forwarded-For", "203.0.113.1, 198.51.100.9"))
    assert limits.client_address(scope) == "198.51.100.9"
    # Not an address (the proxy did not set it): the peer.
    assert limits.client_address(_scope(("X-Forwarded-For", "evil"))) == "192.0.2.7"
    assert limits.client_address(_scope()) == "192.0.2.7"


def test_keys_by_token_then_address_then_header() -> None:
    limits = _limits()
    with_token = _scope(("Authorization", "Bearer abc"))
    with_token["roost.client_address"] = "192.0.2.7"
    key = limits.general_key(with_token)
    assert key.startswith("api:t:") and "abc" not in key
    made_up = _scope(("Authorization", "Bearer not-a-session"))
    made_up["roost.client_address"] = "192.0.2.7"
    assert limits.general_key(made_up) == "api:a:192.0.2.7"
    anonymous = _scope()
    anonymous["roost.client_address"] = "192.0.2.7"
    assert limits.general_key(anonymous) == "api:a:192.0.2.7"
    by_header = _limits(rate_limit_vary_by_user=False, rate_limit_vary_by_header="X-Tenant-Key")
    scoped = _scope(("Authorization", "Bearer abc"), ("X-Tenant-Key", "Blue"))
    scoped["roost.client_address"] = "192.0.2.7"
    assert by_header.general_key(scoped).startswith("api:a:192.0.2.7:h:")
