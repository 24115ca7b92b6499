"""File upload and download throughput, and the server's memory while it streams.

Setup: one `roost serve` process on a fresh database (SQLite by default: the database
sees one row per file), its files on the local disk or in S3 (moto's server, started
here); this script is the client, a separate process on the same machine. For each
size, the file is uploaded as multipart/form-data (as the drivers send it) from a
generator, so neither side ever needs the whole file in memory, then downloaded.
Meanwhile the server's resident memory is sampled from /proc/<pid>/status (VmRSS every
20 ms, and VmHWM, the kernel's own peak): memory that stays flat as files grow tenfold
is what streaming means.

    .venv/bin/python -m bench.uploads --sizes 10,100 --repeat 3
    .venv/bin/python -m bench.uploads --store s3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.common import bench_server, machine
from tests.support.s3 import moto_server

MB = 1_000_000
MIB = 1024 * 1024
BLOCK = os.urandom(MIB)


@dataclass
class Sampler:
    """The server's resident memory, sampled in a thread while a transfer runs."""

    pid: int
    peak_rss_kib: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def read(self, name: str) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(f"{name}:"):
                    return int(line.split()[1])
        raise LookupError(name)

    @contextmanager
    def sampling(self) -> Iterator[None]:
        self.peak_rss_kib = self.read("VmRSS")
        self._stop.clear()
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_rss_kib = max(self.peak_rss_kib, self.read("VmRSS"))


def server_pid(port: int) -> int:
    """The `roost serve` process listening on this port (found in /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"roost.cli" in args and b"serve" in args and str(port).encode() in args:
            return int(entry.name)
    raise LookupError(f"no roost server on port {port}")


async def _body(size: int) -> AsyncIterator[bytes]:
    left = size
    while left > 0:
        piece = BLOCK[: min(left, len(BLOCK))]
        left -= len(piece)
        yield piece


@dataclass
class Transfer:
    seconds: float
    peak_rss_kib: int
    baseline_rss_kib: int

    def rate(self, size: int) -> float:
        return size / MB / self.seconds


async def upload(
    session: aiohttp.ClientSession, base: str, token: str, channel_id: str, size: int
) -> str:
    form = aiohttp.FormData()
    form.add_field("channel_id", channel_id)
    form.add_field(
        "files", _body(size), filename="bench.bin", content_type="application/octet-stream"
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with session.post(f"{base}/api/v4/files", data=form, headers=headers) as r:
        body = await r.json()
        if r.status != 201:
            raise RuntimeError(f"upload failed: {r.status} {body}")
    info = body["file_infos"][0]
    if info["size"] != size:
        raise RuntimeError(f"stored {info['size']} bytes of {size}")
    return str(info["id"])


async def download(session: aiohttp.ClientSession, base: str, token: str, file_id: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    got = 0
    async with session.get(f"{base}/api/v4/files/{file_id}", headers=headers) as r:
        if r.status != 200:
            raise RuntimeError(f"download failed: {r.status}")
        async for chunk in r.content.iter_chunked(MIB):
            got += len(chunk)
    return got


async def measure(
    sampler: Sampler, base: str, token: str, channel_id: str, sizes: list[int], repeat: int
) -> None:
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        # Warm-up: first-request costs (imports, connection pools) are not the subject.
        await download(session, base, token, await upload(session, base, token, channel_id, MB))
        print(f"server RSS after warm-up: {sampler.read('VmRSS') / 1024:.1f} MiB")
        print(f"server peak RSS so far (VmHWM): {sampler.read('VmHWM') / 1024:.1f} MiB")
        for size in sizes:
            ups: list[Transfer] = []
            downs: list[Transfer] = []
            for _ in range(repeat):
                baseline = sampler.read("VmRSS")
                with sampler.sampling():
                    started = time.perf_counter()
                    file_id = await upload(session, base, token, channel_id, size)
                    elapsed = time.perf_counter() - started
                ups.append(Transfer(elapsed, sampler.peak_rss_kib, baseline))
                baseline = sampler.read("VmRSS")
                with sampler.sampling():
                    started = time.perf_counter()
                    got = await download(session, base, token, file_id)
                    elapsed = time.perf_counter() - started
                if got != size:
                    raise RuntimeError(f"downloaded {got} bytes of {size}")
                downs.append(Transfer(elapsed, sampler.peak_rss_kib, baseline))
            for label, runs in (("upload", ups), ("download", downs)):
                rates = [t.rate(size) for t in runs]
                peak = max(t.peak_rss_kib for t in runs) / 1024
                growth = max(t.peak_rss_kib - t.baseline_rss_kib for t in runs) / 1024
                print(
                    f"{size // MB:>5} MB {label:<8}: median {statistics.median(rates):7.1f} MB/s "
                    f"(min {min(rates):.1f}, max {max(rates):.1f}; {len(runs)} runs); "
                    f"server RSS peak {peak:.1f} MiB, at most +{growth:.1f} MiB over its "
                    f"level before the transfer"
                )
        print(f"server peak RSS over the whole run (VmHWM): {sampler.read('VmHWM') / 1024:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--store", choices=["local", "s3"], default="local")
    parser.add_argument("--sizes", default="10,100", help="file sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) * MB for s in args.sizes.split(",")]
    print(
        f"machine: {machine()}; database: {args.backend}; file store: {args.store}; "
        f"one server process; client and server on one machine over loopback"
    )
    env = {"ROOST_MAX_FILE_SIZE": str(max(sizes) + MB)}
    with tempfile.TemporaryDirectory(prefix="roost-bench-s3-") as tmp, _s3(args.store, tmp) as s3:
        env.update(s3)
        with bench_server(args.backend, 1, env) as setup:
            port = int(setup.base.rsplit(":", 1)[1])
            sampler = Sampler(server_pid(port))
            print(f"server pid {sampler.pid}; sizes {args.sizes} MB; {args.repeat} runs each")
            asyncio.run(
                measure(
                    sampler,
                    setup.base,
                    setup.crowd.tokens[0],
                    setup.crowd.channel_id,
                    sizes,
                    args.repeat,
                )
            )


@contextmanager
def _s3(store: str, tmp: str) -> Iterator[dict[str, str]]:
    if store != "s3":
        yield {}
        return
    with moto_server(Path(tmp)) as moto:
        yield moto.roost_env(moto.new_bucket(), "bench")


if __name__ == "__main__":
    main()
