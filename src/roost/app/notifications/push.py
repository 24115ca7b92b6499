"""The push proxy's client: ``POST {PushNotificationServer}/api/v1/send_push``.

The proxy answers ``{"status": "OK"}``, ``{"status": "REMOVE"}`` (the device no longer
takes pushes: the caller forgets it) or ``{"status": "FAIL", "error": ...}``. A refused
connection, a timeout or a 5xx is worth retrying; a 4xx or a FAIL is not.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson

from roost.app.notifications.outbox import GiveUp, Retry
from roost.model.notification import PUSH_FAIL, PUSH_OK, PUSH_REMOVE

SEND_PATH = "/api/v1/send_push"


class PushProxy:
    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._url = base_url.rstrip("/") + SEND_PATH if base_url else ""
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    @property
    def configured(self) -> bool:
        return bool(self._url)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=64),
                json_serialize=lambda v: orjson.dumps(v).decode(),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, message: dict[str, Any]) -> str:
        """PUSH_OK or PUSH_REMOVE; raises Retry or GiveUp."""
        if not self._url:
            raise GiveUp("no push notification server is configured")
        try:
            async with self._client().post(
                self._url,
                data=orjson.dumps(message),
                headers={"Content-Type": "application/json"},
            ) as response:
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise Retry(f"push proxy unreachable: {type(exc).__name__}") from None
        if status >= 500 or status == 429:
            raise Retry(f"push proxy answered {status}")
        if status >= 400:
            raise GiveUp(f"push proxy refused the message ({status})")
        answer = _answer(body)
        result = str(answer.get("status", PUSH_OK)).upper()
        if result == PUSH_REMOVE:
            return PUSH_REMOVE
        if result == PUSH_FAIL:
            raise GiveUp(f"push proxy: {str(answer.get('error', 'FAIL'))[:200]}")
        return PUSH_OK


def _answer(body: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
