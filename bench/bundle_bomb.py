"""What a hostile plugin bundle costs before it is refused: a small .tar.gz of a
million empty entries (each a 512-byte header, so some 500 MiB of tar in about 2 MB).

The bundle is built in memory, then handed to ``read_bundle`` (what the upload route
and the CLI call) in a child process, which reports the wall time to refusal and its
peak resident memory growth.

    .venv/bin/python -m bench.bundle_bomb --entries 1000000
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tarfile
import time
import zlib

_CHILD = """
import resource, sys, time
from roost.plugin_runtime.bundle import BundleError, read_bundle
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    read_bundle(data, "11.0.0", len(data))
    outcome = "accepted"
except BundleError as exc:
    outcome = f"{type(exc).__name__}: {exc}"
elapsed = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(repr((elapsed, (after - before) / 1024, outcome)))
"""


def bomb(entries: int) -> bytes:
    """gzip of ``entries`` empty files, all called ``x`` (then two zero blocks)."""
    info = tarfile.TarInfo("x")
    header = info.tobuf(format=tarfile.USTAR_FORMAT)
    gz = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = header * 1000
    out = [gz.compress(block) for _ in range(entries // 1000)]
    out.append(gz.compress(header * (entries % 1000) + b"\0" * 1024))
    out.append(gz.flush())
    return b"".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--path", default="/tmp/roost-bundle-bomb.tar.gz")
    args = parser.parse_args()
    data = bomb(args.entries)
    with open(args.path, "wb") as f:
        f.write(data)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, args.path], check=True, capture_output=True, text=True
    ).stdout
    elapsed, grown_mib, outcome = ast.literal_eval(out)
    print(
        json.dumps(
            {
                "entries": args.entries,
                "bundle_bytes": len(data),
                "seconds_to_refusal": round(elapsed, 3),
                "peak_rss_growth_mib": round(grown_mib, 1),
                "outcome": outcome,
                "child_total_seconds": round(time.perf_counter() - started, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
