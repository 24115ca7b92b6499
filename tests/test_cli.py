"""The `roost` command line, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.server import running_server


def roost(
    *args: str, data_dir: Path, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ROOST_DATA_DIR=str(data_dir), **(env or {}))
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
    assert out.startswith("roost ") and "11.9.0" in out


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


# The load-test tool's packages come with the `loadtest` extra; a deployment lacks them.
_WITHOUT_LOADTEST_EXTRA = (
    "import sys\n"
    "sys.modules['rich'] = None  # None in sys.modules: every import of it raises ImportError\n"
    "sys.modules['matplotlib'] = None\n"
    "from roost.cli.main import main\n"
    "main(prog_name='roost')\n"
)


def roost_without_loadtest_extra(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ROOST_DATA_DIR=str(data_dir))
    env.pop("ROOST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_LOADTEST_EXTRA, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_loadtest_run_without_its_extra_names_the_extra(tmp_path: Path) -> None:
    done = roost_without_loadtest_extra(
        "loadtest",
        "run",
        "--url",
        "http://127.0.0.1:9",
        "--username-prefix",
        "nobody",
        "--user-count",
        "1",
        "--password",
        "unused-password-1",
        data_dir=tmp_path,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "loadtest extra" in lines[0] and "rich, matplotlib" in lines[0]
    assert "pip install 'roost[loadtest]'" in lines[0]


def test_migrate_runs_without_the_loadtest_extra(tmp_path: Path) -> None:
    done = roost_without_loadtest_extra("migrate", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout


def test_serving_imports_neither_rich_nor_matplotlib(tmp_path: Path) -> None:
    # A finder that refuses the two packages and notes which module asked. Refusing them
    # (rather than watching sys.modules) keeps third-party optional imports out of the
    # picture: httpx, for one, imports rich when it finds it.
    probe = (
        "import sys\n"
        "asked = []\n"
        "class Refuse:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.partition('.')[0] in ('rich', 'matplotlib'):\n"
        "            frame = sys._getframe(1)\n"
        "            while frame and 'importlib' in frame.f_code.co_filename:\n"
        "                frame = frame.f_back\n"
        "            asked.append((name, frame.f_globals.get('__name__') if frame else None))\n"
        "            raise ImportError(name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Refuse())\n"
        "import roost.cli.main, roost.server, roost.store.db.migrate\n"
        "from roost.config import load_settings\n"
        "roost.server.create_app(load_settings(), migrate=False)\n"
        "print(sorted({f'{n} <- {m}' for n, m in asked if str(m).startswith('roost')}))\n"
    )
    env = dict(os.environ, ROOST_DATA_DIR=str(tmp_path))
    env.pop("ROOST_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
