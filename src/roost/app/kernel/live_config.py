"""Settings changed at run time (the config API), seen by every service at once.

Services hold the settings sections ``compose`` gives them (``settings.accounts``, ...)
and read a field at each use. ``install`` replaces each section in the ``Settings``
object by a ``LiveSection``: the same fields, each looked up first in the overrides of
the tenant in scope (``roost.tenancy.scope``: the request's, or the bus event's), then in
the deployment's, then in the value the node started with. Overrides only ever hold the
tagged settings the environment does not set (``roost.config.mattermost``), already
validated by the config service; a lookup is two dictionary reads.

Values a service copied when it was built (``live`` false in the tag) do not change
here: the node reads the stored deployment overrides before it builds its services
(``compose.stored_deployment_overrides``), so those apply at the next start.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from roost.config import SECTIONS, Settings
from roost.config.mattermost import config_keys
from roost.tenancy.scope import ALL_TENANTS, NoTenantScope, current_tenant


def _tenant_in_scope() -> str:
    try:
        return current_tenant()
    except NoTenantScope:
        return ""


class LiveConfig:
    """The node's overrides: the deployment's, and each tenant's, with their versions."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings
        # Set by the environment, the TOML file or the caller: these win, and the API
        # cannot change them.
        self.fixed = frozenset(settings.model_fields_set)
        self._deployment: dict[str, Any] = {}
        self._tenants: dict[str, dict[str, Any]] = {}
        self._versions: dict[str, int] = {}

    def value(self, name: str, default: Any) -> Any:
        tenant = _tenant_in_scope()
        if tenant and tenant != ALL_TENANTS:
            own = self._tenants.get(tenant)
            if own is not None and name in own:
                return own[name]
        if name in self._deployment:
            return self._deployment[name]
        return default

    def version(self, owner: str) -> int:
        """The applied version of ``owner``'s overrides ('' the deployment's)."""
        return self._versions.get(owner, 0)

    def apply(self, owner: str, values: dict[str, Any], version: int, force: bool = False) -> bool:
        """Take ``owner``'s overrides ('' the deployment's) unless an equal or newer
        version is already in force (events may arrive twice or late)."""
        if not force and version <= self._versions.get(owner, 0) and owner in self._versions:
            return False
        clean = {k: v for k, v in values.items() if k not in self.fixed}
        if owner:
            self._tenants[owner] = clean
        else:
            self._deployment = clean
        self._versions[owner] = version
        return True

    def overrides(self, owner: str) -> dict[str, Any]:
        return dict(self._tenants.get(owner, {}) if owner else self._deployment)

    def effective(self, tenant_id: str) -> dict[str, Any]:
        """Every tagged setting's value in force for ``tenant_id``."""
        own = self._tenants.get(tenant_id, {})
        values: dict[str, Any] = {}
        for key in config_keys():
            if key.field in own:
                values[key.field] = own[key.field]
            elif key.field in self._deployment:
                values[key.field] = self._deployment[key.field]
            else:
                values[key.field] = getattr(self.base, key.field)
        return values

    def config_hash(self, tenant_id: str) -> str:
        """A short digest of the configuration in force (secrets included, so a changed
        secret shows; only the digest leaves the node)."""
        text = json.dumps(self.effective(tenant_id), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class LiveSection:
    """Stands in for a frozen settings section: each field read through the overrides."""

    __slots__ = ("_base", "_live")

    def __init__(self, base: object, live: LiveConfig) -> None:
        self._base = base
        self._live = live

    def __getattr__(self, name: str) -> Any:
        return self._live.value(name, getattr(self._base, name))

    def __repr__(self) -> str:
        return f"Live({self._base!r})"


def install(settings: Settings) -> LiveConfig:
    """Make ``settings``' sections live (once per Settings object)."""
    sections = settings._sections
    for _, cls, _ in SECTIONS:
        current = sections[cls]
        if isinstance(current, LiveSection):
            return current._live
    live = LiveConfig(settings)
    for _, cls, _ in SECTIONS:
        sections[cls] = LiveSection(sections[cls], live)
    return live
