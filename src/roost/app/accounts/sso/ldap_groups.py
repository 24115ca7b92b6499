"""The directory's groups as Roost reads them (blocking, through ldap3: callers run
these in a thread): every entry under the base DN matching the group filter, with its
id attribute (a linked Roost group's ``remote_id``), its display name and its members.

Members are read from the member attributes (``ROOST_LDAP_GROUP_MEMBER_ATTRIBUTE``):
DN values (``member``, ``uniqueMember``) are compared with users' DNs once normalised
(attribute names and values in lower case, no spaces around separators); other values
(``memberUid``) with users' login ids.

Nested groups: a member DN naming another group the group search finds (groupOfNames'
``member`` pointing at a group, AD's nested groups) brings that group's members too,
and its own nested groups', down to ``NESTING_DEPTH_MAX`` levels below the linked
group; each group counts once, so a cycle (A in B in A) ends. A member group outside
the group filter (or base DN) is not followed: only groups Roost can see are read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ldap3 import SUBTREE
from ldap3.core.exceptions import LDAPException
from ldap3.utils.dn import parse_dn

from roost.app.accounts.sso.errors import ldap_search_failed
from roost.app.accounts.sso.ldap_directory import Directory, Entry, id_assertion, id_value
from roost.config.sso_ldap_groups import DEFAULT_GROUP_FILTER

# How many levels of groups inside groups a linked group's members are gathered from
# (1: its direct member groups). Directories nest a few levels; the bound keeps a
# deep or pathological tree from costing a sync more than this many passes.
NESTING_DEPTH_MAX = 5


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


def with_nested(
    groups: list[DirectoryGroup], depth_max: int = NESTING_DEPTH_MAX
) -> list[DirectoryGroup]:
    """Each group with the members of the groups nested in it (by DN, among these
    groups), level by level down to ``depth_max``; a group already gathered is not
    visited again, so cycles end."""
    by_dn = {normal_dn(g.dn): g for g in groups if g.dn}
    gathered: list[DirectoryGroup] = []
    for group in groups:
        dns, uids = set(group.member_dns), set(group.member_uids)
        seen = {normal_dn(group.dn)}
        level = [group]
        for _ in range(depth_max):
            below: list[DirectoryGroup] = []
            for outer in level:
                for dn in outer.member_dns:
                    inner = by_dn.get(dn)
                    if inner is None or dn in seen:
                        continue
                    seen.add(dn)
                    below.append(inner)
                    dns |= inner.member_dns
                    uids |= inner.member_uids
            if not below:
                break
            level = below
        if len(seen) == 1:
            gathered.append(group)
        else:
            gathered.append(replace(group, member_dns=frozenset(dns), member_uids=frozenset(uids)))
    return gathered


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

    def _group(self, item: dict[str, Any], members: bool) -> DirectoryGroup | None:
        s = self.directory.s
        attributes = dict(item.get("attributes") or {})
        dn = str(item["dn"])
        remote_id = id_value(item, s.ldap_group_id_attribute)
        names = _values(attributes, s.ldap_group_display_name_attribute)
        if not remote_id:
            return None
        name = names[0] if names and names[0] else remote_id
        if not members:
            return DirectoryGroup(remote_id, name, dn)
        dns: set[str] = set()
        uids: set[str] = set()
        for attribute in self._member_attributes:
            for value in _values(attributes, attribute):
                if "=" in value:
                    dns.add(normal_dn(value))
                elif value:
                    uids.add(value.lower())
        return DirectoryGroup(remote_id, name, dn, frozenset(dns), frozenset(uids))

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
                group = self._group(item, members)
                if group is not None:
                    yield group
            # A truncated answer must not be taken for groups (or members) that left.
            if conn.result and conn.result.get("result", 0) != 0:
                raise ldap_search_failed(str(conn.result.get("description", "")))
        except LDAPException as exc:
            raise ldap_search_failed(type(exc).__name__) from None
        finally:
            conn.unbind()

    def with_members(self) -> list[DirectoryGroup]:
        """Every group with its members, those of its nested groups included."""
        return with_nested(list(self.every_group(members=True)))

    def find(self, remote_id: str) -> DirectoryGroup | None:
        """The one group with that id (escaped into the filter), or None."""
        s = self.directory.s
        assertion = id_assertion(s.ldap_group_id_attribute, remote_id)
        if assertion is None:
            return None
        conn = self.directory.service_connection()
        condition = f"({s.ldap_group_id_attribute}={assertion})"
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
        group = self._group(found[0], False)
        # The directory may match loosely (case); the id must be the very one asked for.
        return group if group is not None and group.remote_id == remote_id else None
