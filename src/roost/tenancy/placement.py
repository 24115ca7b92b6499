"""Where each tenant's rows live and whether they may change now: the map the tenant
directory writes (app/tenants/directory.py, as it loads and hears of tenants) and the
database router reads on every transaction (store/db/database.py). One object that both
are handed by the composition root, so neither calls back into the other.

Only tenants away from the directory's own database, or read-only while they move, are
listed; every other tenant is ``AT_HOME``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HOME = ""  # the directory's own database


@dataclass(frozen=True, slots=True)
class Placement:
    database: str = HOME
    writable: bool = True


AT_HOME = Placement()


class Placements:
    def __init__(self) -> None:
        self._away: dict[str, Placement] = {}

    def of(self, tenant_id: str) -> Placement:
        """Memory only: asked by every transaction."""
        return self._away.get(tenant_id, AT_HOME)

    def read_only(self) -> list[str]:
        return [t for t, p in self._away.items() if not p.writable]

    def replace(self, placed: Iterable[tuple[str, Placement]]) -> None:
        """The whole map at once (a reload of the directory)."""
        self._away = {t: p for t, p in placed if p != AT_HOME}

    def set(self, tenant_id: str, placement: Placement | None) -> None:
        """One tenant's placement; None when the tenant is gone."""
        if placement is None or placement == AT_HOME:
            self._away.pop(tenant_id, None)
        else:
            self._away[tenant_id] = placement
