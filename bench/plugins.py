"""Server plugins: boot time, memory and per-post cost with 0, 1, 10 and 20 plugins, in
each way a plugin can run.

Modes:
- in_process: trusted plugins, inside the server process;
- shared: untrusted plugins, all in ONE plugin-host process (Roost's default);
- per_plugin: untrusted plugins, one host process each (Mattermost's model; kept only
  for this comparison, ROOST_PLUGIN_HOST_MODE=per_plugin).

Setup: for each (mode, count) a fresh SQLite database gets `count` copies of a small
plugin (message_will_be_posted: a regex check that changes nothing) installed and
enabled, then one `roost serve` starts and is measured:
- boot: spawn until /system/ping answers (ready s); the server's own measure of
  loading its plugins, from its start-up to the last one running
  (roost_plugins_load_seconds, load s: loading runs in the background and never holds
  back readiness); spawn until /plugins/statuses shows every plugin running, as seen by
  a client that must log in first (all running s);
- memory: resident set of the server plus its plugin-host children, once loaded;
- per post: one user posts messages one after another (no concurrency) in alternating
  blocks with the plugins enabled and disabled in the same server (3 rounds, --posts in
  all); the overhead is the difference of the medians (the machine's drift falls on
  both sides alike).

    .venv/bin/python -m bench.plugins --posts 600
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import machine, percentile
from roost.app.kernel.context import Actor
from roost.compose import build_services
from roost.config import Settings
from roost.plugin_runtime.bundle import read_bundle
from roost.store.db.migrate import upgrade_async
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant
from tests.support.server import free_port

MODES = ("in_process", "shared", "per_plugin")
COUNTS = (0, 1, 10, 20)
PASSWORD = "bench-password-1"

PLUGIN_SOURCE = """
import re
from roost.plugin import Plugin, Post, Rejected

BANNED = re.compile(r"\\b(?:password|secret)=\\S+")


class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        if BANNED.search(post.message):
            raise Rejected("no secrets in chat")
        return post
"""


def plugin_bundle(plugin_id: str) -> bytes:
    files = {
        "plugin.json": json.dumps({"id": plugin_id, "name": plugin_id, "version": "1.0.0"}),
        "server/__init__.py": PLUGIN_SOURCE,
    }
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{plugin_id}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


async def prepare(settings: Settings, count: int, trusted: bool) -> None:
    """A fresh database with an admin and `count` plugins installed and enabled."""
    enter_tenant(DEFAULT_TENANT_ID)  # the data is the default tenant's
    await upgrade_async(settings.effective_database_url)
    services = build_services(settings)
    try:
        await services.users.do_create_user(
            DEFAULT_TENANT_ID, username="bench-admin", email="admin@bench.test", password=PASSWORD
        )
        actor = Actor(DEFAULT_TENANT_ID, "", "system_user system_admin")
        for i in range(count):
            data = plugin_bundle(f"bench.plugin-{i:02d}")
            manifest = read_bundle(data, services.plugins.server_version, 1 << 20)
            await services.plugins.do_install(actor, manifest, data, trusted=trusted)
            await services.plugins.do_set_enabled(actor, manifest.id, True)
    finally:
        await services.db.close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


@dataclass
class Run:
    mode: str
    count: int
    ready_s: float
    loaded_s: float
    load_s: float
    server_mb: float
    hosts_mb: float
    host_processes: int
    post_p50_ms: float  # plugins on
    post_p50_off_ms: float  # the same server with them off
    post_mean_ms: float

    @property
    def overhead_ms(self) -> float:
        return self.post_p50_ms - self.post_p50_off_ms

    @property
    def total_mb(self) -> float:
        return self.server_mb + self.hosts_mb


def measure(mode: str, count: int, posts: int, rounds: int = 3) -> Run:
    with tempfile.TemporaryDirectory(prefix="roost-bench-plugins-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite:///{data_dir / 'roost.db'}"
        settings = Settings(database_url=url, data_dir=data_dir)
        asyncio.run(prepare(settings, count, trusted=mode == "in_process"))
        port, admin_port = free_port(), free_port()
        env = dict(
            os.environ,
            ROOST_DATABASE_URL=url,
            ROOST_DATA_DIR=str(data_dir),
            ROOST_LOG_LEVEL="warning",
            ROOST_ENABLE_OPEN_SERVER="true",  # sign-ups are set-up (closed by default)
            ROOST_PLUGIN_HOST_MODE="per_plugin" if mode == "per_plugin" else "shared",
            ROOST_ADMIN_LISTEN=f"127.0.0.1:{admin_port}",
        )
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        args = ["-m", "roost.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        proc = subprocess.Popen([sys.executable, *args], env=env)
        try:
            with httpx.Client(base_url=base + "/api/v4", timeout=10) as http:
                ready = _wait(lambda: _ok(http, "/system/ping"), started)
                login = http.post(
                    "/users/login", json={"login_id": "bench-admin", "password": PASSWORD}
                )
                http.headers["Authorization"] = f"Bearer {login.headers['Token']}"
                loaded = _wait(lambda: _all_running(http, count), started)
                load_s = _load_seconds(f"http://127.0.0.1:{admin_port}")
                time.sleep(1.0)  # let the hosts settle before reading memory
                hosts = children(proc.pid)
                server_kb = rss_kb(proc.pid)
                hosts_kb = sum(rss_kb(p) for p in hosts)
                on, off = _post_rounds(http, count, posts, rounds)
        finally:
            proc.terminate()
            proc.wait(10)
    return Run(
        mode,
        count,
        ready,
        loaded,
        load_s,
        server_kb / 1024,
        hosts_kb / 1024,
        len(hosts),
        percentile(on, 50),
        percentile(off, 50),
        statistics.fmean(on),
    )


def _load_seconds(base: str) -> float:
    """The server's own measure of loading its plugins (roost_plugins_load_seconds)."""
    for _ in range(200):
        for line in httpx.get(base + "/metrics").text.splitlines():
            if line.startswith("roost_plugins_load_seconds "):
                return float(line.split()[1])
        time.sleep(0.01)
    return float("nan")


