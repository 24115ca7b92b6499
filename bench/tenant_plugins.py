"""Plugins per tenant: what an instance costs, how fast tenants enable one, and what a
tenant WITHOUT plugins pays per post while others have them.

Setup: one `roost serve` process (started here, so its memory and its plugin host's can
be read from /proc) on a fresh database (PostgreSQL by default) with a base domain, an
operator token and plugin uploads on; this script is the client, a separate process on
the same machine. max(--counts) tenants are created, each with its first user (its
admin) and a team and channel, plus a quiet tenant that never enables a plugin.
Phases, each over the same tenants, cumulative: 1, then 100, then 500 (--counts):
1. in process: the bundled roost.autolink (a before-post hook) enabled in that many
   tenants, --clients admins at once, each saving its tenant's own settings then
   enabling it. Per step: the enable requests' latency; the time from the first request
   until the node runs every instance (its roost_plugins_running gauge); the server's
   resident memory against before any instance.
2. isolated: an uploaded plugin with an after-post hook (message_has_been_posted, which
   writes a key) installed untrusted and enabled in the same tenants; every instance
   runs in the node's ONE plugin host: that process's memory too.
3. per post: --posts sequential posts by the quiet tenant's user, in alternating blocks
   with every instance of both plugins running in the other tenants and with all of them
   disabled (--rounds rounds, ABBA order, each block after --settle seconds of rest and
   30 unmeasured posts, since toggling 1,000 instances is a burst of work); the
   difference of the medians is what the quiet tenant pays for the others' plugins. For
   scale, the same posts in a tenant running both, in the "on" blocks.

    .venv/bin/python -m bench.tenant_plugins --counts 1 100 500
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
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import describe, machine, percentile
from tests.support.databases import database
from tests.support.server import free_port

OPERATOR_TOKEN = "bench-operator-" + "t" * 40
BASE_DOMAIN = "chat.bench"
PASSWORD = "Bench-passw0rd!"
AUTOLINK = "roost.autolink"
RECORDER = "bench.recorder"
RECORDER_SOURCE = """
from roost.plugin import Plugin

class Plugin(Plugin):
    async def message_has_been_posted(self, post):
        await self.api.kv_set("last_post", post.id.encode())
"""


@dataclass
class Org:
    name: str
    token: str
    channel_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Host": f"{self.name}.{BASE_DOMAIN}", "Authorization": f"Bearer {self.token}"}


def recorder_bundle() -> bytes:
    files = {
        "plugin.json": json.dumps({"id": RECORDER, "name": "Recorder", "version": "1.0.0"}),
        "server/__init__.py": RECORDER_SOURCE,
    }
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


# The server process and what it holds.


# Each server's admin listener (/metrics, /operator/v1), by its public base URL.
_ADMIN_OF: dict[str, str] = {}


def admin_of(base: str) -> str:
    return _ADMIN_OF[base]


@contextmanager
def server(url: str, data_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port, admin_port = free_port(), free_port()
    env = dict(
        os.environ,
        ROOST_DATABASE_URL=url,
        ROOST_DATA_DIR=str(data_dir),
        ROOST_LOG_LEVEL="warning",
        ROOST_PASSWORD_HASH_COST="4",  # sign-ups are set-up here, not what is measured
        ROOST_TENANT_BASE_DOMAIN=BASE_DOMAIN,
        ROOST_OPERATOR_TOKEN=OPERATOR_TOKEN,
        ROOST_PLUGIN_ENABLE_UPLOADS="true",
        ROOST_ADMIN_LISTEN=f"127.0.0.1:{admin_port}",
    )
    args = ["-m", "roost.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(data_dir / "server.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, *args], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    _ADMIN_OF[base] = f"http://127.0.0.1:{admin_port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/v4/system/ping", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield proc, base
    finally:
        proc.terminate()
        proc.wait(10)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def host_rss_mib(pid: int) -> float:
    """The plugin host(s): the server's child processes."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return sum(rss_mib(c) for c in children)


def running_instances(base: str) -> int:
    for line in httpx.get(f"{admin_of(base)}/metrics", timeout=10).text.splitlines():
        if line.startswith("roost_plugins_running "):
            return int(float(line.split()[1]))
    return -1


