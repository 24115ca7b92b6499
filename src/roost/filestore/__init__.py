"""Where uploaded files live: the local disk, or an S3-compatible object store.

``open_store`` picks the backend from ``ROOST_FILE_STORE``: empty (or ``local``) keeps
files under the data directory; ``s3://bucket/prefix`` puts them in a bucket every node
of a cluster can reach. The app sees only the ``FileStore`` protocol.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from roost.filestore.base import Blob, FileStore, FileStoreError
from roost.filestore.local import LocalStore
from roost.filestore.s3 import S3Options, S3Store

__all__ = ["Blob", "FileStore", "FileStoreError", "LocalStore", "S3Options", "S3Store"]


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of ``s3://bucket/some/prefix``; raises ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"expected s3://bucket[/prefix], got {url!r}")
    return parts.netloc, parts.path.strip("/")


def open_store(
    url: str,
    data_dir: Path,
    *,
    endpoint_url: str = "",
    region: str = "us-east-1",
    access_key_id: str = "",
    secret_access_key: str = "",
    path_style: bool = False,
) -> FileStore:
    """The store named by ``url``; the keyword arguments are for S3 only."""
    if url in ("", "local"):
        return LocalStore(data_dir / "files")
    bucket, prefix = parse_s3_url(url)
    return S3Store(
        S3Options(
            bucket=bucket,
            prefix=prefix,
            endpoint_url=endpoint_url,
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            path_style=path_style,
        )
    )