def _ok(http: httpx.Client, path: str) -> bool:
    try:
        return http.get(path).status_code == 200
    except httpx.HTTPError:
        return False


def _all_running(http: httpx.Client, count: int) -> bool:
    statuses = http.get("/plugins/statuses").json()
    return (
        sum(1 for s in statuses if s["state"] == 2 and s["plugin_id"].startswith("bench.")) == count
    )


def _wait(check: object, started: float, timeout: float = 60.0) -> float:
    assert callable(check)
    while time.perf_counter() - started < timeout:
        if check():
            return time.perf_counter() - started
        time.sleep(0.005)
    raise RuntimeError("timed out")


def _post(http: httpx.Client, channel_id: str, posts: int) -> list[float]:
    latencies = []
    for i in range(posts):
        body = {"channel_id": channel_id, "message": f"benchmark message {i} with some words"}
        start = time.perf_counter()
        response = http.post("/posts", json=body)
        latencies.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 201, response.text
    return latencies


def _set_all(http: httpx.Client, count: int, enabled: bool) -> None:
    for i in range(count):
        action = "enable" if enabled else "disable"
        assert http.post(f"/plugins/bench.plugin-{i:02d}/{action}").status_code == 200
    _wait(lambda: _all_running(http, count if enabled else 0), time.perf_counter())


def _post_rounds(
    http: httpx.Client, count: int, posts: int, rounds: int
) -> tuple[list[float], list[float]]:
    """Post latencies with the plugins on, and with them off, in alternating blocks in the
    same server (the machine's drift falls on both sides alike)."""
    team = http.post("/teams", json={"name": "bench", "display_name": "Bench", "type": "O"}).json()
    channel_id = http.get(f"/teams/{team['id']}/channels/name/town-square").json()["id"]
    _post(http, channel_id, 30)  # warm the caches up
    block = max(1, posts // rounds)
    on: list[float] = []
    off: list[float] = []
    for _ in range(rounds):
        on += _post(http, channel_id, block)
        if count:
            _set_all(http, count, False)
            off += _post(http, channel_id, block)
            _set_all(http, count, True)
    return on, off or on


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=MODES)
    parser.add_argument("--counts", nargs="*", type=int, default=list(COUNTS))
    opts = parser.parse_args()
    print(f"# bench.plugins on {machine()}; SQLite; {opts.posts} sequential posts per run")
    runs: dict[tuple[str, int], Run] = {}
    measure("in_process", 0, 10)  # a first start warms the disk cache for everyone
    baseline = measure("in_process", 0, opts.posts) if 0 in opts.counts else None
    for mode in opts.modes:
        for count in opts.counts:
            run = baseline if count == 0 and baseline else measure(mode, count, opts.posts)
            assert run is not None
            runs[mode, count] = run
    print(
        "mode        plugins  ready s  load s  all running s  server MB  hosts MB (n)  total MB  "
        "post p50 ms  p50 off ms  overhead ms"
    )
    for (mode, count), r in runs.items():
        over = r.overhead_ms
        print(
            f"{mode:<11} {count:>7}  {r.ready_s:7.2f}  {r.load_s:6.3f}  {r.loaded_s:13.2f}  "
            f"{r.server_mb:9.1f}  "
            f"{r.hosts_mb:8.1f} ({r.host_processes:>2})  {r.total_mb:8.1f}  "
            f"{r.post_p50_ms:11.2f}  {r.post_p50_off_ms:10.2f}  {over:11.2f}"
        )
    if baseline is None:
        return
    top = max(opts.counts)
    print(f"\nWith {top} plugins (against the same server with none):")
    for mode in opts.modes:
        r = runs[mode, top]
        extra = r.total_mb - baseline.total_mb
        per_hook = r.overhead_ms / top * 1000
        print(
            f"  {mode:<11} +{extra:6.1f} MB ({extra / top:5.2f} MB per plugin), "
            f"loaded in {r.load_s:.3f} s, ready in {r.ready_s:.2f} s "
            f"(none: {baseline.ready_s:.2f} s), {per_hook:5.0f} µs per hook per post"
        )
    if ("shared", top) in runs and ("per_plugin", top) in runs:
        shared = runs["shared", top].hosts_mb
        per_plugin = runs["per_plugin", top].hosts_mb
        print(
            f"  plugin hosts: per_plugin {per_plugin:.1f} MB / shared {shared:.1f} MB "
            f"= {per_plugin / shared:.1f}x"
        )


if __name__ == "__main__":
    main()
