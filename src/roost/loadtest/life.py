"""A simulated user's life: log in until it works, connect, then act and idle until stopped."""

from __future__ import annotations

import asyncio
import time

from roost.loadtest import actions, metrics, model
from roost.loadtest.backoff import Backoff
from roost.loadtest.client import CallError, Refused, Timeout
from roost.loadtest.socket import UserSocket
from roost.loadtest.user import SimUser


async def live(u: SimUser) -> None:
    rec = u.env.recorder
    periodic: asyncio.Task[None] | None = None
    try:
        while (outcome := await _start(u)) != metrics.OK:
            rec.login(False, time.time(), outcome)
            await asyncio.sleep(u.backoff.next_delay(_asked(u)))
        u.backoff.reset()
        rec.login(True, time.time())
        u.active = True
        u.env.active += 1
        periodic = asyncio.create_task(_periodic(u))
        names, weights = u.env.action_names, u.env.action_weights
        while True:
            name = u.rng.choices(names, weights)[0]
            result = await actions.run_action(u, name)
            if result in _BACK_OFF:
                # Shed or timed out: wait as an app would before asking again.
                await asyncio.sleep(max(u.idle_s(), u.backoff.next_delay(_asked(u))))
                continue
            if result == metrics.OK:
                u.backoff.reset()
            await asyncio.sleep(u.idle_s())
    finally:
        if u.active:
            u.env.active -= 1
            u.active = False
        if periodic is not None:
            periodic.cancel()
        await u.shutdown()


# Action outcomes after which a user backs off instead of idling as usual.
_BACK_OFF = frozenset({metrics.REFUSED, metrics.TIMED_OUT})


def _asked(u: SimUser) -> float | None:
    """The server's last Retry-After, used once."""
    asked, u.retry_after = u.retry_after, None
    return asked


def _failure(u: SimUser, exc: CallError) -> str:
    if isinstance(exc, Refused):
        u.retry_after = exc.retry_after
        return metrics.REFUSED
    return metrics.TIMED_OUT if isinstance(exc, Timeout) else metrics.FAILED


async def _start(u: SimUser) -> str:
    """Log in, load what a client loads, open the socket: ok, or why not (refused,
    timeout, failed) to try again after a back-off."""
    started = time.perf_counter()
    try:
        body, headers = await u.env.http.send(
            "Login",
            "POST",
            "/users/login",
            json={"login_id": u.username, "password": u.env.cfg.password},
        )
    except CallError as exc:
        return _failure(u, exc)
    u.token = headers.get("Token", "")
    u.user_id = str((body or {}).get("id") or "") if isinstance(body, dict) else ""
    if not u.token or not u.user_id:
        return metrics.FAILED
    u.known_users[u.user_id] = u.username
    try:
        await actions.initial_load(u, u.calls("Login"))
    except CallError as exc:
        return _failure(u, exc)
    except Exception as exc:
        u.env.recorder.error(f"Login: {type(exc).__name__}: {exc}"[:200])
        return metrics.FAILED
    if u.socket is not None:
        await u.socket.close()
    u.socket = UserSocket(
        u.env.session,
        u.env.cfg.url,
        u.token,
        u.env.recorder,
        u.env.cfg.request_timeout_s,
        u.on_event,
        Backoff(u.rng, u.env.cfg.time_scale),
    )
    u.socket.reconnect_delay_s = max(0.05, u.scaled(1.0))
    if not await u.socket.connect():
        return metrics.FAILED
    u.env.recorder.action("Login", "ok", (time.perf_counter() - started) * 1000, time.time())
    return metrics.OK


async def _periodic(u: SimUser) -> None:
    """Statuses by ids and a client metrics report every minute (first at a random offset)."""
    period = u.scaled(model.PERIODIC_S)
    await asyncio.sleep(u.rng.uniform(0, period))
    while True:
        await actions.run_action(u, "Periodic:UserStatuses")
        await actions.run_action(u, "Periodic:ClientPerf")
        await asyncio.sleep(period)
