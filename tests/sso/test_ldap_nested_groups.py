"""Nested LDAP groups against a real slapd: a linked group whose ``member`` names another
group gets that group's members too (and theirs, level by level), a cycle of groups
ends, the depth is bounded (``NESTING_DEPTH_MAX`` levels below the linked group), and a
member leaving an inner group leaves the outer one at the next sync."""

from __future__ import annotations

import uuid

import httpx
from ldap3 import MODIFY_REPLACE

from roost.app.accounts.sso.ldap_groups import NESTING_DEPTH_MAX
from tests.sso.conftest import LdapDeployment
from tests.sso.slapd import GROUPS, PEOPLE
from tests.support.client import Api, LoggedIn, expect


def _person(ldap: LdapDeployment, uid: str) -> LoggedIn:
    """A directory person and their Roost account (made by a first sign-in)."""
    ldap.directory.add_person(uid, f"{uid}-pw")
    body = {"login_id": uid, "password": f"{uid}-pw"}
    answer = httpx.post(f"{ldap.base}/api/v4/users/login", json=body, timeout=15)
    assert answer.status_code == 200, answer.text
    raw = answer.json()
    token = answer.headers["Token"]
    return LoggedIn(raw["id"], raw["username"], raw["email"], token, Api(ldap.base, token), raw)


def _group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def _add_group(
    ldap: LdapDeployment, cn: str, *, people: tuple[str, ...] = (), groups: tuple[str, ...] = ()
) -> str:
    """A groupOfNames whose members are these people and these groups (by DN); its
    entryUUID. groupOfNames needs one member: a group of groups only, made before its
    inner groups exist, points at itself until they do (as a cycle would)."""
    dn = _group_dn(cn)
    members = [f"uid={u},{PEOPLE}" for u in people] + [_group_dn(g) for g in groups]
    with ldap.directory.admin() as conn:
        conn.add(GROUPS, ["organizationalUnit"], {"ou": "groups"})  # once
        values = {"cn": cn, "member": members or [dn]}
        assert conn.add(dn, ["groupOfNames"], values), conn.result
        assert conn.search(dn, "(objectClass=*)", attributes=["entryUUID"]), conn.result
        return str(conn.entries[0].entryUUID.value)


def _set_members(
    ldap: LdapDeployment, cn: str, *, people: tuple[str, ...] = (), groups: tuple[str, ...] = ()
) -> None:
    members = [f"uid={u},{PEOPLE}" for u in people] + [_group_dn(g) for g in groups]
    with ldap.directory.admin() as conn:
        assert conn.modify(_group_dn(cn), {"member": [(MODIFY_REPLACE, members)]}), conn.result


def _link(ldap: LdapDeployment, remote_id: str) -> str:
    group: dict[str, str] = expect(ldap.admin.api.post(f"/ldap/groups/{remote_id}/link"), 201)
    return group["id"]


def _sync(ldap: LdapDeployment) -> None:
    assert expect(ldap.admin.api.post("/ldap/sync"), 200)["status"] == "OK"


def _members(ldap: LdapDeployment, group_id: str) -> set[str]:
    found = expect(ldap.admin.api.get(f"/groups/{group_id}/members"), 200)
    return {u["id"] for u in found["members"]}


def test_a_nested_group_brings_its_members(ldap: LdapDeployment) -> None:
    tag = uuid.uuid4().hex[:6]
    outer_p, inner_p, deep_p = (_person(ldap, f"{r}{tag}") for r in ("outer", "inner", "deep"))
    _add_group(ldap, f"Deep {tag}", people=(deep_p.username,))
    _add_group(ldap, f"Inner {tag}", people=(inner_p.username,), groups=(f"Deep {tag}",))
    outer = _add_group(ldap, f"Outer {tag}", people=(outer_p.username,), groups=(f"Inner {tag}",))
    group_id = _link(ldap, outer)
    _sync(ldap)
    assert _members(ldap, group_id) == {outer_p.id, inner_p.id, deep_p.id}

    # Someone leaving the innermost group leaves the outer one at the next sync.
    _set_members(ldap, f"Deep {tag}", people=(outer_p.username,))
    _sync(ldap)
    assert _members(ldap, group_id) == {outer_p.id, inner_p.id}
    # The inner group itself, linked, has only its own (and its nested) members.
    inner = expect(ldap.admin.api.get("/ldap/groups", params={"q": f"inner {tag}"}), 200)
    inner_id = _link(ldap, inner["groups"][0]["primary_key"])
    _sync(ldap)
    assert _members(ldap, inner_id) == {inner_p.id, outer_p.id}


def test_a_cycle_of_groups_ends(ldap: LdapDeployment) -> None:
    tag = uuid.uuid4().hex[:6]
    a_p, b_p, c_p = (_person(ldap, f"cyc{r}{tag}") for r in ("a", "b", "c"))
    # A contains B, B contains C, C contains A (and each a person).
    a = _add_group(ldap, f"Cycle A {tag}", people=(a_p.username,))
    b = _add_group(ldap, f"Cycle B {tag}", people=(b_p.username,), groups=(f"Cycle A {tag}",))
    _add_group(ldap, f"Cycle C {tag}", people=(c_p.username,), groups=(f"Cycle B {tag}",))
    _set_members(ldap, f"Cycle A {tag}", people=(a_p.username,), groups=(f"Cycle C {tag}",))
    a_id, b_id = _link(ldap, a), _link(ldap, b)
    _sync(ldap)
    everyone = {a_p.id, b_p.id, c_p.id}
    assert _members(ldap, a_id) == everyone
    assert _members(ldap, b_id) == everyone
    # A group listing itself as a member (a cycle of one) is no trouble either.
    alone_p = _person(ldap, f"alone{tag}")
    alone = _add_group(ldap, f"Self {tag}", people=(alone_p.username,))
    _set_members(ldap, f"Self {tag}", people=(alone_p.username,), groups=(f"Self {tag}",))
    alone_id = _link(ldap, alone)
    _sync(ldap)
    assert _members(ldap, alone_id) == {alone_p.id}


def test_the_depth_is_bounded(ldap: LdapDeployment) -> None:
    tag = uuid.uuid4().hex[:6]
    # A chain: level 0 (linked) contains level 1, ..., each level one person.
    levels = NESTING_DEPTH_MAX + 2
    people = [_person(ldap, f"lvl{n}x{tag}") for n in range(levels)]
    for n in reversed(range(levels)):
        inner = (f"Level {n + 1} {tag}",) if n + 1 < levels else ()
        remote_id = _add_group(ldap, f"Level {n} {tag}", people=(people[n].username,), groups=inner)
    top = _link(ldap, remote_id)
    _sync(ldap)
    # Levels 0..NESTING_DEPTH_MAX count; the one below the bound does not.
    assert _members(ldap, top) == {p.id for p in people[: NESTING_DEPTH_MAX + 1]}
