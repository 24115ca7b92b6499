"""The files under deploy/ checked with the real tools, as the runbook
(docs/deployment.md) uses them: systemd-analyze, promtool, nginx, and roost itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from roost.config import Settings
from tests.ops.cli import roost
from tests.support.databases import database
from tests.support.server import free_port, running_server

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV = Path(sys.prefix)


def _tool(name: str) -> str:
    """A tool scripts/services installs (Debian's packages); missing is a failure."""
    found = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    assert found, f"{name} is missing: scripts/services installs it"
    return found


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    # The unit names /opt/roost/.venv, where the runbook installs; here, this venv.
    unit = (DEPLOY / "systemd" / "roost.service").read_text()
    assert "/opt/roost/.venv/bin/roost serve" in unit
    (tmp_path / "roost.service").write_text(unit.replace("/opt/roost/.venv", str(VENV)))
    done = subprocess.run(
        [_tool("systemd-analyze"), "verify", str(tmp_path / "roost.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


def _instructions(text: str) -> list[tuple[str, str]]:
    """A Containerfile's instructions, continuation lines joined, comments dropped."""
    steps: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        pending += line[:-1] + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            word, _, rest = pending.partition(" ")
            steps.append((word.upper(), rest.strip()))
            pending = ""
    assert not pending, "a continued line never ends"
    return steps


def test_the_containerfile_installs_as_scripts_serve_does() -> None:
    steps = _instructions((DEPLOY / "Containerfile").read_text())
    known = {
        "FROM",
        "RUN",
        "COPY",
        "WORKDIR",
        "ENV",
        "VOLUME",
        "EXPOSE",
        "USER",
        "HEALTHCHECK",
        "CMD",
    }
    assert {word for word, _ in steps} <= known
    assert steps[0][0] == "FROM" and "python:3.11" in steps[0][1]
    # The same install command as scripts/serve, which the fresh-clone test runs.
    assert ("RUN", "scripts/install && rm -rf /root/.cache/pip") in steps
    assert "scripts/install" in (ROOT / "scripts" / "serve").read_text()
    workdir = dict(steps)["WORKDIR"]
    for word, rest in steps:
        if word == "COPY":
            *sources, _ = rest.split()
            assert all((ROOT / s).exists() for s in sources), rest
    cmd = json.loads(dict(steps)["CMD"])
    assert cmd == [f"{workdir}/.venv/bin/roost", "serve"]
    health = dict(steps)["HEALTHCHECK"].partition(" CMD ")[2]
    probe = json.loads(health)
    assert probe[:2] == [f"{workdir}/.venv/bin/python", "-c"]
    compile(probe[2], "healthcheck", "exec")
    # Its settings are real ones.
    env = dict(steps)["ENV"].replace("\\", " ").split()
    names = {pair.partition("=")[0] for pair in env}
    assert {n.removeprefix("ROOST_").lower() for n in names} <= set(Settings.model_fields)


def test_the_alert_rules_pass_promtool() -> None:
    promtool = _tool("promtool")
    folder = DEPLOY / "prometheus"
    for args in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]):
        done = subprocess.run([promtool, *args], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_settings_are_accepted(tmp_path: Path) -> None:
    env = {
        "ROOST_CONFIG_FILE": str(DEPLOY / "roost.toml.example"),
        "ROOST_DATA_DIR": str(tmp_path),
    }
    done = roost("migrate", env=env)
    assert done.returncode == 0 and "up to date" in done.stdout, done.stderr
    example_env = (DEPLOY / "roost.env.example").read_text().splitlines()
    names = {line.partition("=")[0] for line in example_env if line and not line.startswith("#")}
    assert names and {n.removeprefix("ROOST_").lower() for n in names} <= set(Settings.model_fields)


@pytest.fixture(scope="module")
def roost_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("tls-node")
    env = {"ROOST_TRUSTED_PROXY_IP_HEADER": "X-Real-IP"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


def test_nginx_serves_roost_over_tls_with_the_shipped_site(tmp_path: Path, roost_node: str) -> None:
    nginx = _tool("nginx")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=chat.example.com",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    site = (DEPLOY / "nginx" / "roost-tls.conf").read_text()
    node = roost_node.removeprefix("http://")
    site = (
        site.replace("server 127.0.0.1:8065 ", f"server {node} ")
        .replace("/etc/letsencrypt/live/chat.example.com/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/letsencrypt/live/chat.example.com/privkey.pem", str(tmp_path / "key.pem"))
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("listen [::]:80;", "")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        .replace("listen [::]:443 ssl http2;", "")
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    conf = ["-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    check = subprocess.run([nginx, "-t", *conf], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    subprocess.run([nginx, *conf], check=True)
    try:
        base = f"https://127.0.0.1:{https_port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                ping = httpx.get(f"{base}/api/v4/system/ping", verify=False, timeout=5)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.2)
        assert ping.status_code == 200 and ping.json()["status"] == "OK"
        assert ping.headers["strict-transport-security"] == "max-age=63072000"
        plain = httpx.get(f"http://127.0.0.1:{http_port}/login", follow_redirects=False)
        assert plain.status_code == 301 and plain.headers["location"].startswith("https://")
    finally:
        subprocess.run([nginx, *conf, "-s", "stop"], check=False, capture_output=True)


def test_the_operators_roost_command_runs_as_the_service_does(tmp_path: Path) -> None:
    """deploy/roost-cli, the runbook's /usr/local/bin/roost: /etc/roost's settings and
    secrets (here a copy, on SQLite), the service's user and data directory."""
    etc = tmp_path / "etc"
    etc.mkdir()
    shutil.copy(DEPLOY / "roost.toml.example", etc / "roost.toml")
    (etc / "roost.env").write_text(
        f"# secrets\nROOST_DATABASE_URL=\nROOST_DATA_DIR={tmp_path / 'data'}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOST_")}
    env.update(
        ETC_DIR=str(etc),
        INSTALL_DIR=str(VENV.parent),
        SERVICE_USER=subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip(),
        DATA_HOME=str(tmp_path),
    )
    cli = str(DEPLOY / "roost-cli")
    migrated = subprocess.run([cli, "migrate"], env=env, capture_output=True, text=True)
    assert migrated.returncode == 0 and "up to date" in migrated.stdout, migrated.stderr
    made = subprocess.run(
        [cli, "user", "create", "--email", "admin@example.com", "--username", "admin"],
        env=env,
        input="a-long-admin-passphrase\n",
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0 and "system_admin" in made.stdout, made.stderr
    assert (tmp_path / "data" / "roost.db").exists()
