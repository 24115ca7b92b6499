"""Several nodes: cross-node event latency, and one node vs two behind nginx.

Setup: a fresh PostgreSQL database with a crowd of users in one channel, the local Redis,
and real `roost serve` processes; this script is the load generator (a separate process).
1. Cross-node latency: two nodes, --listeners WebSockets on each. One user posts
   --posts messages through node A, one every 100 ms; for each delivery we take the time
   from sending the POST to the socket receiving `posted`, split by whether the socket
   is on node A (same node) or node B (through Redis).
2. Throughput: `deploy/cluster up 1`, then `up 2` (nginx in front); --writers clients
   post in a closed loop through nginx for --seconds; posts/s and latency for each, and
   the ratio. On a 2-core machine the nodes, PostgreSQL, Redis, nginx and this script
   share the cores, so the ratio is a floor for nodes on machines of their own.

    .venv/bin/python -m bench.cluster --listeners 100 --posts 100 --writers 50 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import orjson

from bench.common import REDIS_URL, describe, machine, run_clients
from bench.posts import post_in_a_loop
from roost.loadtest.crowd import load_crowd
from tests.support.databases import postgres_database
from tests.support.server import free_port, running_server

ROOT = Path(__file__).resolve().parents[1]


class Gate:
    """Opens when every listener has authenticated."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.open = asyncio.Event()

    def arrive(self) -> None:
        self.count += 1
        if self.count >= self.total:
            self.open.set()


async def _listen(
    session: aiohttp.ClientSession,
    base: str,
    token: str,
    arrivals: dict[str, float],
    ready: Gate,
) -> None:
    url = base.replace("http://", "ws://") + "/api/v4/websocket"
    async with session.ws_connect(url, heartbeat=None) as ws:
        auth = {"seq": 1, "action": "authentication_challenge", "data": {"token": token}}
        await ws.send_str(orjson.dumps(auth).decode())
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            if '"seq_reply":1' in msg.data:
                ready.arrive()
            elif '"event":"posted"' in msg.data:
                post = orjson.loads(orjson.loads(msg.data)["data"]["post"])
                arrivals.setdefault(post["message"], time.perf_counter())


async def cross_node(nodes: list[str], tokens: list[str], channel_id: str, posts: int) -> None:
    listeners = len(tokens) - 1
    per_node = listeners // 2
    poster = tokens[-1]
    arrivals: list[dict[str, float]] = [{} for _ in range(listeners)]
    ready = Gate(listeners)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [
            asyncio.create_task(
                _listen(session, nodes[0 if i < per_node else 1], tokens[i], arrivals[i], ready)
            )
            for i in range(listeners)
        ]
        await ready.open.wait()
        sent: dict[str, float] = {}
        headers = {"Authorization": f"Bearer {poster}"}
        for n in range(posts):
            message = f"cross-node {n}"
            sent[message] = time.perf_counter()
            body = {"channel_id": channel_id, "message": message}
            async with session.post(f"{nodes[0]}/api/v4/posts", json=body, headers=headers) as r:
                assert r.status == 201, await r.text()
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    same: list[float] = []
    other: list[float] = []
    missing = 0
    for i, got in enumerate(arrivals):
        for message, at in sent.items():
            if message not in got:
                missing += 1
                continue
            (same if i < per_node else other).append((got[message] - at) * 1000)
    print(f"cross-node latency, {posts} posts to {listeners} sockets ({per_node} per node):")
    print(f"  same node (A):          {describe(same)}")
    print(f"  other node (B, Redis):  {describe(other)}")
    print(f"  deliveries missing: {missing}")


async def throughput(base: str, tokens: list[str], channel_id: str, seconds: float) -> float:
    result = await run_clients(
        tokens,
        lambda session, token, stop, lat, err: post_in_a_loop(
            session, base, token, channel_id, stop, lat, err
        ),
        seconds,
    )
    print(
        f"  {result.rate:.0f} posts/s, {len(result.errors)} errors; "
        f"latency {describe(result.latencies)}"
    )
    return result.rate


def run_cluster(env: dict[str, str], command: str, *args: str) -> None:
    done = subprocess.run(
        [str(ROOT / "deploy" / "cluster"), command, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listeners", type=int, default=100)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    print(f"machine: {machine()}; PostgreSQL and Redis on this machine")
    size = max(args.listeners + 1, args.writers)
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp, postgres_database() as url:
        crowd = asyncio.run(load_crowd(url, size))
        env = {"ROOST_REDIS_URL": REDIS_URL, "ROOST_REDIS_PREFIX": f"bench-{uuid.uuid4().hex[:6]}"}
        with ExitStack() as stack:
            nodes = [stack.enter_context(running_server(url, Path(tmp), env)) for _ in range(2)]
            tokens = crowd.tokens[: args.listeners + 1]
            asyncio.run(cross_node(nodes, tokens, crowd.channel_id, args.posts))

        port = free_port()
        cluster_env = dict(
            os.environ,
            ROOST_CLUSTER_DIR=str(Path(tmp) / "cluster"),
            ROOST_CLUSTER_PORT=str(port),
            ROOST_NODE_PORT=str(free_port()),
            ROOST_DATABASE_URL=url,
            ROOST_CLUSTER_REPLICA="0",
            ROOST_LOG_LEVEL="warning",
            ROOST_ENABLE_OPEN_SERVER="true",  # the writers sign up (closed by default)
            **env,
        )
        rates = []
        for nodes_count in (1, 2):
            print(f"throughput through nginx, {nodes_count} node(s), {args.writers} writers:")
            run_cluster(cluster_env, "up", str(nodes_count))
            try:
                writers = crowd.tokens[: args.writers]
                base = f"http://127.0.0.1:{port}"
                rates.append(asyncio.run(throughput(base, writers, crowd.channel_id, args.seconds)))
            finally:
                run_cluster(cluster_env, "down")
        print(f"two nodes / one node: {rates[1] / rates[0]:.2f}x")


if __name__ == "__main__":
    main()
