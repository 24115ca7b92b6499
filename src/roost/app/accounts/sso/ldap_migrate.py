"""Which accounts an admin's migration to LDAP moves (``POST /users/migrate_auth/ldap``,
Mattermost's MigrateToLdap): each account of the old service is matched to the
directory entry whose email (or username) is the account's; an account with no entry,
or whose entry signs in to another account already, stays as it is. Two entries with
the same value for an account refuse the whole migration unless ``force``, which leaves
those accounts out instead."""

from __future__ import annotations

from collections.abc import Iterable

from roost.app.accounts.sso.errors import migrate_refused
from roost.app.accounts.sso.identity import clean_username
from roost.app.accounts.sso.ldap_directory import Entry
from roost.model.user import User

# Mattermost's ``from`` values ("email": password accounts) and ``match_field`` values.
MIGRATE_FROM = ("email", "gitlab", "google", "office365", "openid", "saml")
MATCH_FIELDS = ("email", "username")


def _key(match_field: str, email: str, username: str) -> str:
    return email.strip().lower() if match_field == "email" else username.strip().lower()


def matched_pairs(
    users: Iterable[User],
    entries: Iterable[Entry],
    match_field: str,
    force: bool,
    linked: set[str],
) -> list[tuple[User, Entry]]:
    """The accounts to move and their entries; ``linked``: the entry ids that are some
    LDAP account's already."""
    by_key: dict[str, list[Entry]] = {}
    for entry in entries:
        key = _key(match_field, entry.email, clean_username(entry.username))
        if key:
            by_key.setdefault(key, []).append(entry)
    pairs: list[tuple[User, Entry]] = []
    duplicated: list[str] = []
    taken: set[str] = set(linked)
    for user in users:
        found = by_key.get(_key(match_field, user.email, user.username), [])
        if len(found) > 1:
            duplicated.append(user.username)
        elif found and found[0].id not in taken:
            taken.add(found[0].id)
            pairs.append((user, found[0]))
    if duplicated and not force:
        shown = ", ".join(sorted(duplicated)[:10])
        raise migrate_refused(f"several directory entries have the {match_field} of: {shown}")
    return pairs
