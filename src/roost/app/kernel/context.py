"""Who is acting: the caller of a use case, as the API authenticated them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Actor:
    tenant_id: str
    user_id: str
    roles: str
    session_id: str = ""
    # The caller's WebSocket connection, so its own events can be skipped where asked.
    connection_id: str = ""
    is_bot: bool = False
    username: str = ""

    @property
    def is_system_admin(self) -> bool:
        return "system_admin" in self.roles.split()

    @property
    def is_guest(self) -> bool:
        """A guest account (``system_guest``): only the channels they are added to."""
        return "system_guest" in self.roles.split()
