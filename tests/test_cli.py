"""The `roost` command line, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.server import running_server


def roost(*args: str, data_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ROOST_DATA_DIR=str(data_dir))
    env.pop("ROOST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "roost.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=60,
    )


def test_version(tmp_path: Path) -> None:
    out = roost("version", data_dir=tmp_path).stdout
    assert out.startswith("roost ") and "10.5.0" in out


def test_migrate_creates_sqlite_database_and_is_repeatable(tmp_path: Path) -> None:
    assert "up to date" in roost("migrate", data_dir=tmp_path).stdout
    assert (tmp_path / "roost.db").exists()
    assert "up to date" in roost("migrate", data_dir=tmp_path).stdout


def test_user_create_then_login_on_the_server(tmp_path: Path) -> None:
    out = roost(
        "user",
        "create",
        "--email",
        "Boss@Example.com",
        "--username",
        "boss",
        "--password",
        "cli-password-1",
        data_dir=tmp_path,
    ).stdout
    assert "created user boss" in out and "system_admin" in out
    out = roost(
        "user",
        "create",
        "--email",
        "w@example.com",
        "--username",
        "worker",
        "--password",
        "cli-password-2",
        data_dir=tmp_path,
    ).stdout
    assert "system_admin" not in out
    dup = roost(
        "user",
        "create",
        "--email",
        "x@example.com",
        "--username",
        "worker",
        "--password",
        "cli-password-2",
        data_dir=tmp_path,
        check=False,
    )
    assert dup.returncode != 0 and "already exists" in dup.stderr
    url = f"sqlite:///{tmp_path / 'roost.db'}"
    with running_server(url, tmp_path) as base:
        r = httpx.post(
            f"{base}/api/v4/users/login",
            json={"login_id": "boss@example.com", "password": "cli-password-1"},
        )
        assert r.status_code == 200
        assert "system_admin" in r.json()["roles"]
