"""How long the LDAP sync takes for a directory of many users.

Setup: OpenLDAP's slapd (the tests' fixture: its own config, LDAPS with a CA of its
own) loaded with ``--users`` people by ``ldapadd`` (one LDIF), the same people as
Roost's LDAP users (written straight into a fresh database, as after their first
sign-ins), and one `roost serve` process. Then, timed as ``POST /api/v4/ldap/sync``
(Roost answers when the sync is done):

1. nothing changed (every user read and compared);
2. after 10% of the people changed title and 5% left the directory (updated and
   deactivated, the leavers' sessions ended).

    .venv/bin/python -m bench.ldap_sync --backend postgres --users 10000
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import machine
from roost.clock import now_ms
from roost.ids import new_id
from roost.store import tables
from roost.store.db import bulk
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant
from tests.sso.conftest import ldap_env
from tests.sso.slapd import BASE_DN, PEOPLE, ROOT_DN, ROOT_PASSWORD, slapd
from tests.support.client import create_user
from tests.support.databases import database
from tests.support.server import running_server


def _ldif(users: int) -> str:
    blocks = [
        f"dn: uid=p{n},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: p{n}\ncn: Person {n}\n"
        f"sn: P{n}\ngivenName: Person\nmail: p{n}@corp.example\ntitle: Staff\n"
        f"employeeType: chat\nuserPassword: pw-{n}\n"
        for n in range(users)
    ]
    return "\n".join(blocks)


def _ldap(args: list[str], port: int, text: str) -> None:
    subprocess.run(
        [*args, "-x", "-c", "-H", f"ldap://127.0.0.1:{port}", "-D", ROOT_DN, "-w", ROOT_PASSWORD],
        input=text.encode(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def _seed(database_url: str, users: int) -> None:
    """The directory's people as Roost's LDAP users (as after their first sign-in)."""
    enter_tenant(DEFAULT_TENANT_ID)
    db = Database(database_url)
    now = now_ms()
    rows = [
        {
            "tenant_id": DEFAULT_TENANT_ID,
            "id": new_id(),
            "create_at": now,
            "update_at": now,
            "username": f"p{n}",
            "email": f"p{n}@corp.example",
            "first_name": "Person",
            "last_name": f"P{n}",
            "position": "Staff",
            "auth_service": "ldap",
            "auth_data": f"p{n}",
            "roles": "system_user",
        }
        for n in range(users)
    ]
    try:
        async with db.write() as conn:
            await bulk.insert_rows(conn, tables.users, rows)
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="roost-bench-ldap-") as tmp:
        data_dir = Path(tmp)
        with slapd(data_dir) as directory, database(args.backend, data_dir) as url:
            started = time.perf_counter()
            _ldap(["ldapadd"], directory.ldap_port, _ldif(args.users))
            print(f"directory loaded: {args.users} people in {time.perf_counter() - started:.1f} s")
            env = {**ldap_env(directory, "TLS"), "ROOST_LDAP_MAX_PAGE_SIZE": "500"}
            with running_server(url, data_dir, env) as base:
                admin = create_user(base, username="admin0")
                asyncio.run(_seed(url, args.users))

                def sync(label: str) -> None:
                    started = time.perf_counter()
                    answer = httpx.post(
                        f"{base}/api/v4/ldap/sync",
                        headers={"Authorization": f"Bearer {admin.token}"},
                        timeout=600,
                    )
                    elapsed = time.perf_counter() - started
                    assert answer.status_code == 200, answer.text
                    print(f"{label}: {elapsed:.1f} s {answer.json()}")

                sync("sync, nothing changed")
                changed = args.users // 10
                mods = "\n".join(
                    f"dn: uid=p{n},{PEOPLE}\nchangetype: modify\nreplace: title\ntitle: Lead\n"
                    for n in range(changed)
                )
                _ldap(["ldapmodify"], directory.ldap_port, mods)
                leavers = range(args.users - args.users // 20, args.users)
                with directory.admin() as conn:
                    for n in leavers:
                        assert conn.delete(f"uid=p{n},{PEOPLE}"), conn.result
                sync(f"sync, {changed} changed and {len(leavers)} gone")
                sync("sync again, nothing changed")
    print(f"{args.backend}, base {BASE_DN}, {machine()}")


if __name__ == "__main__":
    main()
