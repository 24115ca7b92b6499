"""One node's running plugin instances, for every tenant: brought in line with the
database on start and on every ``plugins_changed`` event (from any node), called by the
hook adapters, and watched.

An instance is one plugin enabled in one tenant, with that tenant's settings; tenants
that enable the same plugin each get their own, and a tenant that enables none costs
nothing here (no instance, no task, no entry). Trusted instances run in this process;
the others run in the ONE shared plugin host of the node, whatever their tenant. An
instance that fails (an exception, a timeout, its host dying) 3 times within an hour is
stopped on this node until an admin of its tenant enables or configures it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from roost import metrics
from roost.app.integrations.errors import command_failed
from roost.app.kernel.errors import AppError
from roost.app.plugins.errors import plugin_failed_to_answer, plugin_no_response
from roost.app.services import Services
from roost.ids import new_id
from roost.model.command import CommandCall, CommandResponse
from roost.model.event import Event
from roost.model.events import PLUGIN_CLUSTER_EVENT, PLUGINS_CHANGED, RESYNC, TENANTS_CHANGED
from roost.model.plugin import UPLOADED, InstalledPlugin
from roost.model.tenant import DELETING
from roost.plugin.base import Rejected
from roost.plugin.manifest import ManifestError, check_settings
from roost.plugin.types import HttpRequest, HttpResponse
from roost.plugin_runtime import activation, loader
from roost.plugin_runtime.cluster_statuses import ClusterStatuses, States
from roost.plugin_runtime.commands import PluginCommands
from roost.plugin_runtime.dispatch import Dispatch
from roost.plugin_runtime.file_content import FileLoans
from roost.plugin_runtime.host_client import HostProcess
from roost.plugin_runtime.hosts import Hosts
from roost.plugin_runtime.server_api import API_METHODS, ServerAPI
from roost.plugin_runtime.state import (
    HookBusy,
    HookFailed,
    Running,
    State,
    Status,
    describe_failure,
    expected_mode,
    instance_key,
    status_row,
)
from roost.store.db.errors import is_unavailable
from roost.tenancy.scope import tenant_scope

log = logging.getLogger("roost.plugin_runtime")

LOAD_TIMEOUT_SECONDS = 10.0
RETRY_SECONDS = 5.0
# Instances starting at once (a node starting with many tenants' plugins enabled).
LOAD_CONCURRENCY = 16


def _mode(running: Running) -> str:
    return "in_process" if running.in_process else "isolated"


class PluginRuntime:
    def __init__(self, services: Services) -> None:
        s = services.settings.plugins
        self._services = services
        self._folder = Path(services.settings.database.data_dir) / "plugins"
        self._timeout = s.plugin_hook_timeout_seconds
        self._poll_seconds = s.plugin_health_check_seconds
        self.node_id = new_id()
        self.commands = PluginCommands(self._execute_command, self.serve_http)
        self.files = FileLoans()
        self.hosts = Hosts(
            s.plugin_host_mode, self._serve_api, s.plugin_health_check_seconds, s.plugin_host_user
        )
        self.dispatch = Dispatch(
            s,
            self.hosts,
            self._gave_up,
            services.settings.admission.plugin_call_concurrency,
        )
        self.cluster = ClusterStatuses(services.bus, self.node_id, self.local_states)
        # tenant -> plugin id -> its running instance; a tenant with none has no entry.
        self._running: dict[str, dict[str, Running]] = {}
        self._count = 0
        # instance key -> the plugin API of an isolated instance (the host's calls name it)
        self._apis: dict[str, ServerAPI] = {}
        # tenant -> plugin id -> state, for the instances this node started (or failed to)
        self._status: dict[str, dict[str, Status]] = {}
        # tenant -> plugin id -> the plugin row's update_at when its instance failed: not
        # retried until an admin of the tenant changes the row
        self._failed_at: dict[str, dict[str, int]] = {}
        self._lock = asyncio.Lock()
        self._dirty_all = False
        self._dirty: set[str] = set()
        self._reconciling: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._watching: asyncio.Task[None] | None = None
        self.loaded = asyncio.Event()
        self._started = 0.0

    # Life.

    def start(self) -> None:
        """Begin loading every tenant's enabled plugins in the background: readiness
        never waits for them."""
        self._services.bus.subscribe(self._on_event)
        self._services.bus.subscribe(self.cluster.on_event)
        self._started = time.monotonic()
        self.request_reconcile()
        self._watching = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        """The hosts' health check, and a periodic re-read of plugin state (which heals a
        missed event and picks up changes made by ``roost plugin`` without Redis)."""
        polling = asyncio.create_task(self._poll())
        try:
            await self.cluster.announce()
        except Exception as exc:  # Redis away: the others learn of this node when it asks
            log.warning("could not announce this node's plugins: %s", exc)
        try:
            await self.hosts.watch(self._reload_host)
        finally:
            polling.cancel()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            self.request_reconcile()
            try:
                await self._services.plugin_kv.sweep_expired_everywhere()
            except Exception as exc:  # the database may be away; next time, then
                log.warning("could not sweep expired plugin keys: %s", exc)

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching
        if self._reconciling is not None:
            self._reconciling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconciling
        async with self._lock:
            await asyncio.gather(*(self._stop(r) for r in self._every_instance()))
        await self.hosts.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_event(self, event: Event) -> None:
        if event.name == PLUGINS_CHANGED:
            self.request_reconcile(event.tenant_id)
        elif event.name == TENANTS_CHANGED and event.data.get("tenant_id"):
            self._spawn(self._tenant_changed(str(event.data["tenant_id"])))
        elif event.name == RESYNC:
            self.request_reconcile()
        elif event.name == PLUGIN_CLUSTER_EVENT and event.data.get("origin") != self.node_id:
            running = self._get(event.tenant_id, str(event.data.get("plugin_id")))
            if running is not None and "on_plugin_cluster_event" in running.hooks:
                args = (str(event.data.get("event_id")), dict(event.data.get("data") or {}))
                self._spawn(self._quietly(running, "on_plugin_cluster_event", *args))

    async def _tenant_changed(self, tenant_id: str) -> None:
        """Being deleted, or gone: its instances stop. The directory is re-read first
        (its own reload of the same event may not have happened yet)."""
        try:
            await self._services.tenants.reload_one(tenant_id)
        except Exception as exc:  # the database may be away: the periodic re-read heals
            log.warning("could not re-read tenant %s: %s", tenant_id, exc)
        self.request_reconcile(tenant_id)

    async def _quietly(self, running: Running, hook: str, *args: Any) -> None:
        with contextlib.suppress(HookFailed, Rejected):
            await self.dispatch.invoke(running, hook, *args)

    # The instances, by tenant.

    def _get(self, tenant_id: str, plugin_id: str) -> Running | None:
        plugins = self._running.get(tenant_id)
        return plugins.get(plugin_id) if plugins is not None else None

    def _every_instance(self) -> list[Running]:
        return [r for plugins in self._running.values() for r in plugins.values()]

    def _index(self, tenant_id: str) -> None:
        self.dispatch.index(tenant_id, self._running.get(tenant_id, {}).values())
        metrics.plugins_running.set(self._count)

    def _set_status(self, tenant_id: str, plugin_id: str, status: Status) -> None:
        self._status.setdefault(tenant_id, {})[plugin_id] = status

    def _drop_status(self, tenant_id: str, plugin_id: str) -> None:
        statuses = self._status.get(tenant_id)
        if statuses is not None:
            statuses.pop(plugin_id, None)
            if not statuses:
                del self._status[tenant_id]

    # Bringing the running set in line with the database.

    def request_reconcile(self, tenant_id: str | None = None) -> None:
        """Re-read one tenant's plugins (a change there), or every tenant's (None)."""
        if tenant_id is None:
            self._dirty_all = True
        else:
            self._dirty.add(tenant_id)
        if self._reconciling is None or self._reconciling.done():
            self._reconciling = asyncio.create_task(self._reconcile_loop())

    async def settle(self, tenant_id: str, wait_seconds: float) -> None:
        """Re-read the tenant's plugins and wait (at most ``wait_seconds``) until this node
        has acted on them: an admin's disable or remove returns once the plugin has
        stopped here (other nodes follow as they hear of it through the bus)."""
        self.request_reconcile(tenant_id)
        if self._reconciling is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._reconciling), wait_seconds)

    async def _reconcile_loop(self) -> None:
        while self._dirty_all or self._dirty:
            everything, tenants = self._dirty_all, self._dirty
            self._dirty_all, self._dirty = False, set()
            try:
                await self._reconcile(None if everything else tenants)
            except Exception as exc:
                if is_unavailable(exc):  # the database is away or busy: it passes
                    log.warning(
                        "plugin state: database unavailable (%s); retrying in %.0f s",
                        exc,
                        RETRY_SECONDS,
                    )
                else:
                    log.exception("could not load plugin state; retrying in %.0f s", RETRY_SECONDS)
                await asyncio.sleep(RETRY_SECONDS)
                self._dirty_all = self._dirty_all or everything
                self._dirty |= tenants
        if not self.loaded.is_set():
            metrics.plugins_load_seconds.set(time.monotonic() - self._started)
            self.loaded.set()

    async def _reconcile(self, tenants: set[str] | None) -> None:
        plugins = self._services.plugins
        if tenants is None:
            # Every tenant's enabled plugins in one query; tenants this node runs
            # instances for are looked at too (to stop what is no longer wanted).
            wanted = await plugins.enabled_everywhere()
            tenants = set(wanted) | set(self._running) | set(self._status)
        else:
            wanted = {}
            for tenant_id in tenants:
                with tenant_scope(tenant_id):
                    wanted[tenant_id] = await plugins.enabled(tenant_id)
        async with self._lock:
            stops: list[Running] = []
            starts: list[tuple[str, InstalledPlugin]] = []
            changes: list[tuple[Running, InstalledPlugin]] = []
            for tenant_id in tenants:
                records = wanted.get(tenant_id, []) if self._serves(tenant_id) else []
                self._plan(tenant_id, records, stops, starts, changes)
            await asyncio.gather(*(self._stop(r) for r in stops))
            gate = asyncio.Semaphore(LOAD_CONCURRENCY)

            async def start(tenant_id: str, record: InstalledPlugin) -> None:
                async with gate:
                    await self._start(tenant_id, record)

            await asyncio.gather(*(start(t, r) for t, r in starts))
            await asyncio.gather(*(self._configure(r, record) for r, record in changes))
            for tenant_id in {t for t, _ in starts}:
                self._index(tenant_id)

    def _serves(self, tenant_id: str) -> bool:
        """Plugins run for every tenant but one being deleted (its data is going)."""
        try:
            return self._services.tenants.get(tenant_id).state != DELETING
        except AppError:  # not in this node's directory yet: its rows decide
            return True

    def _plan(
        self,
        tenant_id: str,
        records: Iterable[InstalledPlugin],
        stops: list[Running],
        starts: list[tuple[str, InstalledPlugin]],
        changes: list[tuple[Running, InstalledPlugin]],
    ) -> None:
        """What one tenant's instances need: stopped (disabled, or a new bundle or trust),
        started (enabled, and not failed at this very row), or given new settings."""
        enabled = {p.id: p for p in records}
        for plugin_id in [p for p in self._status.get(tenant_id, {}) if p not in enabled]:
            self._drop_status(tenant_id, plugin_id)
        failures = self._failed_at.pop(tenant_id, {})
        if kept := {p: at for p, at in failures.items() if p in enabled}:
            self._failed_at[tenant_id] = kept
        current = self._running.get(tenant_id, {})
        for plugin_id, record in enabled.items():
            running = current.get(plugin_id)
            failed = kept.get(plugin_id) == record.update_at
            if running is not None and (
                failed
                or record.bundle_sha256 != running.record.bundle_sha256
                or record.trusted != running.record.trusted
            ):
                stops.append(running)
                running = None
            if running is None and not failed:
                starts.append((tenant_id, record))
            elif running is not None and record.settings != running.record.settings:
                changes.append((running, record))
        stops += [r for plugin_id, r in current.items() if plugin_id not in enabled]

    def _mark_failed(self, tenant_id: str, record: InstalledPlugin) -> None:
        """Not started again until an admin of the tenant changes the plugin's row
        (enables it again, saves settings)."""
        self._failed_at.setdefault(tenant_id, {})[record.id] = record.update_at

    async def _start(self, tenant_id: str, record: InstalledPlugin) -> None:
        # The instance's on_activate (and any task it starts) works for its tenant.
        with tenant_scope(tenant_id):
            await self._start_in_tenant(tenant_id, record)

    async def _start_in_tenant(self, tenant_id: str, record: InstalledPlugin) -> None:
        plugin_id = record.id
        key = instance_key(tenant_id, plugin_id)
        self._set_status(tenant_id, plugin_id, Status(State.STARTING, mode=expected_mode(record)))
        running: Running | None = None
        try:
            manifest = self._services.plugins.manifest(record)
            folder = (
                await activation.unpack(self._services.plugins, tenant_id, self._folder, record)
                if record.source == UPLOADED
                else ""
            )
            try:
                settings = check_settings(manifest, record.settings)
            except ManifestError:
                settings = manifest.defaults()
            running = Running(
                tenant_id,
                record,
                manifest,
                in_process=record.trusted and not manifest.needs_isolation,
                folder=folder,
                module_key=f"{plugin_id}_{record.bundle_sha256[:16]}",
                settings=settings,
            )
            api = self._api(running)
            async with asyncio.timeout(LOAD_TIMEOUT_SECONDS):
                if running.in_process:
                    await activation.activate_here(running, api)
                else:
                    self._apis[key] = api
                    running.host = await self.hosts.host_for(key)
                    hooks = await running.host.call(
                        "load",
                        activation.load_body(running, self._services.plugins.server_version),
                        None,
                    )
                    running.hooks = frozenset(hooks)
            self._running.setdefault(tenant_id, {})[plugin_id] = running
            self._count += 1
            self._set_status(
                tenant_id, plugin_id, Status(State.RUNNING, path=folder, mode=_mode(running))
            )
        except Exception as exc:
            log.warning("plugin %s failed to start (tenant %s): %s", plugin_id, tenant_id, exc)
            self._apis.pop(key, None)
            self.commands.unregister_all(tenant_id, plugin_id)
            if running is not None and running.host is not None:
                await self.hosts.release(key)
            failure = Status(
                State.FAILED_TO_START, describe_failure(exc), mode=expected_mode(record)
            )
            self._set_status(tenant_id, plugin_id, failure)
            self._mark_failed(tenant_id, record)

    def _api(self, running: Running) -> ServerAPI:
        return ServerAPI(
            self._services,
            running.tenant_id,
            running.id,
            self.commands,
            lambda: running.settings,
            self.node_id,
        )

    async def _stop(self, running: Running) -> None:
        tenant_id, plugin_id, key = running.tenant_id, running.id, running.key
        self._set_status(tenant_id, plugin_id, Status(State.STOPPING, mode=_mode(running)))
        plugins = self._running.get(tenant_id, {})
        if plugins.get(plugin_id) is running:
            del plugins[plugin_id]
            self._count -= 1
            if not plugins:
                self._running.pop(tenant_id, None)
        self._index(tenant_id)
        self.commands.unregister_all(tenant_id, plugin_id)
        try:
            async with asyncio.timeout(self._timeout):
                if running.instance is not None:
                    with tenant_scope(tenant_id):
                        await running.instance.on_deactivate()
                elif running.host is not None and running.host.alive:
                    await running.host.call("unload", {"instance": key}, None)
        except Exception as exc:
            log.warning(
                "plugin %s did not deactivate cleanly (tenant %s): %s",
                plugin_id,
                tenant_id,
                describe_failure(exc),
            )
        if running.host is not None:
            await self.hosts.release(key)
        elif running.folder:
            loader.forget(running.module_key)
        self._apis.pop(key, None)
        self.dispatch.forget(running)
        self._drop_status(tenant_id, plugin_id)

    async def _configure(self, running: Running, record: InstalledPlugin) -> None:
        try:
            running.settings = check_settings(running.manifest, record.settings)
        except ManifestError:
            running.settings = running.manifest.defaults()
        running.record = record
        try:
            async with asyncio.timeout(self._timeout):
                if running.instance is not None:
                    running.instance.settings = dict(running.settings)
                    with tenant_scope(running.tenant_id):
                        await running.instance.on_configuration_change()
                elif running.host is not None:
                    body = {"instance": running.key, "settings": running.settings}
                    await running.host.call("configure", body, None)
        except Exception as exc:
            self.dispatch.failed(running, "on_configuration_change", exc)

    async def _reload_host(self, host: HostProcess) -> None:
        """A restarted host is empty: load its instances again."""
        async with self._lock:
            tenants: set[str] = set()
            for running in [r for r in self._every_instance() if r.host is host]:
                try:
                    body = activation.load_body(running, self._services.plugins.server_version)
                    running.hooks = frozenset(await host.call("load", body, LOAD_TIMEOUT_SECONDS))
                except Exception as exc:
                    tenant_id, plugin_id = running.tenant_id, running.id
                    log.warning(
                        "plugin %s failed to restart (tenant %s): %s", plugin_id, tenant_id, exc
                    )
                    plugins = self._running.get(tenant_id, {})
                    if plugins.pop(plugin_id, None) is not None:
                        self._count -= 1
                    if not plugins:
                        self._running.pop(tenant_id, None)
                    self._apis.pop(running.key, None)
                    self.commands.unregister_all(tenant_id, plugin_id)
                    failure = Status(State.FAILED_TO_START, describe_failure(exc), mode="isolated")
                    self._set_status(tenant_id, plugin_id, failure)
                    self._mark_failed(running.tenant_id, running.record)
                tenants.add(running.tenant_id)
            for tenant_id in tenants:
                self._index(tenant_id)

    # Calls into plugins.

    def _gave_up(self, running: Running, reason: str) -> None:
        if self._get(running.tenant_id, running.id) is running:
            self._spawn(self._give_up(running, reason))

    async def _give_up(self, running: Running, reason: str) -> None:
        log.error(
            "plugin %s stopped on this node (tenant %s): %s", running.id, running.tenant_id, reason
        )
        async with self._lock:
            if self._get(running.tenant_id, running.id) is not running:
                return
            self._mark_failed(running.tenant_id, running.record)
            await self._stop(running)
            failure = Status(State.FAILED_TO_STAY_RUNNING, reason, mode=_mode(running))
            self._set_status(running.tenant_id, running.id, failure)

    async def serve_http(
        self, tenant_id: str, plugin_id: str, request: HttpRequest
    ) -> HttpResponse | None:
        """The tenant's instance answers; None when the tenant runs no such plugin."""
        running = self._get(tenant_id, plugin_id)
        if running is None or "serve_http" not in running.hooks:
            return None
        try:
            response = await self.dispatch.invoke(running, "serve_http", request, long=True)
        except HookBusy as refused:
            raise refused.busy from None
        except (HookFailed, Rejected):
            raise plugin_failed_to_answer() from None
        if not isinstance(response, HttpResponse):
            raise plugin_no_response()
        return response

    async def _execute_command(
        self, tenant_id: str, plugin_id: str, call: CommandCall
    ) -> CommandResponse | None:
        running = self._get(tenant_id, plugin_id)
        if running is None or "execute_command" not in running.hooks:
            return None
        try:
            response = await self.dispatch.invoke(running, "execute_command", call, long=True)
        except HookBusy as refused:
            raise refused.busy from None
        except (HookFailed, Rejected):
            raise command_failed(call.trigger) from None
        return response if isinstance(response, CommandResponse) else CommandResponse()

    async def _serve_api(self, op: str, body: dict[str, Any]) -> Any:
        """A plugin API call from an instance in a host (the API acts in its tenant)."""
        instance = str(body.get("instance"))
        api = self._apis.get(instance)
        if op == "file" and api is not None:
            return await self.files.serve(instance, body)
        method = str(body.get("method"))
        # Only isolated instances call from a host: none may act as a trusted one.
        if op != "api" or api is None or method not in API_METHODS:
            raise ValueError(f"no such plugin API call: {method}")
        return await getattr(api, method)(*body.get("args", []), **body.get("kwargs", {}))

    # Reporting.

    async def statuses(self, tenant_id: str) -> list[dict[str, Any]]:
        """Every node's states of the tenant's plugins: a row per installed plugin per
        node (this node's first), as /plugins/statuses reports them."""
        installed = await self._services.plugins.installed(tenant_id)
        rows: list[dict[str, Any]] = []
        for node_id, states in await self.cluster.gather(tenant_id):
            rows += [status_row(p, states.get(p.id, {}), node_id) for p in installed]
        return rows

    def local_states(self, tenant_id: str) -> States:
        """This node's states of the tenant's instances (none: not running here)."""
        statuses = self._status.get(tenant_id)
        return {p: s.to_dict() for p, s in statuses.items()} if statuses else {}

    @property
    def instance_count(self) -> int:
        return self._count
