"""The configuration API: Mattermost's ``/config`` over Roost's settings.

What a tenant's admin (or the operator, for the deployment) changes is stored as
overrides, one row per owner (``store/admin/config_docs.py``), and applied to the node's
``LiveConfig`` (``app/kernel/live_config.py``) before the answer; other nodes hear of it
on the bus and read the row. Mechanism: ``docs/internals/config.md``.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from roost.app.accounts.permissions import Permissions
from roost.app.admin import errors
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.app.kernel.errors import AppError
from roost.app.kernel.live_config import LiveConfig
from roost.app.tenants.directory import TenantDirectory
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config import Settings
from roost.config.mattermost import (
    SECRET_MASK,
    TENANT,
    ConfigKey,
    environment_document,
    keys_by_field,
    keys_by_path,
    plain,
    scopes_document,
    to_document,
)
from roost.model import events as names
from roost.model.event import Broadcast, Event, internal_event
from roost.store.admin import config_docs
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger(__name__)

MANAGE_SYSTEM = "manage_system"
DEPLOYMENT = ""  # the owner of the deployment's overrides
# Concurrent changes retry their compare-and-swap; each retry re-reads the row, so only a
# storm of writers to one tenant's configuration could exhaust these.
CAS_ATTEMPTS = 16
# Mattermost's limit on the site name.
SITE_NAME_MAX = 30
OPEN_SIGNUP = "enable_open_server"


def _by_field(values: dict[str, Any]) -> dict[str, Any]:
    """Stored overrides (by Mattermost path) -> by Settings field; paths this version
    no longer has are dropped."""
    known = keys_by_path()
    out: dict[str, Any] = {}
    for path, value in values.items():
        group, _, name = path.partition(".")
        key = known.get((group, name))
        if key is not None:
            out[key.field] = value
    return out


def _by_path(values: dict[str, Any]) -> dict[str, Any]:
    keys = keys_by_field()
    return {keys[f].path: v for f, v in values.items() if f in keys}


def _coerce(key: ConfigKey, value: Any) -> Any:
    """A JSON value as the setting's type (as strict as Go's JSON decoding)."""
    if key.kind is bool and isinstance(value, bool):
        return value
    if not isinstance(value, bool):
        if key.kind is int:
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
        if key.kind is float and isinstance(value, int | float):
            return float(value)
        if key.kind is str and isinstance(value, str):
            return value
    raise errors.invalid_setting(key.path, f"expected a {key.kind.__name__}")


def _check_rules(values: dict[str, Any]) -> None:
    """Rules the settings' own validators do not hold (Mattermost's)."""
    site_url = values.get("site_url")
    if isinstance(site_url, str) and site_url:
        parsed = urllib.parse.urlsplit(site_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise errors.invalid_setting(
                "ServiceSettings.SiteURL", "must be a URL starting with http:// or https://"
            )
    site_name = values.get("site_name")
    if isinstance(site_name, str) and len(site_name) > SITE_NAME_MAX:
        raise errors.invalid_setting("TeamSettings.SiteName", f"at most {SITE_NAME_MAX} characters")


class ConfigAdmin:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        live: LiveConfig,
        permissions: Permissions,
        tenants: TenantDirectory,
        audit: AuditLog,
    ) -> None:
        self._db = db
        self._bus = bus
        self.live = live
        self._permissions = permissions
        self._tenants = tenants
        self._audit = audit
        # The client configuration of a tenant, for config_changed (set by compose: it
        # is the api layer's).
        self.client_config: Callable[[str], dict[str, str]] = lambda _tenant: {}
        self._tasks: set[asyncio.Task[None]] = set()

    # Loading and hearing of changes.

    async def load(self) -> None:
        """Every stored owner's overrides (a node starting)."""
        for row in await self._read_rows("*"):
            self.live.apply(row.tenant_id, _by_field(row.values), row.version)

    async def _read_rows(self, owner: str) -> list[config_docs.StoredConfig]:
        with across_tenants():
            async with self._db.read_on("", primary=True) as conn:
                if not await config_docs.table_exists(conn):
                    return []
                return await config_docs.all_rows(conn, owner)

    async def _reload(self, owner: str, force: bool = False) -> int:
        rows = await self._read_rows(owner)
        row = rows[0] if rows else None
        version = row.version if row is not None else 0
        values = _by_field(row.values) if row is not None else {}
        self.live.apply(owner, values, version, force=force)
        return version

    def on_event(self, event: Event) -> None:
        """Another node changed an owner's configuration: read it (the event carries no
        values, so no secret crosses the bus)."""
        if event.name == names.RESYNC:
            self._spawn(self.load())
        elif event.name == names.CONFIG_STORED:
            owner = str(event.data.get("owner", ""))
            if self.live.version(owner) < int(event.data.get("version", 0)):
                self._spawn(self._reload(owner))

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("reading the stored configuration failed: %r", task.exception())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    # Reads.

    def effective(self, owner: str) -> dict[str, Any]:
        values = self.live.effective(owner)
        if owner and owner != DEFAULT_TENANT_ID:
            # Other tenants' sign-up is the tenant directory's (the operator sets it too),
            # and so is their address (their domain).
            values[OPEN_SIGNUP] = self._tenants.open_signup(owner)
            values["site_url"] = self._tenants.site_url(owner)
        return values

    def document(self, owner: str) -> dict[str, Any]:
        return to_document(self.effective(owner))

    def config_hash(self, owner: str) -> str:
        return self.live.config_hash(owner)

    async def get(self, actor: Actor) -> dict[str, Any]:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        return self.document(actor.tenant_id)

    async def environment(self, actor: Actor) -> dict[str, Any]:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        return environment_document(self.live.fixed)

    async def scopes(self, actor: Actor) -> dict[str, Any]:
        """Which settings a tenant's admin may change, so the System Console shows the
        others read-only instead of letting a save fail."""
        await self._permissions.check(actor, MANAGE_SYSTEM)
        return scopes_document()

    # Changes.

    async def do_patch(self, actor: Actor, doc: Any, expected_hash: str = "") -> dict[str, Any]:
        """``PUT /config`` and ``PUT /config/patch``: the settings given that differ
        from those in force are changed, all or none. ``expected_hash`` (If-Match):
        refuse when the configuration changed since the caller read it."""
        await self._permissions.check(actor, MANAGE_SYSTEM)
        owner = actor.tenant_id
        if expected_hash and expected_hash != self.config_hash(owner):
            raise errors.config_changed_meanwhile()
        changes = self._changes(doc, owner, operator=False)
        await self._write(owner, changes, actor.user_id)
        if changes:
            self._audit.record(actor, "updateConfig", ",".join(sorted(_by_path(changes))))
        return self.document(owner)

    async def do_reload(self, actor: Actor) -> None:
        """``POST /config/reload``: read the stored configuration again, here and on
        every node."""
        await self._permissions.check(actor, MANAGE_SYSTEM)
        version = await self._reload(actor.tenant_id, force=True)
        await self._announce(actor.tenant_id, version)

    async def operator_patch(self, doc: Any) -> tuple[dict[str, Any], list[str]]:
        """The operator changes the deployment's settings (defaults for every tenant's
        tenant-scoped ones); also says which of the changed ones need a restart."""
        changes = self._changes(doc, DEPLOYMENT, operator=True)
        await self._write(DEPLOYMENT, changes, "")
        keys = keys_by_field()
        restart = sorted(keys[f].path for f in changes if not keys[f].live)
        return self.document(DEPLOYMENT), restart

    def _changes(self, doc: Any, owner: str, operator: bool) -> dict[str, Any]:
        """The settings ``doc`` changes, by field, type-checked; refused when a key is
        unknown, set by the environment, or (for a tenant's admin) deployment-wide."""
        if not isinstance(doc, dict):
            raise errors.invalid_config_body("not an object")
        current = self.effective(owner)
        known = keys_by_path()
        changes: dict[str, Any] = {}
        for group, section in doc.items():
            if not isinstance(section, dict):
                raise errors.invalid_config_body(f"{group} is not an object")
            for name, raw in section.items():
                key = known.get((group, name))
                if key is None:
                    raise errors.unknown_setting(f"{group}.{name}")
                if key.secret and raw == SECRET_MASK:
                    continue  # the masked value sent back: unchanged
                value = _coerce(key, raw)
                _check_rules({key.field: value})  # a bad value is a 400 whoever sends it
                now = plain(key, current[key.field])
                if value == now and type(value) is type(now):
                    continue
                # Another tenant's sign-up is its directory row, not the setting the
                # environment may fix for the default tenant.
                tenant_own = key.field == OPEN_SIGNUP and owner not in (
                    DEPLOYMENT,
                    DEFAULT_TENANT_ID,
                )
                if key.field in self.live.fixed and not tenant_own:
                    raise errors.set_by_environment(key.path, key.env_var)
                if not operator and key.scope != TENANT:
                    raise errors.deployment_wide(key.path)
                changes[key.field] = value
        return changes

    async def _write(self, owner: str, changes: dict[str, Any], by: str) -> None:
        if not changes:
            return
        changes = dict(changes)
        open_signup = None
        if owner not in (DEPLOYMENT, DEFAULT_TENANT_ID) and OPEN_SIGNUP in changes:
            open_signup = bool(changes.pop(OPEN_SIGNUP))
        for _ in range(CAS_ATTEMPTS):
            with across_tenants():
                async with self._db.write_on("") as conn:
                    row = await config_docs.get(conn, owner)
                    version = row.version if row is not None else 0
                    merged = {**(_by_field(row.values) if row is not None else {}), **changes}
                    if owner:
                        # A tenant's value equal to the deployment's is no choice of its
                        # own: it follows the deployment's from then on.
                        shared = self.live.effective(DEPLOYMENT)
                        merged = {f: v for f, v in merged.items() if shared.get(f) != v}
                    self._validate(owner, merged)
                    written = await config_docs.swap(
                        conn, owner, version, _by_path(merged), now_ms(), by
                    )
            if written:
                break
        else:
            raise errors.config_changed_meanwhile()
        self.live.apply(owner, merged, version + 1)
        if open_signup is not None:
            await self._tenants.do_set_open_signup(owner, open_signup)
        await self._announce(owner, version + 1)

    def _validate(self, owner: str, overrides: dict[str, Any]) -> None:
        """The whole configuration ``owner`` would have, through the settings' own
        validation and Mattermost's rules; raises (so nothing is written) when invalid."""
        base = self.live.base
        candidate = {
            key.field: getattr(base, key.field)
            for key in keys_by_field().values()
            if key.field not in self.live.fixed
        }
        candidate.update(self.live.overrides(DEPLOYMENT) if owner else overrides)
        if owner:
            candidate.update(overrides)
        _check_rules(candidate)
        try:
            Settings(**candidate)
        except ValidationError as exc:
            raise self._error_of(exc, overrides) from None

    @staticmethod
    def _error_of(exc: ValidationError, overrides: dict[str, Any]) -> AppError:
        keys = keys_by_field()
        for error in exc.errors():
            loc = error.get("loc") or ()
            field = str(loc[0]) if loc else ""
            if field in keys:
                return errors.invalid_setting(keys[field].path, str(error.get("msg", "")))
        # A rule across fields (a public link needs its salt): name a changed setting.
        path = next((keys[f].path for f in overrides if f in keys), "config")
        return errors.invalid_setting(path, str(exc.errors()[0].get("msg", "")))

    async def _announce(self, owner: str, version: int) -> None:
        """Every node reads the owner's row; the tenant's clients get the new client
        configuration (Mattermost's config_changed)."""
        events = [internal_event(owner, names.CONFIG_STORED, {"owner": owner, "version": version})]
        if owner:
            with tenant_scope(owner):
                config = self.client_config(owner)
            events.append(Event(owner, names.CONFIG_CHANGED, {"config": config}, Broadcast()))
        await self._bus.publish(events)


async def stored_deployment_values(db: Database) -> dict[str, Any]:
    """The deployment's stored overrides, by field (a node about to build its services:
    settings read only at start-up take them from here)."""
    with across_tenants():
        async with db.read_on("", primary=True) as conn:
            if not await config_docs.table_exists(conn):
                return {}
            row = await config_docs.get(conn, DEPLOYMENT)
    return _by_field(row.values) if row is not None else {}
