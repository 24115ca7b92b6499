"""The runbook's PostgreSQL step as written: deploy/postgresql/roost.sql through psql,
`roost migrate` as the owner, the server as the role that owns nothing."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.ops.cli import roost
from tests.support.client import create_user, expect
from tests.support.databases import PG_ADMIN_URL
from tests.support.server import running_server

SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgresql" / "roost.sql"


def _psql(*args: str) -> subprocess.CompletedProcess[str]:
    admin = make_url(PG_ADMIN_URL)
    psql = shutil.which("psql")
    assert psql, "psql is missing: scripts/services installs PostgreSQL"
    command = [psql, "-h", admin.host or "127.0.0.1", "-p", str(admin.port or 5432)]
    command += ["-U", admin.username or "postgres", "-d", admin.database or "postgres", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_the_documented_database_setup_serves_roost(tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    owner, app, db = f"roost_{tag}", f"roost_app_{tag}", f"roost_rb_{tag}"
    made = _psql(
        "-v", f"owner={owner}", "-v", f"app={app}", "-v", f"db={db}",
        "-v", "owner_password=owner-secret-1", "-v", "app_password=app-secret-2",
        "-f", str(SQL),
    )  # fmt: skip
    try:
        assert made.returncode == 0, made.stderr
        admin = make_url(PG_ADMIN_URL)
        at = f"{admin.host or '127.0.0.1'}:{admin.port or 5432}/{db}"
        owner_url = f"postgresql://{owner}:owner-secret-1@{at}"
        app_url = f"postgresql://{app}:app-secret-2@{at}"
        env = {"ROOST_DATABASE_URL": app_url, "ROOST_DATABASE_OWNER_URL": owner_url}
        migrated = roost("migrate", env={**env, "ROOST_DATA_DIR": str(tmp_path)})
        assert migrated.returncode == 0, migrated.stderr
        # The search functions were marked by the script: no warning to act on.
        assert "LEAKPROOF" not in migrated.stderr
        with running_server(owner_url, tmp_path, env, as_owner=True) as base:
            alice = create_user(base)
            team = expect(
                alice.api.post("/teams", {"name": f"t{tag}", "display_name": "T", "type": "O"}),
                201,
            )
            channels = expect(alice.api.get(f"/users/me/teams/{team['id']}/channels"), 200)
            post = {"channel_id": channels[0]["id"], "message": "hello from the runbook"}
            expect(alice.api.post("/posts", post), 201)
        # The server's role owns nothing: row security binds it.
        owned = _psql(
            "-d", db, "-tAc", f"SELECT count(*) FROM pg_tables WHERE tableowner = '{app}'"
        )  # fmt: skip
        assert owned.stdout.strip() == "0", owned.stderr
    finally:
        _psql("-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        _psql("-c", f'DROP ROLE IF EXISTS "{app}"')
        _psql("-c", f'DROP ROLE IF EXISTS "{owner}"')
