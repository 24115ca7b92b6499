"""Responses in the exact shapes Mattermost clients test for."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from roost.app.kernel.errors import AppError

# The drivers compare Content-Type to this string exactly: no charset.
JSON = "application/json"
OK_BODY = b'{"status":"OK"}'


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type=JSON, headers=headers)


def ok_response() -> Response:
    return Response(OK_BODY, media_type=JSON)


def error_response(error: AppError, request_id: str) -> Response:
    body = {
        "id": error.error_id,
        "message": error.message,
        "detailed_error": error.detailed,
        "request_id": request_id,
        "status_code": error.status,
    }
    headers = None
    if error.retry_after is not None:
        headers = {"Retry-After": f"{error.retry_after:g}"}
    return json_response(body, status=error.status, headers=headers)
