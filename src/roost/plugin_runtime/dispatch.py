"""Calls into running plugin instances: which of a tenant's instances implement a hook
(in order of plugin id), one call within its timeout, a before-hook through a run of
instances in one host in one call, and counting failures (the third within an hour
gives the instance up, which the runtime does).

Admission: calls into one instance go through its ``Limiter`` (at most
``ROOST_PLUGIN_CALL_CONCURRENCY`` in flight, more waiting only while they can be answered
within the timeout; hooks and the long calls, HTTP requests and commands, apart). A slow
or flooded plugin thus costs a fast refusal (``HookBusy``) instead of every post waiting
out the timeout behind an unbounded pile of calls; each tenant's instance has its own, so
one tenant's flood never delays another's. A chain of one host's plugins is admitted by
its first instance's limiter.

The index is per tenant: a hook of tenant A never reaches tenant B's instances, and a
tenant with no instance implementing a hook costs one dictionary lookup.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from roost import metrics
from roost.app.kernel.admission import Limiter
from roost.app.kernel.errors import AppError
from roost.config import PluginSettings
from roost.plugin.base import Rejected
from roost.plugin_runtime.hosts import Hosts
from roost.plugin_runtime.rpc import PeerClosed, RemoteError
from roost.plugin_runtime.state import (
    ChainOutcome,
    HookBusy,
    HookFailed,
    Running,
    describe_failure,
)

log = logging.getLogger("roost.plugin_runtime")

MAX_FAILURES = 3
FAILURE_WINDOW_SECONDS = 3600.0
AFTER_POST_HOOKS = (
    "message_has_been_posted",
    "message_has_been_updated",
    "message_has_been_deleted",
)

GiveUp = Callable[[Running, str], None]
_NONE: list[Running] = []  # never changed: what a tenant without the hook gets


class Dispatch:
    def __init__(
        self, settings: PluginSettings, hosts: Hosts, give_up: GiveUp, call_concurrency: int = 32
    ) -> None:
        s = settings
        self._timeout = s.plugin_hook_timeout_seconds
        self._long_timeout = s.plugin_http_timeout_seconds
        self._fail_closed = {e.strip() for e in s.plugin_fail_closed_hooks.split(",") if e.strip()}
        self._hosts = hosts
        self._give_up = give_up
        # tenant -> hook -> its instances implementing it, in order of plugin id
        self._by_tenant: dict[str, dict[str, list[Running]]] = {}
        # Tenants with an instance implementing an after-post hook (read on every post).
        self._watching: set[str] = set()
        self._failures: dict[str, deque[float]] = {}  # by instance
        self._call_concurrency = call_concurrency
        # an instance's key (+ "#long") -> its admission limiter
        self._limiters: dict[str, Limiter] = {}

    def index(self, tenant_id: str, running: Iterable[Running]) -> None:
        """A tenant's running instances changed: who implements what, in order of id."""
        by_hook: dict[str, list[Running]] = {}
        for plugin in sorted(running, key=lambda r: r.id):
            for hook in plugin.hooks:
                by_hook.setdefault(hook, []).append(plugin)
        if by_hook:
            self._by_tenant[tenant_id] = by_hook
        else:
            self._by_tenant.pop(tenant_id, None)
        if any(h in by_hook for h in AFTER_POST_HOOKS):
            self._watching.add(tenant_id)
        else:
            self._watching.discard(tenant_id)

    def implementing(self, tenant_id: str, hook: str) -> list[Running]:
        hooks = self._by_tenant.get(tenant_id)
        return hooks.get(hook, _NONE) if hooks is not None else _NONE

    def watches_posts(self, tenant_id: str) -> bool:
        """Some instance of the tenant hears of its posts after the fact."""
        return tenant_id in self._watching

    @property
    def watches_any(self) -> bool:
        return bool(self._watching)

    def forget(self, running: Running) -> None:
        """The instance stopped: its failures go with it (enabled again, it starts afresh)."""
        self._failures.pop(running.key, None)
        self._limiters.pop(running.key, None)
        self._limiters.pop(f"{running.key}#long", None)

    def limiter(self, running: Running, long: bool = False) -> Limiter:
        """The admission limiter of one instance's calls: hooks within the hook timeout,
        HTTP requests and commands (``long``) within theirs."""
        key = f"{running.key}#long" if long else running.key
        limiter = self._limiters.get(key)
        if limiter is None:
            budget = self._long_timeout if long else self._timeout
            limiter = Limiter("plugin_call", self._call_concurrency, budget, expected_seconds=0.01)
            self._limiters[key] = limiter
        return limiter

    async def _admit(self, running: Running, hook: str, long: bool = False) -> Limiter:
        limiter = self.limiter(running, long)
        try:
            await limiter.acquire(running.tenant_id)
        except AppError as busy:
            raise HookBusy(running.id, hook, busy) from None
        return limiter

    def fail_closed(self, plugin_id: str, hook: str) -> bool:
        return hook in self._fail_closed or f"{plugin_id}/{hook}" in self._fail_closed

    async def invoke(self, running: Running, hook: str, *args: Any, long: bool = False) -> Any:
        """Call one plugin's hook within the timeout (``long``: the one for HTTP requests
        and commands). ``Rejected`` passes through; any other failure is counted against
        the plugin and raised as ``HookFailed``."""
        seconds = self._long_timeout if long else self._timeout
        host = running.host
        if host is not None and not host.usable:
            # Its host is down or hung (another plugin's doing, perhaps): skipped, and
            # not counted against this plugin.
            raise HookFailed(running.id, hook)
        # A wait for a slot is bounded by the limiter (it starts only while it can still
        # finish within the timeout as measured); the call itself then gets the whole
        # timeout, so a plugin is never blamed for time it spent in our queue.
        limiter = await self._admit(running, hook, long)
        started = time.perf_counter()
        try:
            if running.instance is not None:
                async with asyncio.timeout(seconds):
                    return await getattr(running.instance, hook)(*args)
            assert host is not None
            body = {"instance": running.key, "hook": hook, "args": list(args)}
            return await host.call("hook", body, seconds)
        except Rejected:
            raise
        except RemoteError as exc:
            if exc.kind == "rejected":
                raise Rejected(exc.message) from None
            failure: BaseException = exc
        except TimeoutError as exc:
            failure = exc
            if host is not None:
                host.suspect = True
                self._hosts.died.set()  # hung or just slow? the health check finds out now
        except Exception as exc:
            failure = exc
        finally:
            limiter.observe(time.perf_counter() - started)
            limiter.release()
        self.failed(running, hook, failure)
        raise HookFailed(running.id, hook) from failure

    async def invoke_chain(
        self, group: list[Running], hook: str, value: Any, *extra: Any
    ) -> ChainOutcome:
        """A before-hook through consecutive instances of ONE host in one call: a chain of
        20 isolated plugins costs one round trip, not 20. The whole call has the hook
        timeout; each plugin in the host gets most of it. ``stopped`` names a plugin id."""
        host = group[0].host
        assert host is not None
        by_key = {r.key: r for r in group}
        closed = [r.key for r in group if self.fail_closed(r.id, hook)]
        if not host.usable:
            return ChainOutcome(value, stopped=by_key[closed[0]].id if closed else "")
        reached: dict[str, Any] = {"at": "", "value": value}
        body = {
            "instances": [r.key for r in group],
            "hook": hook,
            "args": [value, *extra],
            "closed": closed,
            "each_seconds": self._timeout * 0.8,
        }
        try:
            limiter = await self._admit(group[0], hook)
        except HookBusy as refused:
            # Nothing ran: fail-open plugins are skipped; a fail-closed one refuses.
            if closed:
                raise HookBusy(by_key[closed[0]].id, hook, refused.busy) from None
            return ChainOutcome(value)
        started = time.perf_counter()
        try:
            result = await host.call("chain", body, self._timeout, reached.update)
        except (TimeoutError, PeerClosed, RemoteError) as exc:
            if isinstance(exc, TimeoutError):
                host.suspect = True
                self._hosts.died.set()
            culprit = by_key.get(reached["at"])
            if culprit is not None:
                self.failed(culprit, hook, exc)
            # The plugins from the culprit on did not run: skipped, or refused if closed.
            start = group.index(culprit) if culprit is not None else 0
            left = [r.id for r in group[start:] if r.key in closed]
            return ChainOutcome(reached["value"], stopped=left[0] if left else "")
        finally:
            limiter.observe(time.perf_counter() - started)
            limiter.release()
        for instance, error in result.get("failed", []):
            if instance in by_key:
                self.failed(by_key[instance], hook, RemoteError("error", error))
        if "rejected" in result:
            return ChainOutcome(value, rejected=str(result["rejected"]))
        stopped = by_key.get(str(result.get("stopped", "")))
        return ChainOutcome(result.get("value", value), stopped=stopped.id if stopped else "")

    def failed(self, running: Running, hook: str, exc: BaseException) -> None:
        """Count a failure against the instance; the third within the hour gives it up
        (in that tenant only: the same plugin elsewhere has its own count)."""
        log.warning(
            "plugin %s failed in %s (tenant %s): %s",
            running.id,
            hook,
            running.tenant_id,
            describe_failure(exc),
        )
        # Labelled by plugin only: a label per tenant would grow without bound.
        metrics.plugin_failures.labels(running.id).inc()
        now = time.monotonic()
        times = self._failures.setdefault(running.key, deque())
        times.append(now)
        while times and times[0] < now - FAILURE_WINDOW_SECONDS:
            times.popleft()
        if len(times) >= MAX_FAILURES:
            times.clear()
            reason = f"failed {MAX_FAILURES} times within an hour; last: {describe_failure(exc)}"
            self._give_up(running, reason)
