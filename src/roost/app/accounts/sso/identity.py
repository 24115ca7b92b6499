"""Who a provider says the user is: its claims (or GitLab's user JSON) mapped to a
Roost user's fields, as Mattermost maps them. Pure functions, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from roost.app.accounts.sso.errors import identity_unreadable
from roost.app.kernel import validation

AUTH_DATA_MAX = 128
_NOT_USERNAME = re.compile(r"[^a-z0-9.\-_]+")


@dataclass(frozen=True, slots=True)
class Identity:
    auth_data: str  # the provider's stable id for the user (Mattermost's AuthData)
    email: str
    username: str
    first_name: str = ""
    last_name: str = ""
    nickname: str = ""
    position: str = ""


def _text(claims: dict[str, Any], *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _name_field(value: str, limit: int = validation.NAME_FIELD_MAX) -> str:
    cleaned = "".join(ch for ch in value if ch.isprintable())
    return cleaned[:limit]


def clean_username(wanted: str) -> str:
    """A valid Roost username from what the provider calls the user (Mattermost's
    CleanUsername: lowercase, other characters become '-', a letter first)."""
    name = _NOT_USERNAME.sub("-", wanted.strip().lower()).strip("-._")
    if not name or not name[0].isalpha():
        name = f"u{name}"
    name = name[: validation.USERNAME_MAX]
    if name in validation.RESERVED_USERNAMES:
        name = f"{name}-user"
    return name


def identity_from(service: str, label: str, claims: dict[str, Any]) -> Identity:
    """The user the provider vouches for. ``claims`` merges the ID token's claims and
    the user-info answer (OpenID Connect), or is GitLab's ``/api/v4/user`` JSON."""
    if service == "office365":
        # Entra ID's object id is stable across apps; Mattermost keys Office 365 users on it.
        auth_data = _text(claims, "oid", "sub", "id")
    else:
        auth_data = _text(claims, "sub", "id")
    if not auth_data or len(auth_data) > AUTH_DATA_MAX:
        raise identity_unreadable(label, "no usable subject id")
    email = _text(claims, "email", "mail", "upn").lower()
    if service == "office365" and not email:
        email = _text(claims, "preferred_username").lower()
    if not validation.is_valid_email(email):
        raise identity_unreadable(label, "no valid email")
    if service == "gitlab":
        wanted = _text(claims, "username", "nickname", "preferred_username")
    else:
        wanted = _text(claims, "preferred_username", "nickname")
    # A login that is an address (Entra ID's, often) gives its local part.
    wanted = wanted.split("@")[0] or email.split("@")[0]
    first = _text(claims, "given_name", "first_name")
    last = _text(claims, "family_name", "last_name")
    full = _text(claims, "name")
    if full and not (first or last):
        # GitLab gives one name: Mattermost splits it at the first space.
        first, _, last = full.partition(" ")
    return Identity(
        auth_data=auth_data,
        email=email,
        username=clean_username(wanted),
        first_name=_name_field(first),
        last_name=_name_field(last),
        nickname=_name_field(_text(claims, "nickname") if service != "gitlab" else ""),
        position=_name_field(_text(claims, "job_title", "jobTitle"), validation.POSITION_MAX),
    )
