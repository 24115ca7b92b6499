"""Active Directory's ``objectGUID`` as the id attribute (of users and of groups), against
a real slapd whose test schema has an ``objectGUID`` of octets: Roost keeps it as
Mattermost does (``\\xx`` per byte, lower case), whatever bytes it holds (ones that
happen to be UTF-8 text, and ones that are filter syntax: ``*``, ``(``, ``\\``, NUL),
finds the user by it at the next sign-in and sync, and links and syncs a group by it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.sso.conftest import LdapDeployment, ldap_env
from tests.sso.slapd import GROUPS, PEOPLE
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server

# Valid UTF-8 (ASCII): ldap3 alone would have taken it for text.
TEXT_LIKE = b"ABCDEFGHIJKLMNOP"
# Filter syntax and bytes that are no text at all.
AWKWARD = bytes([0x2A, 0x28, 0x29, 0x5C, 0x00, 0xFF, 0xFE, 0x80]) + bytes(range(0x10, 0x18))
GROUP_GUID = bytes(range(0xA0, 0xB0))


def escaped(raw: bytes) -> str:
    return "".join(f"\\{b:02x}" for b in raw)


@dataclass
class GuidServer:
    base: str
    admin: LoggedIn


@pytest.fixture(scope="module")
def guid_server(ldap: LdapDeployment, backend: str) -> Iterator[GuidServer]:
    """A second server on the module's directory, keyed on objectGUID."""
    env = {
        **ldap_env(ldap.directory, "TLS"),
        "ROOST_LDAP_ID_ATTRIBUTE": "objectGUID",
        "ROOST_LDAP_GROUP_ID_ATTRIBUTE": "objectGUID",
    }
    data_dir = ldap.data_dir / "guid"
    data_dir.mkdir()
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username="admin0")
        yield GuidServer(base, admin)
        admin.api.close()


def _add_person(ldap: LdapDeployment, uid: str, guid: bytes) -> None:
    values = {
        "uid": uid,
        "cn": uid,
        "sn": uid,
        "mail": f"{uid}@corp.example",
        "userPassword": f"{uid}-pw",
        "employeeType": "chat",
        "objectGUID": guid,
    }
    with ldap.directory.admin() as conn:
        assert conn.add(f"uid={uid},{PEOPLE}", ["inetOrgPerson", "adObject"], values), conn.result


def _login(base: str, login_id: str) -> httpx.Response:
    body = {"login_id": login_id, "password": f"{login_id}-pw"}
    return httpx.post(f"{base}/api/v4/users/login", json=body, timeout=15)


@pytest.mark.parametrize(("uid", "guid"), [("guidtext", TEXT_LIKE), ("guidodd", AWKWARD)])
def test_object_guid_is_kept_as_escaped_bytes(
    ldap: LdapDeployment, guid_server: GuidServer, uid: str, guid: bytes
) -> None:
    _add_person(ldap, uid, guid)
    first = _login(guid_server.base, uid)
    assert first.status_code == 200, first.text
    user_id = first.json()["id"]
    profile = expect(guid_server.admin.api.get(f"/users/{user_id}"), 200)
    assert (profile["auth_service"], profile["auth_data"]) == ("ldap", escaped(guid))
    # The next sign-in finds the entry by that id (its bytes in the filter, not text).
    again = _login(guid_server.base, uid)
    assert again.status_code == 200 and again.json()["id"] == user_id
    # So does a sync: the account is still the directory's, not taken for gone.
    expect(guid_server.admin.api.post("/ldap/sync"), 200)
    assert expect(guid_server.admin.api.get(f"/users/{user_id}"), 200)["delete_at"] == 0


