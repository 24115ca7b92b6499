"""The directory's groups as Roost reads them (blocking, through ldap3: callers run
these in a thread): every entry under the base DN matching the group filter, with its
id attribute (a linked Roost group's ``remote_id``), its display name and its members.

Members are read from the member attributes (``ROOST_LDAP_GROUP_MEMBER_ATTRIBUTE``):
DN values (``member``, ``uniqueMember``) are compared with users' DNs once normalised
(attribute names and values in lower case, no spaces around separators); other values
(``memberUid``) with users' login ids. Nested groups are not followed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ldap3 import SUBTREE
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import parse_dn

from roost.app.accounts.sso.errors import ldap_search_failed
from roost.app.accounts.sso.ldap_directory import Directory, Entry
from roost.config.sso_ldap_groups import DEFAULT_GROUP_FILTER


@dataclass(frozen=True, slots=True)
class DirectoryGroup:
    remote_id: str
    display_name: str
    dn: str = ""
    # Normalised member DNs, and the other member values (memberUid).
    member_dns: frozenset[str] = field(default_factory=frozenset)
    member_uids: frozenset[str] = field(default_factory=frozenset)

    def members(self, users: Iterable[Entry]) -> list[Entry]:
        """Those of these directory users who are in the group."""
        return [
            e
            for e in users
            if normal_dn(e.dn) in self.member_dns
            or (e.login_id and e.login_id.lower() in self.member_uids)
        ]


def normal_dn(dn: str) -> str:
    """A DN in one spelling, so that ``UID=Ann, ou=People`` matches ``uid=ann,ou=people``."""
    # uniqueMember may carry an optional "#'0101'B" unique id after the DN.
    dn = dn.split("#", 1)[0].strip()
    try:
        parts = parse_dn(dn, escape=True, strip=True)
    except LDAPException:
        return dn.lower()
    return ",".join(f"{name.lower()}={value.lower()}" for name, value, _ in parts)


def _values(attributes: dict[str, Any], name: str) -> list[str]:
    found = attributes.get(name)
    if found is None:
        return []
    items = found if isinstance(found, list) else [found]
    return [item.hex() if isinstance(item, bytes) else str(item).strip() for item in items]


def _assertion(attribute: str, remote_id: str) -> str:
    """The id as a filter value, escaped: AD's binary objectGUID (kept as hex in Roost)
    is compared byte by byte."""
    if attribute.lower() == "objectguid" and re.fullmatch(r"[0-9a-fA-F]{32}", remote_id):
        return "".join(f"\\{remote_id[i : i + 2]}" for i in range(0, 32, 2))
    return str(escape_filter_chars(remote_id))


class GroupDirectory:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    @property
    def _member_attributes(self) -> list[str]:
        names = self.directory.s.ldap_group_member_attribute.split(",")
        return [n.strip() for n in names if n.strip()]

    def _filter(self, condition: str) -> str:
        group_filter = self.directory.s.ldap_group_filter.strip() or DEFAULT_GROUP_FILTER
        if not group_filter.startswith("("):
            group_filter = f"({group_filter})"
        return f"(&{condition}{group_filter})"

    def _group(self, dn: str, attributes: dict[str, Any], members: bool) -> DirectoryGroup | None:
        s = self.directory.s
        ids = _values(attributes, s.ldap_group_id_attribute)
        names = _values(attributes, s.ldap_group_display_name_attribute)
        if not ids or not ids[0]:
            return None
        if not members:
            return DirectoryGroup(ids[0], names[0] if names else ids[0], dn)
        dns: set[str] = set()
        uids: set[str] = set()
        for attribute in self._member_attributes:
            for value in _values(attributes, attribute):
                if "=" in value:
                    dns.add(normal_dn(value))
                elif value:
                    uids.add(value.lower())
        return DirectoryGroup(
            ids[0], names[0] if names else ids[0], dn, frozenset(dns), frozenset(uids)
        )

    def _attributes(self, members: bool) -> list[str]:
        s = self.directory.s
        names = {s.ldap_group_id_attribute, s.ldap_group_display_name_attribute}
        if members:
            names.update(self._member_attributes)
        return sorted(names)

    def every_group(self, members: bool = False) -> Iterator[DirectoryGroup]:
        """Every group matching the filter, a page at a time; with their members or not."""
        s = self.directory.s
        conn = self.directory.service_connection()
        try:
            pages = conn.extend.standard.paged_search(
                s.ldap_base_dn,
                self._filter(f"({s.ldap_group_id_attribute}=*)"),
                SUBTREE,
                attributes=self._attributes(members),
                paged_size=s.ldap_max_page_size or None,
                time_limit=s.ldap_query_timeout,
                generator=True,
            )
            for item in pages:
                if item.get("type") != "searchResEntry":
                    continue
                group = self._group(str(item["dn"]), dict(item["attributes"]), members)
                if group is not None:
                    yield group
            # A truncated answer must not be taken for groups (or members) that left.
            if conn.result and conn.result.get("result", 0) != 0:
                raise ldap_search_failed(str(conn.result.get("description", "")))
        except LDAPException as exc:
            raise ldap_search_failed(type(exc).__name__) from None
        finally:
            conn.unbind()

    def find(self, remote_id: str) -> DirectoryGroup | None:
        """The one group with that id (escaped into the filter), or None."""
        s = self.directory.s
        conn = self.directory.service_connection()
        condition = (
            f"({s.ldap_group_id_attribute}={_assertion(s.ldap_group_id_attribute, remote_id)})"
        )
        try:
            conn.search(
                s.ldap_base_dn,
                self._filter(condition),
                SUBTREE,
                attributes=self._attributes(False),
                size_limit=2,
                time_limit=s.ldap_query_timeout,
            )
            found = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
        except LDAPException:
            # An id the attribute's syntax refuses (not a UUID) names no group.
            return None
        finally:
            conn.unbind()
        if len(found) != 1:
            return None
        group = self._group(str(found[0]["dn"]), dict(found[0]["attributes"]), False)
        # The directory may match loosely (case); the id must be the very one asked for.
        return group if group is not None and group.remote_id == remote_id else None
