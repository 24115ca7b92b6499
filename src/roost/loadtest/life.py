"""A simulated user's life: log in until it works, connect, then act and idle until stopped."""

from __future__ import annotations

import asyncio
import time

from roost.loadtest import actions, model
from roost.loadtest.client import CallError
from roost.loadtest.socket import UserSocket
from roost.loadtest.user import SimUser


async def live(u: SimUser) -> None:
    rec = u.env.recorder
    periodic: asyncio.Task[None] | None = None
    try:
        while not await _start(u):
            rec.login(False, time.time())
            await asyncio.sleep(max(u.idle_s(), 0.5))
        rec.login(True, time.time())
        u.active = True
        u.env.active += 1
        periodic = asyncio.create_task(_periodic(u))
        names, weights = u.env.action_names, u.env.action_weights
        while True:
            name = u.rng.choices(names, weights)[0]
            await actions.run_action(u, name)
            await asyncio.sleep(u.idle_s())
    finally:
        if u.active:
            u.env.active -= 1
            u.active = False
        if periodic is not None:
            periodic.cancel()
        await u.shutdown()


async def _start(u: SimUser) -> bool:
    """Log in, load what a client loads, open the socket; False to try again later."""
    started = time.perf_counter()
    try:
        body, headers = await u.env.http.send(
            "Login",
            "POST",
            "/users/login",
            json={"login_id": u.username, "password": u.env.cfg.password},
        )
    except CallError:
        return False
    u.token = headers.get("Token", "")
    u.user_id = str((body or {}).get("id") or "") if isinstance(body, dict) else ""
    if not u.token or not u.user_id:
        return False
    u.known_users[u.user_id] = u.username
    try:
        await actions.initial_load(u, u.calls("Login"))
    except CallError:
        return False
    except Exception as exc:
        u.env.recorder.error(f"Login: {type(exc).__name__}: {exc}"[:200])
        return False
    if u.socket is not None:
        await u.socket.close()
    u.socket = UserSocket(
        u.env.session,
        u.env.cfg.url,
        u.token,
        u.env.recorder,
        u.env.cfg.request_timeout_s,
        u.on_event,
    )
    u.socket.reconnect_delay_s = max(0.05, u.scaled(1.0))
    if not await u.socket.connect():
        return False
    u.env.recorder.action("Login", "ok", (time.perf_counter() - started) * 1000, time.time())
    return True


async def _periodic(u: SimUser) -> None:
    """Statuses by ids and a client metrics report every minute (first at a random offset)."""
    period = u.scaled(model.PERIODIC_S)
    await asyncio.sleep(u.rng.uniform(0, period))
    while True:
        await actions.run_action(u, "Periodic:UserStatuses")
        await actions.run_action(u, "Periodic:ClientPerf")
        await asyncio.sleep(period)
