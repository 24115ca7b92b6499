"""Files in an S3-compatible object store (AWS S3, MinIO, Ceph, ...), shared by every node.

aiobotocore keeps it asyncio end to end over aiohttp, which Roost already uses. Large
files go up as multipart uploads of PART_BYTES parts read one at a time from the
upload's temporary file, so memory per upload is one part whatever the file's size;
a failed multipart upload is aborted, leaving no parts behind in the bucket.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from roost.filestore.base import CHUNK_BYTES, FileStoreError, check_key

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.type_defs import CompletedPartTypeDef

# S3 wants parts of at least 5 MiB (but the last) and at most 10,000 of them: 8 MiB
# parts take files up to 80 GB.
PART_BYTES = 8 * 1024 * 1024
# delete_objects takes at most this many keys per call.
DELETE_BATCH = 1000
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})
_FAILURES = (BotoCoreError, ClientError, aiohttp.ClientError, asyncio.TimeoutError, OSError)


@dataclass(frozen=True, slots=True)
class S3Options:
    bucket: str
    prefix: str = ""
    endpoint_url: str = ""
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = ""
    # Path-style URLs (endpoint/bucket/key), which MinIO and most self-hosted stores want.
    path_style: bool = False


class S3Blob:
    def __init__(self, body: Any, size: int) -> None:
        self._body = body
        self.size = size

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._body.iter_chunks(CHUNK_BYTES):
                yield chunk
        except _FAILURES as exc:
            raise FileStoreError(f"reading from S3: {exc}") from exc
        finally:
            await self.close()

    async def close(self) -> None:
        self._body.close()


class S3Store:
    def __init__(self, options: S3Options) -> None:
        self.options = options
        self._stack = contextlib.AsyncExitStack()
        self._client: S3Client | None = None

    @property
    def client(self) -> S3Client:
        if self._client is None:
            raise FileStoreError("the S3 file store is not started")
        return self._client

    def _key(self, key: str) -> str:
        key = check_key(key)
        return f"{self.options.prefix}/{key}" if self.options.prefix else key

    async def start(self) -> None:
        o = self.options
        config = AioConfig(
            s3={"addressing_style": "path" if o.path_style else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
            max_pool_connections=64,
        )
        # Without keys botocore looks in its usual places (AWS_* variables, the instance
        # profile), which is how a node on EC2 should get them.
        client = get_session().create_client(
            "s3",
            region_name=o.region,
            endpoint_url=o.endpoint_url or None,
            aws_access_key_id=o.access_key_id or None,
            aws_secret_access_key=o.secret_access_key or None,
            config=config,
        )
        self._client = await self._stack.enter_async_context(client)

    async def close(self) -> None:
        self._client = None
        await self._stack.aclose()

    async def put_file(self, key: str, source: Path, content_type: str) -> None:
        size = (await asyncio.to_thread(source.stat)).st_size
        if size <= PART_BYTES:
            await self.put_bytes(key, await asyncio.to_thread(source.read_bytes), content_type)
            return
        await self._multipart(self._key(key), source, content_type)

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        try:
            await self.client.put_object(
                Bucket=self.options.bucket, Key=self._key(key), Body=data, ContentType=content_type
            )
        except _FAILURES as exc:
            raise FileStoreError(f"writing {key} to S3: {exc}") from exc

    async def _multipart(self, key: str, source: Path, content_type: str) -> None:
        bucket = self.options.bucket
        try:
            started = await self.client.create_multipart_upload(
                Bucket=bucket, Key=key, ContentType=content_type
            )
        except _FAILURES as exc:
            raise FileStoreError(f"starting an upload of {key} to S3: {exc}") from exc
        upload_id = started["UploadId"]
        try:
            parts: list[CompletedPartTypeDef] = []
            handle = await asyncio.to_thread(open, source, "rb")
            try:
                number = 1
                while data := await asyncio.to_thread(handle.read, PART_BYTES):
                    done = await self.client.upload_part(
                        Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
                    )
                    parts.append({"ETag": done["ETag"], "PartNumber": number})
                    number += 1
            finally:
                handle.close()
            await self.client.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException as exc:
            # Parts of an unfinished upload are stored (and billed) until aborted.
            with contextlib.suppress(*_FAILURES):
                await self.client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
            if isinstance(exc, _FAILURES):
                raise FileStoreError(f"uploading {key} to S3: {exc}") from exc
            raise

    async def open(self, key: str) -> S3Blob | None:
        try:
            found = await self.client.get_object(Bucket=self.options.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise FileStoreError(f"reading {key} from S3: {exc}") from exc
        except _FAILURES as exc:
            raise FileStoreError(f"reading {key} from S3: {exc}") from exc
        return S3Blob(found["Body"], int(found["ContentLength"]))

    async def delete(self, keys: Sequence[str]) -> None:
        names = [self._key(k) for k in keys]
        for start in range(0, len(names), DELETE_BATCH):
            batch = names[start : start + DELETE_BATCH]
            try:
                result = await self.client.delete_objects(
                    Bucket=self.options.bucket,
                    Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True},
                )
            except _FAILURES as exc:
                raise FileStoreError(f"deleting from S3: {exc}") from exc
            failed = result.get("Errors") or []
            if failed:
                raise FileStoreError(f"S3 kept {len(failed)} objects: {failed[0]}")
