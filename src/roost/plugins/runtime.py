"""One node's running plugins: brought in line with the database on start and on every
``plugins_changed`` event (from any node), called by the hook adapters, and watched.

Trusted plugins (bundled, or marked trusted by an admin) run in this process; the others
run in the shared plugin host. A plugin that fails (an exception, a timeout, its host
dying) 3 times within an hour is stopped on this node until an admin enables or
configures it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Any

from roost import metrics
from roost.app.errors import AppError
from roost.app.plugins import PLUGINS_CHANGED
from roost.app.services import Services
from roost.ids import new_id
from roost.model.command import CommandCall, CommandResponse
from roost.model.event import RESYNC, Event
from roost.model.plugin import UPLOADED, InstalledPlugin
from roost.plugin.base import Rejected
from roost.plugin.manifest import ManifestError, check_settings
from roost.plugin.types import HttpRequest, HttpResponse
from roost.plugins import activation, loader
from roost.plugins.cluster_statuses import ClusterStatuses
from roost.plugins.commands import PluginCommands
from roost.plugins.dispatch import Dispatch
from roost.plugins.file_content import FileLoans
from roost.plugins.host_client import HostProcess
from roost.plugins.hosts import Hosts
from roost.plugins.server_api import API_METHODS, PLUGIN_CLUSTER_EVENT, ServerAPI
from roost.plugins.state import HookFailed, Running, State, Status, describe_failure, status_row
from roost.tenants import DEFAULT_TENANT_ID
from roost.tenants.scope import tenant_scope

log = logging.getLogger("roost.plugins")

LOAD_TIMEOUT_SECONDS = 10.0
RETRY_SECONDS = 5.0


class PluginRuntime:
    def __init__(self, services: Services) -> None:
        s = services.settings
        self._services = services
        self._tenant = DEFAULT_TENANT_ID
        self._folder = Path(s.data_dir) / "plugins"
        self._timeout = s.plugin_hook_timeout_seconds
        self._poll_seconds = s.plugin_health_check_seconds
        self.node_id = new_id()
        self.commands = PluginCommands(self._execute_command, self._tenant)
        self.files = FileLoans()
        self.hosts = Hosts(s.plugin_host_mode, self._serve_api, s.plugin_health_check_seconds)
        self.dispatch = Dispatch(s, self.hosts, self._gave_up)
        self.cluster = ClusterStatuses(
            services.bus, self._tenant, self.node_id, self.local_statuses
        )
        self._running: dict[str, Running] = {}
        self._apis: dict[str, ServerAPI] = {}
        self._isolated: set[str] = set()
        self._status: dict[str, Status] = {}
        self._failed_at: dict[str, int] = {}
        self._installed: list[InstalledPlugin] = []
        self._lock = asyncio.Lock()
        self._dirty = False
        self._reconciling: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._watching: asyncio.Task[None] | None = None
        self.loaded = asyncio.Event()
        self._started = 0.0

    # Life.

    def start(self) -> None:
        """Begin loading plugins in the background: readiness never waits for them."""
        self._services.bus.subscribe(self._on_event)
        self._services.bus.subscribe(self.cluster.on_event)
        self._started = time.monotonic()
        self.request_reconcile()
        # Its tasks (and the plugins' own, started from them) work for its tenant.
        with tenant_scope(self._tenant):
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
                await self._services.plugin_kv.sweep_expired(self._tenant)
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
            await asyncio.gather(*(self._stop(r) for r in list(self._running.values())))
        await self.hosts.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_event(self, event: Event) -> None:
        if event.name in (PLUGINS_CHANGED, RESYNC):
            self.request_reconcile()
        elif event.name == PLUGIN_CLUSTER_EVENT and event.data.get("origin") != self.node_id:
            running = self._running.get(str(event.data.get("plugin_id")))
            if running is not None and "on_plugin_cluster_event" in running.hooks:
                args = (str(event.data.get("event_id")), dict(event.data.get("data") or {}))
                self._spawn(self._quietly(running, "on_plugin_cluster_event", *args))

    async def _quietly(self, running: Running, hook: str, *args: Any) -> None:
        with contextlib.suppress(HookFailed, Rejected):
            await self.dispatch.invoke(running, hook, *args)

    # Bringing the running set in line with the database.

    def request_reconcile(self) -> None:
        self._dirty = True
        if self._reconciling is None or self._reconciling.done():
            with tenant_scope(self._tenant):
                self._reconciling = asyncio.create_task(self._reconcile_loop())

    async def _reconcile_loop(self) -> None:
        while self._dirty:
            self._dirty = False
            try:
                await self._reconcile()
            except Exception:
                log.exception("could not load plugin state; retrying in %.0f s", RETRY_SECONDS)
                await asyncio.sleep(RETRY_SECONDS)
                self._dirty = True
        if not self.loaded.is_set():
            metrics.plugins_load_seconds.set(time.monotonic() - self._started)
            self.loaded.set()

    async def _reconcile(self) -> None:
        installed = await self._services.plugins.installed(self._tenant)
        async with self._lock:
            self._installed = installed
            desired = {
                p.id: p for p in installed if p.enabled and self._failed_at.get(p.id) != p.update_at
            }
            for plugin_id, running in list(self._running.items()):
                want = desired.get(plugin_id)
                if (
                    want is None
                    or want.bundle_sha256 != running.record.bundle_sha256
                    or want.trusted != running.record.trusted
                ):
                    await self._stop(running)
            enabled = {p.id for p in installed if p.enabled}
            for plugin_id in list(self._status):
                if plugin_id not in enabled:
                    del self._status[plugin_id]
            starting = [p for pid, p in desired.items() if pid not in self._running]
            await asyncio.gather(*(self._start(p) for p in starting))
            for plugin_id, want in desired.items():
                current = self._running.get(plugin_id)
                if current is not None and want.settings != current.record.settings:
                    await self._configure(current, want)
            self._index()

    def _index(self) -> None:
        self.dispatch.index(self._running.values())
        metrics.plugins_running.set(len(self._running))

    async def _start(self, record: InstalledPlugin) -> None:
        plugin_id = record.id
        self._status[plugin_id] = Status(State.STARTING)
        running: Running | None = None
        try:
            manifest = self._services.plugins.manifest(record)
            folder = (
                await activation.unpack(self._services.plugins, self._tenant, self._folder, record)
                if record.source == UPLOADED
                else ""
            )
            try:
                settings = check_settings(manifest, record.settings)
            except ManifestError:
                settings = manifest.defaults()
            running = Running(
                record,
                manifest,
                in_process=record.trusted and not manifest.needs_isolation,
                folder=folder,
                key=f"{plugin_id}_{record.bundle_sha256[:16]}",
                settings=settings,
            )
            self._apis[plugin_id] = self._api(running)
            if not running.in_process:
                self._isolated.add(plugin_id)
            async with asyncio.timeout(LOAD_TIMEOUT_SECONDS):
                if running.in_process:
                    await activation.activate_here(running, self._apis[plugin_id])
                else:
                    running.host = await self.hosts.host_for(plugin_id)
                    hooks = await running.host.call(
                        "load",
                        activation.load_body(running, self._services.plugins.server_version),
                        None,
                    )
                    running.hooks = frozenset(hooks)
            self._running[plugin_id] = running
            self._status[plugin_id] = Status(State.RUNNING, path=folder)
        except Exception as exc:
            log.warning("plugin %s failed to start: %s", plugin_id, exc)
            self._apis.pop(plugin_id, None)
            self._isolated.discard(plugin_id)
            self.commands.unregister_all(plugin_id)
            if running is not None and running.host is not None:
                await self.hosts.release(plugin_id)
            self._status[plugin_id] = Status(State.FAILED_TO_START, describe_failure(exc))
            # Not retried until an admin changes it (enables it again, new settings).
            self._failed_at[plugin_id] = record.update_at

    def _api(self, running: Running) -> ServerAPI:
        return ServerAPI(
            self._services,
            self._tenant,
            running.id,
            self.commands,
            lambda: running.settings,
            self.node_id,
        )

    async def _stop(self, running: Running) -> None:
        plugin_id = running.id
        self._status[plugin_id] = Status(State.STOPPING)
        self._running.pop(plugin_id, None)
        self._index()
        self.commands.unregister_all(plugin_id)
        try:
            async with asyncio.timeout(self._timeout):
                if running.instance is not None:
                    await running.instance.on_deactivate()
                elif running.host is not None and running.host.alive:
                    await running.host.call("unload", {"plugin": plugin_id}, None)
        except Exception as exc:
            log.warning(
                "plugin %s did not deactivate cleanly: %s", plugin_id, describe_failure(exc)
            )
        if running.host is not None:
            await self.hosts.release(plugin_id)
        elif running.folder:
            loader.forget(running.key)
        self._apis.pop(plugin_id, None)
        self._isolated.discard(plugin_id)
        self._status.pop(plugin_id, None)

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
                    await running.instance.on_configuration_change()
                elif running.host is not None:
                    body = {"plugin": running.id, "settings": running.settings}
                    await running.host.call("configure", body, None)
        except Exception as exc:
            self.dispatch.failed(running, "on_configuration_change", exc)

    async def _reload_host(self, host: HostProcess) -> None:
        """A restarted host is empty: load its plugins again."""
        async with self._lock:
            for running in [r for r in self._running.values() if r.host is host]:
                try:
                    body = activation.load_body(running, self._services.plugins.server_version)
                    running.hooks = frozenset(await host.call("load", body, LOAD_TIMEOUT_SECONDS))
                except Exception as exc:
                    log.warning("plugin %s failed to restart: %s", running.id, exc)
                    self._running.pop(running.id, None)
                    self._apis.pop(running.id, None)
                    self._isolated.discard(running.id)
                    self.commands.unregister_all(running.id)
                    self._status[running.id] = Status(State.FAILED_TO_START, describe_failure(exc))
                    self._failed_at[running.id] = running.record.update_at
            self._index()

    # Calls into plugins.

    def _gave_up(self, running: Running, reason: str) -> None:
        if self._running.get(running.id) is running:
            self._spawn(self._give_up(running, reason))

    async def _give_up(self, running: Running, reason: str) -> None:
        log.error("plugin %s stopped on this node: %s", running.id, reason)
        async with self._lock:
            if self._running.get(running.id) is not running:
                return
            self._failed_at[running.id] = running.record.update_at
            await self._stop(running)
            self._status[running.id] = Status(State.FAILED_TO_STAY_RUNNING, reason)

    async def serve_http(
        self, tenant_id: str, plugin_id: str, request: HttpRequest
    ) -> HttpResponse | None:
        running = self._running.get(plugin_id) if tenant_id == self._tenant else None
        if running is None or "serve_http" not in running.hooks:
            return None
        try:
            response = await self.dispatch.invoke(running, "serve_http", request, long=True)
        except (HookFailed, Rejected):
            raise AppError(
                502, "app.plugin.serve_http.app_error", "The plugin failed to answer."
            ) from None
        if not isinstance(response, HttpResponse):
            raise AppError(502, "app.plugin.serve_http.app_error", "The plugin gave no response.")
        return response

    async def _execute_command(self, plugin_id: str, call: CommandCall) -> CommandResponse | None:
        running = self._running.get(plugin_id)
        if running is None or "execute_command" not in running.hooks:
            return None
        try:
            response = await self.dispatch.invoke(running, "execute_command", call, long=True)
        except (HookFailed, Rejected):
            raise AppError(
                500,
                "api.command.execute_command.failed.app_error",
                f"Command with a trigger of '/{call.trigger}' failed.",
            ) from None
        return response if isinstance(response, CommandResponse) else CommandResponse()

    async def _serve_api(self, op: str, body: dict[str, Any]) -> Any:
        """A plugin API call from a plugin in a host."""
        plugin_id = str(body.get("plugin"))
        if op == "file" and plugin_id in self._isolated:
            return await self.files.serve(plugin_id, body)
        api = self._apis.get(plugin_id)
        method = str(body.get("method"))
        # Only isolated plugins call from a host: none may act as a trusted one.
        if (
            op != "api"
            or api is None
            or plugin_id not in self._isolated
            or method not in API_METHODS
        ):
            raise ValueError(f"no such plugin API call: {method}")
        return await getattr(api, method)(*body.get("args", []), **body.get("kwargs", {}))

    # Reporting.

    async def statuses(self, tenant_id: str) -> list[dict[str, Any]]:
        """Every node's plugin states (plugins run for this runtime's tenant only)."""
        return await self.cluster.gather() if tenant_id == self._tenant else []

    def local_statuses(self) -> list[dict[str, Any]]:
        return [
            status_row(
                r, self._status.get(r.id, Status(State.NOT_RUNNING)), self._mode(r), self.node_id
            )
            for r in self._installed
        ]

    def _mode(self, record: InstalledPlugin) -> str:
        running = self._running.get(record.id)
        if running is not None:
            return "in_process" if running.in_process else "isolated"
        isolated = bool(record.manifest.get("needs_isolation")) or not record.trusted
        return "isolated" if isolated else "in_process"

    def is_running(self, plugin_id: str) -> bool:
        return plugin_id in self._running

    @property
    def tenant_id(self) -> str:
        return self._tenant
