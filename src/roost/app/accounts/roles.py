"""Roles: each tenant's copy of Mattermost's built-in roles, read by the clients and by
the server's own permission checks (``permissions.py``).

A tenant's roles are made from the shipped defaults (``model/role_defaults.json``) the
first time any node needs them: an insert that skips names already there, so two nodes
doing it at once end with one set. Each node keeps every tenant's roles in memory; a
patch drops them on every node through the bus (``ROLES_CHANGED``) and tells the clients
(``role_updated``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from roost.app.accounts.errors import (
    invalid_role,
    role_name_not_found,
    role_not_found,
    role_permission_not_allowed,
)
from roost.app.kernel import errors
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.app.kernel.read_cache import ReadCache
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import is_valid_id, new_id
from roost.model.event import Broadcast, Event, internal_event
from roost.model.events import RESYNC, ROLE_UPDATED, ROLES_CHANGED
from roost.model.roles import (
    SCHEME_ROLES,
    SYSTEM_ROLES_NEEDING_MANAGE_SYSTEM,
    Role,
    RoleTable,
    catalogue,
    is_valid_role_name,
    split_roles,
    unknown_permissions,
)
from roost.store.accounts import roles as role_store
from roost.store.db.database import Database

# Mattermost's clients ask for at most 100 names at once (MAX_GET_ROLES_BY_NAMES).
MAX_NAMES = 100
TENANT_CACHE_SIZE = 10_000

MANAGE_SYSTEM = "manage_system"
WRITE_PERMISSIONS = "sysconsole_write_user_management_permissions"
WRITE_SYSTEM_ROLES = "sysconsole_write_user_management_system_roles"


def default_roles(now: int) -> list[Role]:
    """Fresh rows for every built-in role (new ids: ids are per tenant)."""
    return [
        Role(
            id=new_id(),
            name=d.name,
            display_name=d.display_name,
            description=d.description,
            permissions=list(d.permissions),
            scheme_managed=d.scheme_managed,
            built_in=d.built_in,
            create_at=now,
            update_at=now,
        )
        for d in catalogue().roles
    ]


class Roles:
    def __init__(self, db: Database, bus: Bus, audit: AuditLog | None = None) -> None:
        self._db = db
        self._bus = bus
        self._audit = audit or AuditLog(None)
        self._tables: ReadCache[str, RoleTable] = ReadCache(TENANT_CACHE_SIZE)
        # One load per tenant at a time on this node; other nodes are kept apart by the
        # unique role name.
        self._loading: dict[str, asyncio.Lock] = {}
        bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.name == RESYNC:
            self._tables.clear()
        elif event.name == ROLES_CHANGED:
            self._tables.forget(event.tenant_id)

    async def table(self, tenant_id: str) -> RoleTable:
        """The tenant's roles, from memory (a query only the first time, or after a patch)."""
        cached = self._tables.get(tenant_id)
        if cached is not None:
            return cached
        lock = self._loading.setdefault(tenant_id, asyncio.Lock())
        async with lock:
            cached = self._tables.get(tenant_id)
            if cached is not None:
                return cached
            token = self._tables.token()
            table = await self._load(tenant_id)
            self._tables.fill(token, [(tenant_id, table)])
        self._loading.pop(tenant_id, None)
        return table

    async def _load(self, tenant_id: str) -> RoleTable:
        # Never inside the caller's own transaction (SQLite has one writer at a time):
        # services that check inside a write transaction take the table before it.
        # The primary: a replica may not have the patch that sent every node here.
        async with self._db.read(primary=True) as conn:
            found = await role_store.list_roles(conn, tenant_id)
        have = {r.name for r in found}
        if all(d.name in have for d in catalogue().roles):
            return RoleTable.of(found)
        # A tenant that never needed its roles (new, or older than roles): make the
        # missing built-in ones. A node doing the same meanwhile wins by name.
        missing = [r for r in default_roles(now_ms()) if r.name not in have]
        async with self._db.write() as conn:
            await role_store.insert_missing(conn, tenant_id, missing)
            found = await role_store.list_roles(conn, tenant_id)
        return RoleTable.of(found)

    # Reads.

    async def list_all(self, actor: Actor) -> list[Role]:
        table = await self.table(actor.tenant_id)
        if not table.grants(split_roles(actor.roles), MANAGE_SYSTEM):
            raise errors.forbidden(f"userId={actor.user_id}, permission={MANAGE_SYSTEM}")
        return sorted(table.roles.values(), key=lambda r: r.name)

    async def get(self, actor: Actor, role_id: str) -> Role:
        if not is_valid_id(role_id):
            raise errors.invalid_url_param("role_id")
        role = (await self.table(actor.tenant_id)).by_id(role_id)
        if role is None:
            raise role_not_found()
        return role

    async def get_by_name(self, actor: Actor, name: str) -> Role:
        if not is_valid_role_name(name):
            raise errors.invalid_url_param("role_name")
        role = (await self.table(actor.tenant_id)).roles.get(name)
        if role is None:
            raise role_name_not_found()
        return role

    async def get_by_names(self, actor: Actor, names: Any) -> list[Role]:
        """The roles found among the names (unknown ones are left out, as Mattermost does)."""
        if not isinstance(names, list) or not names:
            raise errors.invalid_body_param("rolenames")
        if len(names) > MAX_NAMES:
            raise errors.invalid_body_param("rolenames", f"at most {MAX_NAMES} names")
        wanted: list[str] = []
        for name in names:
            if not isinstance(name, str):
                raise errors.invalid_body_param("rolename")
            if not name.strip():
                continue
            if not is_valid_role_name(name):
                raise errors.invalid_body_param("rolename")
            if name not in wanted:
                wanted.append(name)
        table = await self.table(actor.tenant_id)
        return [table.roles[n] for n in wanted if n in table.roles]

    # Changes.

    async def do_patch(self, actor: Actor, role_id: str, patch: Any) -> Role:
        """``{"permissions": [...]}``: the role's new permission list (absent: no change)."""
        if not is_valid_id(role_id):
            raise errors.invalid_url_param("role_id")
        if not isinstance(patch, dict):
            raise errors.invalid_body_param("role")
        permissions = patch.get("permissions")
        if permissions is not None and (
            not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions)
        ):
            raise errors.invalid_body_param("role")
        table = await self.table(actor.tenant_id)
        role = table.by_id(role_id)
        if role is None:
            raise role_not_found()
        self._check_may_patch(actor, table, role)
        if permissions is None:
            return role
        wanted = list(dict.fromkeys(permissions))
        changed = set(wanted) ^ set(role.permissions)
        refused = sorted(changed & catalogue().patch_not_allowed)
        if refused:
            raise role_permission_not_allowed(", ".join(refused))
        unknown = unknown_permissions(wanted)
        if unknown:
            raise invalid_role(f"unknown permissions: {', '.join(unknown[:10])}")
        if not changed:
            return role
        now = now_ms()
        async with self._db.write() as conn:
            current = await role_store.get_for_update(conn, actor.tenant_id, role_id)
            if current is None:
                raise role_not_found()
            await role_store.save_permissions(conn, actor.tenant_id, role_id, wanted, now)
        current.permissions = wanted
        current.update_at = now
        self._audit.record(actor, "patchRole", _change(current.name, role.permissions, wanted))
        payload = orjson.dumps(current.to_dict()).decode()
        self._tables.forget(actor.tenant_id)
        await self._bus.publish(
            [
                internal_event(actor.tenant_id, ROLES_CHANGED, {}),
                Event(actor.tenant_id, ROLE_UPDATED, {"role": payload}, Broadcast()),
            ]
        )
        return current

    @staticmethod
    def _check_may_patch(actor: Actor, table: RoleTable, role: Role) -> None:
        """Mattermost's rule: system admins in practice (api4 patchRole)."""
        held = split_roles(actor.roles)
        needed = [
            MANAGE_SYSTEM if role.name in SYSTEM_ROLES_NEEDING_MANAGE_SYSTEM else WRITE_PERMISSIONS,
            WRITE_PERMISSIONS if role.name in SCHEME_ROLES else WRITE_SYSTEM_ROLES,
        ]
        for permission in needed:
            if not table.grants(held, permission):
                raise errors.forbidden(f"userId={actor.user_id}, permission={permission}")


def _change(name: str, before: list[str], after: list[str]) -> str:
    """What a patch changed, for the audit log: a role's whole list is too long to keep."""
    added = " ".join(sorted(set(after) - set(before)))
    removed = " ".join(sorted(set(before) - set(after)))
    return f"role={name} added=[{added}] removed=[{removed}]"
