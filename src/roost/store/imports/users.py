"""A person's row as the users table holds it, for writing in sets."""

from __future__ import annotations

from typing import Any

from roost.model.user import User
from roost.store.accounts.users import _user_values


def user_row(tenant_id: str, user: User) -> dict[str, Any]:
    return _user_values(tenant_id, user)