def wait_instances(base: str, count: int, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while running_instances(base) != count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the node never ran {count} instances")
        time.sleep(0.02)


# Tenants, through the public API.


async def _ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
    body = response.json()
    return body if isinstance(body, dict) else {}


async def make_org(http: httpx.AsyncClient, name: str) -> Org:
    op = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    created = await http.post(
        f"{admin_of(str(http.base_url).rstrip('/'))}/operator/v1/tenants",
        json={"name": name, "open_signup": True},  # its first to sign up: its admin
        headers=op,
    )
    await _ok(created, 201)
    host = {"Host": f"{name}.{BASE_DOMAIN}"}
    user = {"username": "owner", "email": f"owner@{name}.example.com", "password": PASSWORD}
    await _ok(await http.post("/api/v4/users", json=user, headers=host), 201)
    login = await http.post(
        "/api/v4/users/login", json={"login_id": "owner", "password": PASSWORD}, headers=host
    )
    await _ok(login)
    org = Org(name, login.headers["Token"], "")
    team = await _ok(
        await http.post(
            "/api/v4/teams",
            json={"name": "team", "display_name": "Team", "type": "O"},
            headers=org.headers,
        ),
        201,
    )
    town = await http.get(
        f"/api/v4/teams/{team['id']}/channels/name/town-square", headers=org.headers
    )
    org.channel_id = (await _ok(town))["id"]
    return org


async def each(
    orgs: list[Org], clients: int, act: Callable[[Org], Awaitable[float]]
) -> list[float]:
    """``act`` for every org, ``clients`` at once; what each returned (a latency)."""
    queue = list(orgs)
    results: list[float] = []

    async def worker() -> None:
        while queue:
            results.append(await act(queue.pop()))

    await asyncio.gather(*(worker() for _ in range(clients)))
    return results


@dataclass
class Step:
    count: int  # tenants running the plugin
    batch: int  # of which enabled in this step
    enable_ms: list[float]  # each POST .../enable
    all_running_s: float  # first request until the node ran every instance
    server_mib: float
    host_mib: float


Prepare = Callable[[httpx.AsyncClient, Org], Awaitable[None]]


async def enable_in(
    base: str, orgs: list[Org], clients: int, prepare: Prepare, plugin_id: str
) -> list[float]:
    """Prepare (settings, an upload) then enable the plugin in each org; each enable
    request's latency in ms."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def enable(org: Org) -> float:
            await prepare(http, org)
            url = f"/api/v4/plugins/{plugin_id}/enable"
            started = time.perf_counter()
            await _ok(await http.post(url, headers=org.headers))
            return (time.perf_counter() - started) * 1000

        return await each(orgs, clients, enable)


def enable_steps(
    base: str,
    pid: int,
    orgs: list[Org],
    counts: list[int],
    clients: int,
    prepare: Prepare,
    plugin_id: str,
    already: int,
) -> list[Step]:
    """Enable ``plugin_id`` in the first ``count`` orgs for each count (cumulative); the
    node runs ``already`` other instances throughout."""
    steps: list[Step] = []
    done = 0
    for count in counts:
        batch = orgs[done:count]
        started = time.perf_counter()
        latencies = asyncio.run(enable_in(base, batch, clients, prepare, plugin_id))
        wait_instances(base, already + count)
        took = time.perf_counter() - started
        time.sleep(1.0)  # let the node settle before reading its memory
        steps.append(Step(count, len(batch), latencies, took, rss_mib(pid), host_rss_mib(pid)))
        done = count
    return steps


def set_all(base: str, orgs: list[Org], plugins: list[str], enabled: bool, clients: int) -> None:
    async def run() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:

            async def toggle(org: Org) -> float:
                for plugin_id in plugins:
                    action = "enable" if enabled else "disable"
                    url = f"/api/v4/plugins/{plugin_id}/{action}"
                    await _ok(await http.post(url, headers=org.headers))
                return 0.0

            await each(orgs, clients, toggle)

    asyncio.run(run())
    wait_instances(base, len(orgs) * len(plugins) if enabled else 0)


def posts(base: str, org: Org, count: int) -> list[float]:
    latencies = []
    with httpx.Client(base_url=base, headers=org.headers, timeout=30) as http:
        for i in range(count):
            body = {"channel_id": org.channel_id, "message": f"message {i} about OPS-{i}"}
            started = time.perf_counter()
            response = http.post("/api/v4/posts", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.text
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--counts", nargs="+", type=int, default=[1, 100, 500])
    parser.add_argument("--clients", type=int, default=4, help="admins enabling at once")
    parser.add_argument("--posts", type=int, default=300, help="per block")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--settle", type=float, default=3.0, help="rest after a toggle, s")
    opts = parser.parse_args()
    counts = sorted(opts.counts)
    tenants = counts[-1]
    print(f"# bench.tenant_plugins on {machine()}; {opts.backend}; {tenants} tenants with plugins")
    with (
        tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp,
        database(opts.backend, Path(tmp)) as url,
        server(url, Path(tmp)) as (proc, base),
    ):

        async def setup() -> list[Org]:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                names = [f"org{n:05d}" for n in range(tenants)] + ["quiet"]
                made: dict[str, Org] = {}

                async def one(name: str) -> float:
                    made[name] = await make_org(http, name)
                    return 0.0

                await each([Org(n, "", "") for n in names], 8, lambda o: one(o.name))
                return [made[n] for n in names]

        started = time.perf_counter()
        *orgs, quiet = asyncio.run(setup())
        print(
            f"set-up: {tenants + 1} tenants, each with a user, team and channel, in "
            f"{time.perf_counter() - started:.1f} s"
        )
        posts(base, quiet, 30)  # warm the caches up
        time.sleep(1.0)
        base_server, base_host = rss_mib(proc.pid), host_rss_mib(proc.pid)
        print(
            f"before any instance: server {base_server:.1f} MiB, plugin hosts {base_host:.1f} MiB"
        )

        async def autolink_settings(http: httpx.AsyncClient, org: Org) -> None:
            url_template = f"https://{org.name}.example.com/browse/{{id}}"
            settings = {"prefixes": "OPS", "url_template": url_template}
            url = f"/api/v4/plugins/{AUTOLINK}/settings"
            await _ok(await http.put(url, json=settings, headers=org.headers))

        bundle = recorder_bundle()

        async def install_recorder(http: httpx.AsyncClient, org: Org) -> None:
            files = {"plugin": ("recorder.tar.gz", bundle, "application/gzip")}
            response = await http.post(
                "/api/v4/plugins", files=files, data={"force": "true"}, headers=org.headers
            )
            await _ok(response, 201)

        phases = [
            ("in process (bundled roost.autolink, before-post hook)", AUTOLINK, autolink_settings),
            ("isolated (uploaded, after-post hook, one shared host)", RECORDER, install_recorder),
        ]
        already = 0
        server_before = base_server
        for title, plugin_id, prepare in phases:
            print(f"\n{title}:")
            print(
                "  tenants  enable p50 / p99 ms  all running s  (per instance ms)"
                "  server MiB (per instance KiB)  plugin host MiB (per instance after the first)"
            )
            steps = enable_steps(
                base, proc.pid, orgs, counts, opts.clients, prepare, plugin_id, already
            )
            first = steps[0]
            for step in steps:
                server_per = (step.server_mib - server_before) * 1024 / step.count
                host_per = (
                    (step.host_mib - first.host_mib) * 1024 / (step.count - first.count)
                    if step.count > first.count
                    else float("nan")
                )
                print(
                    f"  {step.count:>7}  {percentile(step.enable_ms, 50):8.1f} /"
                    f" {percentile(step.enable_ms, 99):6.1f}  {step.all_running_s:13.2f}"
                    f"  ({step.all_running_s * 1000 / step.batch:8.2f})"
                    f"  {step.server_mib:10.1f} ({server_per:+8.1f})"
                    f"  {step.host_mib:15.1f} ({host_per:+6.1f} KiB)"
                )
            already += counts[-1]
            server_before = steps[-1].server_mib

        print(
            f"\nper post: {opts.posts} sequential posts per block, {opts.rounds} rounds of"
            f" (on, off) blocks in turn (ABBA), each after {opts.settle:.0f} s of rest and 30"
            " unmeasured posts:"
        )
        busy = orgs[0]
        on: list[float] = []
        off: list[float] = []
        busy_on: list[float] = []
        both = [AUTOLINK, RECORDER]

        def block(enabled: bool) -> None:
            set_all(base, orgs, both, enabled, opts.clients)
            time.sleep(opts.settle)
            posts(base, quiet, 30)
            cpu = cpu_seconds(proc.pid)
            quiet_ms = posts(base, quiet, opts.posts)
            cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000 / opts.posts
            (on if enabled else off).extend(quiet_ms)
            line = (
                f"    {'on ' if enabled else 'off'}: quiet p50 {percentile(quiet_ms, 50):.2f} ms"
                f" (server CPU {cpu_ms:.2f} ms per post)"
            )
            if enabled:
                busy_ms = posts(base, busy, opts.posts)
                busy_on.extend(busy_ms)
                line += f", the tenant running both p50 {percentile(busy_ms, 50):.2f} ms"
            print(line)

        for r in range(opts.rounds):
            for enabled in (True, False) if r % 2 == 0 else (False, True):
                block(enabled)
        print(f"  quiet tenant, {2 * tenants} instances running elsewhere: {describe(on)}")
        print(f"  quiet tenant, none running anywhere:      {describe(off)}")
        print(f"  a tenant running both plugins:            {describe(busy_on)}")
        diff = percentile(on, 50) - percentile(off, 50)
        print(
            f"  => the quiet tenant pays {diff:+.2f} ms at p50 "
            f"({percentile(on, 50) / percentile(off, 50):.3f}x; means "
            f"{statistics.fmean(on):.2f} vs {statistics.fmean(off):.2f} ms); the tenant with "
            f"both pays {percentile(busy_on, 50) - percentile(off, 50):+.2f} ms"
        )


if __name__ == "__main__":
    main()
