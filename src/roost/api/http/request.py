"""Per-request helpers: parameters, bodies and the authenticated caller."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from roost.api.auth import authenticate_session
from roost.api.http import errors as http_errors
from roost.api.http.responses import error_response
from roost.app.kernel import errors, validation
from roost.app.kernel.audit import enter_client_address
from roost.app.kernel.context import Actor
from roost.app.services import Services
from roost.ids import is_valid_id, new_id
from roost.tenancy import DEFAULT_TENANT_ID

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger("roost.api")

DEFAULT_PER_PAGE = 60
MAX_PER_PAGE = 200
MAX_BODY_DEPTH = validation.MAX_JSON_DEPTH
_NUL = validation.NUL


class Req:
    """A request as handlers see it. Built once per request by ``endpoint``."""

    __slots__ = ("_actor", "raw", "request_id", "services", "tenant_id")

    def __init__(self, raw: Request) -> None:
        self.raw = raw
        self.services: Services = raw.app.state.services
        self.request_id: str = raw.scope.get("roost.request_id") or new_id()
        self.tenant_id: str = raw.scope.get("roost.tenant_id", DEFAULT_TENANT_ID)
        self._actor: Actor | None = None

    async def actor(self, mfa_exempt: bool = False) -> Actor:
        """The authenticated caller; raises 401 when there is none, and 403 when MFA is
        enforced and the caller has none, unless the route helps set it up
        (``mfa_exempt``, Mattermost's APISessionRequiredMfa)."""
        if self._actor is None:
            actor, session = await authenticate_session(
                self.raw, self.services.auth, self.tenant_id
            )
            if not mfa_exempt:
                self.services.mfa.check_enforced(session)
            self._actor = actor
        return self._actor

    # Path parameters.

    def path_id(self, name: str) -> str:
        value = str(self.raw.path_params.get(name, ""))
        if not is_valid_id(value):
            raise errors.invalid_url_param(name)
        return value

    async def user_id_param(self, name: str = "user_id") -> str:
        """A user id in the path, where ``me`` means the caller."""
        if self.raw.path_params.get(name) == "me":
            return (await self.actor()).user_id
        return self.path_id(name)

    def path_str(self, name: str, max_len: int = 128) -> str:
        value = str(self.raw.path_params.get(name, ""))
        if not value or len(value) > max_len or _NUL in value:
            raise errors.invalid_url_param(name)
        return value

    # Query parameters.

    def query_str(
        self, name: str, default: str = "", max_len: int = 1024, nul_ok: bool = False
    ) -> str:
        """``nul_ok``: the caller cleans the value before it is stored (file names)."""
        value = self.raw.query_params.get(name, default)
        if len(value) > max_len or (_NUL in value and not nul_ok):
            # A NUL would reach SQL (search terms, names) and fail there.
            raise errors.invalid_param(name)
        return value

    def query_int(
        self, name: str, default: int, minimum: int = 0, maximum: int | None = None
    ) -> int:
        raw = self.raw.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise errors.invalid_param(name) from None
        if value < minimum:
            raise errors.invalid_param(name)
        if maximum is not None and value > maximum:
            return maximum
        return value

    def query_bool(self, name: str, default: bool = False) -> bool:
        raw = self.raw.query_params.get(name)
        if raw is None or raw == "":
            return default
        lowered = raw.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise errors.invalid_param(name)

    def query_id(self, name: str, required: bool = False) -> str:
        value = self.raw.query_params.get(name, "")
        if value == "" and not required:
            return ""
        if not is_valid_id(value):
            raise errors.invalid_param(name)
        return value

    def paging(self, default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
        """(offset, limit) from page and per_page; per_page is capped at 200."""
        page = self.query_int("page", 0, 0, 1_000_000)
        per_page = self.query_int("per_page", default_per_page, 0, MAX_PER_PAGE)
        return page * per_page, per_page

    # Bodies.

    async def json(self) -> Any:
        body = await self.raw.body()
        if not body:
            raise errors.invalid_body_param("body")
        return decode_json(body, "body")

    async def json_object(self) -> dict[str, Any]:
        data = await self.json()
        if not isinstance(data, dict):
            raise errors.invalid_body_param("body", "expected a JSON object")
        return data

    async def model(self, model: type[M]) -> M:
        data = await self.json()
        return parse_model(model, data)

    async def id_list(self, name: str, max_items: int = 1000) -> list[str]:
        data = await self.json()
        if not isinstance(data, list) or len(data) > max_items:
            raise errors.invalid_body_param(name)
        if not all(isinstance(v, str) and is_valid_id(v) for v in data):
            raise errors.invalid_body_param(name)
        return list(dict.fromkeys(data))

    async def str_list(self, name: str, max_items: int = 1000, max_len: int = 128) -> list[str]:
        data = await self.json()
        if not isinstance(data, list) or len(data) > max_items:
            raise errors.invalid_body_param(name)
        if not all(isinstance(v, str) and 0 < len(v) <= max_len for v in data):
            raise errors.invalid_body_param(name)
        return list(dict.fromkeys(data))


def decode_json(body: bytes | str, name: str) -> Any:
    """A request's JSON, refused (400, ``name`` in the error) when it is malformed,
    nests deeper than MAX_BODY_DEPTH or holds a NUL character anywhere: PostgreSQL
    stores no NUL in text, and nothing a client sends needs one."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise errors.invalid_body_param(name, "the body is not valid JSON") from None
    raw = body.encode() if isinstance(body, str) else body
    # JSON text holds a NUL only as the escape \u0000, and nests no deeper than it has
    # brackets: most bodies need no walk at all.
    may_hold_nul = b"u0000" in raw
    may_nest = raw.count(b"[") + raw.count(b"{") > MAX_BODY_DEPTH
    if may_hold_nul or may_nest:
        check_clean(data, name)
    return data


def check_clean(data: Any, name: str) -> None:
    """Raise Mattermost's invalid body error if a value nests too deeply or any
    string in it (keys too) holds a NUL character."""
    problem = validation.json_problem(data)
    if problem is not None:
        raise errors.invalid_body_param(name, problem)


def path_has_nul(scope: Any) -> bool:
    """Whether the request's (decoded) path carries a NUL character (``%00``)."""
    return _NUL in scope.get("path", "")


def parse_model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise errors.invalid_body_param(field, first.get("msg", "")) from None


def client_address(raw: Request) -> str:
    """The client's address as the audit log records it: the same the rate limits and
    the login queue use (the socket's peer, or ``ROOST_TRUSTED_PROXY_IP_HEADER``'s value
    behind a trusted proxy)."""
    limits = getattr(raw.app.state, "rate_limits", None)
    if limits is not None:
        return str(limits.client_address(raw.scope))
    return raw.client.host if raw.client is not None else ""


Handler = Callable[[Req], Awaitable[Response]]


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler so every AppError becomes Mattermost's error JSON."""

    async def run(raw: Request) -> Response:
        req = Req(raw)
        enter_client_address(client_address(raw))
        try:
            if path_has_nul(raw.scope):
                # Path segments are ids and names that reach SQL, where a NUL fails.
                raise errors.invalid_url_param("path")
            return await handler(req)
        except errors.AppError as exc:
            return error_response(exc, req.request_id)
        except Exception as exc:
            # A database that is down or restarting is a 503 the client may retry,
            # not an internal error.
            unavailable = http_errors.refuse_for_store(exc)
            if unavailable is None:
                raise
            if unavailable.error_id == errors.DATABASE_UNAVAILABLE:
                log.warning("%s %s: database unavailable (%s)", raw.method, raw.url.path, exc)
            return error_response(unavailable, req.request_id)

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