def test_a_group_is_linked_and_synced_by_its_object_guid(
    ldap: LdapDeployment, guid_server: GuidServer
) -> None:
    _add_person(ldap, "guidmember", bytes(range(0x30, 0x40)))
    member = _login(guid_server.base, "guidmember")
    assert member.status_code == 200, member.text
    with ldap.directory.admin() as conn:
        conn.add(GROUPS, ["organizationalUnit"], {"ou": "groups"})  # once
        values = {
            "cn": "Guid Team",
            "member": [f"uid=guidmember,{PEOPLE}"],
            "objectGUID": GROUP_GUID,
        }
        dn = f"cn=Guid Team,{GROUPS}"
        assert conn.add(dn, ["groupOfNames", "adObject"], values), conn.result
    remote_id = escaped(GROUP_GUID)
    assert len(remote_id) == 48  # Mattermost's remote_id width
    listed = expect(guid_server.admin.api.get("/ldap/groups", params={"q": "guid team"}), 200)
    assert [g["primary_key"] for g in listed["groups"]] == [remote_id]

    path = f"/ldap/groups/{quote(remote_id, safe='')}/link"
    group = expect(guid_server.admin.api.post(path), 201)
    assert group["remote_id"] == remote_id
    expect(guid_server.admin.api.post("/ldap/sync"), 200)
    found = expect(guid_server.admin.api.get(f"/groups/{group['id']}/members"), 200)
    assert [u["id"] for u in found["members"]] == [member.json()["id"]]
    # The id in any other spelling (plain hex, upper case) names no group.
    for other in (GROUP_GUID.hex(), remote_id.upper()):
        answer = guid_server.admin.api.post(f"/ldap/groups/{quote(other, safe='')}/link")
        assert answer.status_code == 404, answer.text


def _import(admin: LoggedIn, lines: list[dict[str, Any]]) -> None:
    """Mattermost's bulk import (as mmctl drives it): the JSONL uploaded, then a job."""
    data = b"".join(json.dumps(item).encode() + b"\n" for item in lines)
    upload = {"type": "import", "filename": "legacy.jsonl", "file_size": len(data)}
    session = expect(admin.api.post("/uploads", upload), 201)
    name = expect(admin.api.post(f"/uploads/{session['id']}", content=data), 201)["name"]
    job = expect(
        admin.api.post("/jobs", {"type": "import_process", "data": {"import_file": name}}), 201
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = expect(admin.api.get(f"/jobs/{job['id']}"), 200)
        if state["status"] in ("success", "error"):
            assert state["status"] == "success", state
            return
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


def test_an_account_of_an_older_release_is_found_by_its_plain_hex(
    ldap: LdapDeployment, guid_server: GuidServer
) -> None:
    """Releases before this one kept a binary id as plain hex: such an account is still
    the entry's at the sync and at sign-in, and keeps the escaped form from then on."""
    guids = {"guidlegacy": bytes(range(0x50, 0x60)), "guidlegacy2": bytes(range(0x60, 0x70))}
    lines: list[dict[str, Any]] = [{"type": "version", "version": 1}]
    for uid, guid in guids.items():
        _add_person(ldap, uid, guid)
        user = {
            "username": uid,
            "email": f"{uid}@corp.example",
            "auth_service": "ldap",
            "auth_data": guid.hex(),
        }
        lines.append({"type": "user", "user": user})
    _import(guid_server.admin, lines)
    api = guid_server.admin.api
    ids = {uid: expect(api.get(f"/users/username/{uid}"), 200)["id"] for uid in guids}
    # A sign-in finds the one...
    signed_in = _login(guid_server.base, "guidlegacy2")
    assert signed_in.status_code == 200 and signed_in.json()["id"] == ids["guidlegacy2"]
    # ...and the sync the other; both keep the escaped form.
    expect(api.post("/ldap/sync"), 200)
    for uid, guid in guids.items():
        profile = expect(api.get(f"/users/{ids[uid]}"), 200)
        assert (profile["delete_at"], profile["auth_data"]) == (0, escaped(guid))
    assert _login(guid_server.base, "guidlegacy").json()["id"] == ids["guidlegacy"]
