"""What `roost serve` tells the operator as it starts, and the site URL it hands out."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.ops.cli import roost, serve_as_shipped


def test_serve_says_where_it_runs_and_its_site_url_follows_the_port(tmp_path: Path) -> None:
    with serve_as_shipped(tmp_path) as served:
        expected = (
            f"Roost is running at http://localhost:{served.port} "
            f"(SQLite at {tmp_path / 'roost.db'})"
        )
        assert served.lines[-1] == expected
        config = httpx.get(f"{served.base}/api/v4/config/client", params={"format": "old"})
        assert config.json()["SiteURL"] == f"http://localhost:{served.port}"


def test_user_create_reads_the_password_from_stdin(tmp_path: Path) -> None:
    env = {"ROOST_DATA_DIR": str(tmp_path)}
    args = ["user", "create", "--email", "op@example.com", "--username", "op"]
    made = roost(*args, env=env, stdin="a-long-passphrase-9\n")
    assert made.returncode == 0, made.stderr
    assert "created user op" in made.stdout and "a-long-passphrase-9" not in made.stdout
    empty = roost(*args[:-1], "op2", env=env, stdin="")
    assert empty.returncode == 2 and "no password" in empty.stderr
