"""A real S3-compatible server for the S3 file store: moto's server mode, as a process.

``with moto_server(log_dir) as s3:`` starts ``python -m moto.server`` on a free loopback
port; ``s3.new_bucket()`` makes an empty bucket, ``s3.keys(bucket)`` lists what is in
it, and ``s3.roost_env(bucket, prefix)`` is the environment that points a Roost server
at it. Buckets are made and listed with plain HTTP (moto checks no signatures), so the
test process needs no S3 client of its own.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.server import free_port

STARTUP_TIMEOUT_SECONDS = 30.0
_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@dataclass
class MotoS3:
    endpoint: str

    def new_bucket(self) -> str:
        bucket = f"roost-{uuid.uuid4().hex[:12]}"
        r = httpx.put(f"{self.endpoint}/{bucket}", timeout=10.0)
        r.raise_for_status()
        return bucket

    def keys(self, bucket: str) -> set[str]:
        """Every object key in the bucket."""
        found: set[str] = set()
        token = ""
        while True:
            params = {"list-type": "2", **({"continuation-token": token} if token else {})}
            r = httpx.get(f"{self.endpoint}/{bucket}", params=params, timeout=10.0)
            r.raise_for_status()
            root = ET.fromstring(r.content)
            found |= {k.text or "" for k in root.iter(f"{_NS}Key")}
            token = root.findtext(f"{_NS}NextContinuationToken") or ""
            if not token:
                return found

    def multipart_uploads(self, bucket: str) -> int:
        """Multipart uploads started and neither completed nor aborted."""
        r = httpx.get(f"{self.endpoint}/{bucket}", params={"uploads": ""}, timeout=10.0)
        r.raise_for_status()
        return len(ET.fromstring(r.content).findall(f"{_NS}Upload"))

    def roost_env(self, bucket: str, prefix: str) -> dict[str, str]:
        return {
            "ROOST_FILE_STORE": f"s3://{bucket}/{prefix}",
            "ROOST_FILE_S3_ENDPOINT": self.endpoint,
            "ROOST_FILE_S3_REGION": "us-east-1",
            "ROOST_FILE_S3_ACCESS_KEY_ID": "roost-test",
            "ROOST_FILE_S3_SECRET_ACCESS_KEY": "roost-test-secret",
            "ROOST_FILE_S3_PATH_STYLE": "true",
        }


@contextmanager
def moto_server(log_dir: Path) -> Iterator[MotoS3]:
    port = free_port()
    log_path = log_dir / f"moto-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(endpoint, proc, log_path)
        yield MotoS3(endpoint)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(endpoint: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(endpoint, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"moto did not start in time:\n{log_path.read_text()}")
