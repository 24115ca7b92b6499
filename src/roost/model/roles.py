"""Role strings as Mattermost spells them on members."""

from __future__ import annotations


def member_roles(scope: str, scheme_user: bool, scheme_admin: bool, explicit: str) -> str:
    """``"team_user team_admin"``-style roles of a team or channel member."""
    parts = []
    if scheme_user:
        parts.append(f"{scope}_user")
    if scheme_admin:
        parts.append(f"{scope}_admin")
    if explicit:
        parts.append(explicit)
    return " ".join(parts)
