"""HTTP calls of the simulated users: one shared aiohttp session, every call measured.

Each call is named by its route template (``GET /channels/{channel_id}/posts``) so
the report groups requests by endpoint. Refusals (429, or 503 with ``Retry-After``)
are counted apart from errors and timeouts. Answers that say the server lacks the
endpoint (an unknown-route 404, a 405 or a 501) are counted as *unsupported*: a
Mattermost-compatible server that has not implemented drafts or search yet is
measured on the rest, not failed.
"""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import orjson

from roost.loadtest import metrics
from roost.loadtest.metrics import Recorder

API = "/api/v4"
# Mattermost's (and Roost's) error id for a path no route matches.
UNKNOWN_ROUTE_ID = "api.context.404.app_error"


class CallError(Exception):
    """A request that did not succeed; actions turn it into a failed outcome."""

    def __init__(self, name: str, status: int, detail: str = "") -> None:
        super().__init__(f"{name}: {status} {detail}".strip())
        self.name = name
        self.status = status
        self.detail = detail


class Unsupported(CallError):
    """The server has no such endpoint."""


class Timeout(CallError):
    pass


class Refused(CallError):
    """The server shed the request (429, or 503 with ``Retry-After``): over capacity,
    not broken. ``retry_after`` is the wait it asked for, in seconds, if it said."""

    def __init__(self, name: str, status: int, detail: str, retry_after: float | None) -> None:
        super().__init__(name, status, detail)
        self.retry_after = retry_after


def retry_after_s(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (Mattermost sends whole seconds; an HTTP
    date is not followed)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def is_refusal(status: int, retry_after: str | None) -> bool:
    return status == 429 or (status == 503 and retry_after is not None)


def _error_id(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("id") or "")
    return ""


def is_unsupported(status: int, body: Any) -> bool:
    if status in (405, 501):
        return True
    return status == 404 and _error_id(body) in ("", UNKNOWN_ROUTE_ID)


def _load(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


class Http:
    """The shared transport: base URL, session, timeout, recorder."""

    def __init__(
        self, session: aiohttp.ClientSession, base: str, recorder: Recorder, timeout_s: float
    ) -> None:
        self.session = session
        self.base = base.rstrip("/")
        self.recorder = recorder
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def send(
        self,
        action: str,
        method: str,
        route: str,
        *,
        token: str = "",
        path: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        json: Any = None,
        data: Any = None,
    ) -> tuple[Any, dict[str, str]]:
        """One request; returns (decoded body, headers) or raises a CallError."""
        name = f"{method} {route}"
        url = self.base + API + (route.format(**path) if path else route)
        headers = {"X-Requested-With": "XMLHttpRequest"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body: bytes | Any = data
        if json is not None:
            body = orjson.dumps(json)
            headers["Content-Type"] = "application/json"
        rec = self.recorder
        started = time.perf_counter()
        try:
            async with self.session.request(
                method, url, params=params, data=body, headers=headers, timeout=self.timeout
            ) as resp:
                raw = await resp.read()
                status = resp.status
                token_header = resp.headers.get("Token")
                out_headers = {"Token": token_header} if token_header else {}
                retry_after = resp.headers.get("Retry-After")
        except TimeoutError:
            ms = (time.perf_counter() - started) * 1000
            rec.request(name, metrics.TIMEOUT, 0, ms, time.time())
            raise Timeout(name, 0, "timeout") from None
        except aiohttp.ClientError as exc:
            ms = (time.perf_counter() - started) * 1000
            rec.request(name, metrics.CONN_ERROR, 0, ms, time.time(), type(exc).__name__)
            raise CallError(name, 0, type(exc).__name__) from None
        ms = (time.perf_counter() - started) * 1000
        wall = time.time()
        decoded = _load(raw)
        if status < 400:
            rec.request(name, metrics.OK, status, ms, wall)
            return decoded, out_headers
        if is_unsupported(status, decoded):
            rec.request(name, metrics.UNSUPPORTED, status, ms, wall)
            rec.unsupported_by_action(action, name)
            raise Unsupported(name, status)
        error_id = _error_id(decoded)
        if is_refusal(status, retry_after):
            rec.request(name, metrics.REFUSED, status, ms, wall, error_id)
            raise Refused(name, status, error_id, retry_after_s(retry_after))
        rec.request(name, metrics.HTTP_ERROR, status, ms, wall, error_id)
        raise CallError(name, status, error_id)


class Calls:
    """One user's view of the transport within one action: its token and the action name."""

    __slots__ = ("action", "http", "token")

    def __init__(self, http: Http, token: str, action: str) -> None:
        self.http = http
        self.token = token
        self.action = action

    async def get(self, route: str, params: dict[str, str] | None = None, **path: str) -> Any:
        body, _ = await self.http.send(
            self.action, "GET", route, token=self.token, path=path, params=params
        )
        return body

    async def post(
        self, route: str, json: Any = None, params: dict[str, str] | None = None, **path: str
    ) -> Any:
        body, _ = await self.http.send(
            self.action, "POST", route, token=self.token, path=path, params=params, json=json
        )
        return body

    async def put(self, route: str, json: Any = None, **path: str) -> Any:
        body, _ = await self.http.send(
            self.action, "PUT", route, token=self.token, path=path, json=json
        )
        return body

    async def delete(self, route: str, **path: str) -> Any:
        body, _ = await self.http.send(self.action, "DELETE", route, token=self.token, path=path)
        return body

    async def upload(self, route: str, form: aiohttp.FormData, **path: str) -> Any:
        body, _ = await self.http.send(
            self.action, "POST", route, token=self.token, path=path, data=form
        )
        return body
