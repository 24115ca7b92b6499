"""How long Roost takes to sign someone in through OpenID Connect.

Setup: a fresh database, the real OpenID provider of the tests (npm oidc-provider on
loopback) and one `roost serve` process; this script is the browser. Each round is a
new person (a first sign-in: the account is created) or a returning one, through the
whole flow; only Roost's two answers are timed:

- start: ``GET /oauth/openid/login`` -> the redirect to the provider (state, PKCE,
  nonce written; the discovery document cached after the first);
- complete: ``GET /signup/openid/complete`` -> signed in, as the client sees it, and
  the server's own time without its two calls to the provider (code exchange, user
  info; keys cached), from the answer's ``Server-Timing`` (``roost;dur=``).

    .venv/bin/python -m bench.sso --backend postgres --rounds 100
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import describe, machine
from tests.sso import oidc_provider as idp
from tests.support.databases import database
from tests.support.server import running_server

SECRET = "bench-secret"


def _timed(client: httpx.Client, url: str | httpx.URL) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = client.get(url)
    return response, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    people = [f"p{n}" for n in range(args.rounds)]
    idp.ACCOUNTS.update({p: {"email": f"{p}@example.com", "preferred_username": p} for p in people})
    with tempfile.TemporaryDirectory(prefix="roost-bench-sso-") as tmp:
        data_dir = Path(tmp)
        with idp.oidc_provider(data_dir) as provider, database(args.backend, data_dir) as url:
            env = {
                "ROOST_OPENID_ENABLE": "true",
                "ROOST_OPENID_ID": "bench",
                "ROOST_OPENID_SECRET": SECRET,
                "ROOST_OPENID_DISCOVERY_ENDPOINT": provider.discovery,
            }
            with running_server(url, data_dir, env) as base:
                provider.register("bench", SECRET, [f"{base}/signup/openid/complete"])
                for label, who in (("first sign-in", people), ("returning", people)):
                    starts: list[float] = []
                    completes: list[float] = []
                    own: list[float] = []
                    for person in who:
                        with httpx.Client(base_url=base, timeout=30) as client:
                            first, start_ms = _timed(client, "/oauth/openid/login")
                            assert first.status_code == 302, first.text
                            callback = idp.provider_callback(client, "/oauth/openid/login", person)
                            done, complete_ms = _timed(client, callback)
                            assert done.status_code == 302, done.text
                            starts.append(start_ms)
                            completes.append(complete_ms)
                            timing = done.headers["server-timing"]
                            found = re.search(r"roost;dur=([0-9.]+)", timing)
                            assert found, timing
                            own.append(float(found.group(1)))
                    print(f"{label} ({len(who)}): start {describe(starts)}")
                    print(f"{label} ({len(who)}): complete {describe(completes)}")
                    print(
                        f"{label} ({len(who)}): complete, server without provider {describe(own)}"
                    )
    print(f"{args.backend}, {machine()}")


if __name__ == "__main__":
    main()
