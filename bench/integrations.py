"""Integrations: incoming-webhook posts per second, and what an outgoing webhook adds.

Setup: one `roost serve` process on a fresh database (PostgreSQL by default) with a
crowd of users in one channel, and in this process (the load generator) an aiohttp
receiver on 127.0.0.1 that answers outgoing-webhook calls. Phases:
1. closed loop, N clients: POST /hooks/{id} (JSON text), then, for the ratio in the
   same run, POST /api/v4/posts by N crowd users;
2. one client posting in turn (--sequential posts each): a message no hook matches,
   then one whose first word triggers an outgoing webhook; for the second, the post
   request's latency and the time until the receiver has the call;
3. an HTTP app (an aiohttp app in this process) installed from its manifest, its bot
   subscribed to post_created in the channel: one client posting in turn, the post
   request's latency and the time until the app has the event (JWT-signed call
   through the delivery queue).

    .venv/bin/python -m bench.integrations --backend postgres --clients 20 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp import web

from bench.common import bench_server, describe, machine, run_clients
from bench.posts import post_in_a_loop

ADMIN = "benchadmin"
PASSWORD = "Bench-pass-1!"


def make_admin(database_url: str) -> None:
    env = {**os.environ, "ROOST_DATABASE_URL": database_url, "ROOST_PASSWORD_HASH_COST": "4"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "roost.cli",
            "user",
            "create",
            "--email",
            f"{ADMIN}@example.com",
            "--username",
            ADMIN,
            "--password",
            PASSWORD,
            "--system-admin",
        ],
        env=env,
        check=True,
        capture_output=True,
    )


async def admin_session(base: str, team_id: str, channel_id: str) -> dict[str, str]:
    async with aiohttp.ClientSession() as s:
        login = {"login_id": ADMIN, "password": PASSWORD}
        async with s.post(f"{base}/api/v4/users/login", json=login) as r:
            assert r.status == 200, await r.text()
            headers = {"Authorization": f"Bearer {r.headers['Token']}"}
            me = (await r.json())["id"]
        join = {"team_id": team_id, "user_id": me}
        async with s.post(
            f"{base}/api/v4/teams/{team_id}/members", json=join, headers=headers
        ) as r:
            assert r.status == 201, await r.text()
        body = {"user_id": me}
        async with s.post(
            f"{base}/api/v4/channels/{channel_id}/members", json=body, headers=headers
        ) as r:
            assert r.status == 201, await r.text()
    return headers


async def create(
    base: str, headers: dict[str, str], path: str, body: Mapping[str, object]
) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as s,
        s.post(f"{base}/api/v4{path}", json=body, headers=headers) as r,
    ):
        assert r.status == 201, await r.text()
        return dict(await r.json())


async def webhook_phase(base: str, hook_id: str, clients: int, seconds: float) -> None:
    async def client(
        session: aiohttp.ClientSession, _: str, stop: float, lat: list[float], err: list[int]
    ) -> None:
        n = 0
        while time.perf_counter() < stop:
            n += 1
            started = time.perf_counter()
            async with session.post(
                f"{base}/hooks/{hook_id}", json={"text": f"build {n} passed"}
            ) as r:
                await r.read()
                if r.status != 200:
                    err.append(r.status)
                    continue
            lat.append((time.perf_counter() - started) * 1000)

    result = await run_clients([str(i) for i in range(clients)], client, seconds)
    print(
        f"incoming-webhook posts: {len(result.latencies)} in {result.elapsed:.1f} s = "
        f"{result.rate:.0f}/s with {clients} clients, closed loop"
    )
    print(
        f"  latency: {describe(result.latencies)}; errors: {len(result.errors)} {sorted(set(result.errors))}"
    )


async def api_phase(base: str, tokens: list[str], channel_id: str, seconds: float) -> None:
    result = await run_clients(
        tokens,
        lambda session, token, stop, lat, err: post_in_a_loop(
            session, base, token, channel_id, stop, lat, err
        ),
        seconds,
    )
    print(f"API posts (same run, for the ratio): {result.rate:.0f}/s with {len(tokens)} clients")
    print(f"  latency: {describe(result.latencies)}")


async def outgoing_phase(
    base: str, token: str, channel_id: str, arrivals: dict[str, asyncio.Future[float]], posts: int
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as s:
        for label, prefix in (("no hook matches", "plain"), ("triggers a hook", "ping")):
            request_ms: list[float] = []
            called_ms: list[float] = []
            for n in range(posts):
                body = {"channel_id": channel_id, "message": f"{prefix} {n} some words"}
                started = time.perf_counter()
                async with s.post(f"{base}/api/v4/posts", json=body, headers=headers) as r:
                    post_id = (await r.json())["id"]
                request_ms.append((time.perf_counter() - started) * 1000)
                if prefix == "ping":
                    arrived = await asyncio.wait_for(arrival(arrivals, post_id), 10)
                    called_ms.append((arrived - started) * 1000)
            print(f"post that {label}: request {describe(request_ms)}")
            if called_ms:
                print(f"  post sent -> receiver has the call: {describe(called_ms)}")


def arrival(arrivals: dict[str, asyncio.Future[float]], post_id: str) -> asyncio.Future[float]:
    """When the receiver had the call for this post (whichever side asks first makes it)."""
    if post_id not in arrivals:
        arrivals[post_id] = asyncio.get_running_loop().create_future()
    return arrivals[post_id]


async def receiver(arrivals: dict[str, asyncio.Future[float]]) -> tuple[web.AppRunner, int]:
    async def called(request: web.Request) -> web.Response:
        form = await request.post()
        found = arrival(arrivals, str(form["post_id"]))
        if not found.done():
            found.set_result(time.perf_counter())
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", called)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, int(port)


async def outgoing(
    base: str, headers: dict[str, str], team_id: str, token: str, channel_id: str, posts: int
) -> None:
    arrivals: dict[str, asyncio.Future[float]] = {}
    runner, port = await receiver(arrivals)
    try:
        hook = {
            "team_id": team_id,
            "trigger_words": ["ping"],
            "callback_urls": [f"http://127.0.0.1:{port}/hook"],
        }
        await create(base, headers, "/hooks/outgoing", hook)
        await outgoing_phase(base, token, channel_id, arrivals, posts)
    finally:
        await runner.cleanup()


async def app_server(
    arrivals: dict[str, asyncio.Future[float]], tokens: list[str]
) -> tuple[web.AppRunner, int]:
    """A minimal HTTP app: manifest, install, bindings, and the post_created handler."""
    port_box: list[int] = []

    async def manifest(_: web.Request) -> web.Response:
        root = f"http://127.0.0.1:{port_box[0]}"
        return web.json_response(
            {
                "app_id": "benchapp",
                "display_name": "Bench",
                "http": {"root_url": root, "use_jwt": True},
                "on_install": {"path": "/installed"},
            }
        )

    async def installed(request: web.Request) -> web.Response:
        tokens.append((await request.json())["context"]["bot_access_token"])
        return web.json_response({"type": "ok"})

    async def bindings(_: web.Request) -> web.Response:
        return web.json_response({"type": "ok", "data": []})

    async def on_post(request: web.Request) -> web.Response:
        context = (await request.json())["context"]
        found = arrival(arrivals, str(context["post_id"]))
        if not found.done():
            found.set_result(time.perf_counter())
        return web.json_response({"type": "ok"})

    app = web.Application()
    app.router.add_get("/manifest.json", manifest)
    app.router.add_post("/installed", installed)
    app.router.add_post("/bindings", bindings)
    app.router.add_post("/on-post", on_post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port_box.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    return runner, port_box[0]


async def app_phase(
    base: str, headers: dict[str, str], team_id: str, token: str, channel_id: str, posts: int
) -> None:
    arrivals: dict[str, asyncio.Future[float]] = {}
    bot_tokens: list[str] = []
    runner, port = await app_server(arrivals, bot_tokens)
    try:
        body = {"manifest_url": f"http://127.0.0.1:{port}/manifest.json"}
        app = await create(base, headers, "/apps", body)
        bot = app["bot_user_id"]
        await create(
            base, headers, f"/teams/{team_id}/members", {"team_id": team_id, "user_id": bot}
        )
        await create(base, headers, f"/channels/{channel_id}/members", {"user_id": bot})
        as_bot = {"Authorization": f"Bearer {bot_tokens[0]}"}
        sub = {"subject": "post_created", "channel_id": channel_id, "call": {"path": "/on-post"}}
        async with (
            aiohttp.ClientSession() as s,
            s.post(
                f"{base}/plugins/com.mattermost.apps/api/v1/subscribe", json=sub, headers=as_bot
            ) as r,
        ):
            assert r.status == 200, await r.text()
        request_ms: list[float] = []
        called_ms: list[float] = []
        async with aiohttp.ClientSession() as s:
            for n in range(posts):
                message = {"channel_id": channel_id, "message": f"app {n} some words"}
                started = time.perf_counter()
                async with s.post(
                    f"{base}/api/v4/posts",
                    json=message,
                    headers={"Authorization": f"Bearer {token}"},
                ) as r:
                    post_id = (await r.json())["id"]
                request_ms.append((time.perf_counter() - started) * 1000)
                arrived = await asyncio.wait_for(arrival(arrivals, post_id), 10)
                called_ms.append((arrived - started) * 1000)
        print(f"post with an app subscribed (post_created): request {describe(request_ms)}")
        print(f"  post sent -> app has the event: {describe(called_ms)}")
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument(
        "--sequential", type=int, default=300, help="posts per outgoing-webhook phase"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}; backend: {args.backend}; one server process")
    env = {
        "ROOST_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",
        "ROOST_INCOMING_WEBHOOK_RATE_PER_SECOND": "1000000",
        "ROOST_INCOMING_WEBHOOK_BURST": "1000000",
    }
    with bench_server(args.backend, args.clients, env) as setup:
        crowd = setup.crowd
        make_admin(setup.database_url)
        headers = asyncio.run(admin_session(setup.base, crowd.team_id, crowd.channel_id))
        hook = asyncio.run(
            create(setup.base, headers, "/hooks/incoming", {"channel_id": crowd.channel_id})
        )
        asyncio.run(webhook_phase(setup.base, hook["id"], args.clients, args.seconds))
        asyncio.run(api_phase(setup.base, crowd.tokens, crowd.channel_id, args.seconds))
        asyncio.run(
            outgoing(
                setup.base,
                headers,
                crowd.team_id,
                crowd.tokens[0],
                crowd.channel_id,
                args.sequential,
            )
        )
        asyncio.run(
            app_phase(
                setup.base,
                headers,
                crowd.team_id,
                crowd.tokens[0],
                crowd.channel_id,
                args.sequential,
            )
        )


if __name__ == "__main__":
    main()
