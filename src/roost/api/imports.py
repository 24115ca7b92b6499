"""The import API an admin's tools use (mmctl's ``import upload | list | process`` and
``import job show``), as Mattermost serves it:

- ``POST /uploads`` {type: "import", filename, file_size} opens a resumable upload;
  ``POST /uploads/{id}`` appends the request's raw body (streamed to disk, never held
  in memory; the middleware lets these bodies past the JSON limit and the upload's
  declared size bounds them), answering 204 until the file is whole, then 201;
  ``GET /uploads/{id}`` tells how far it got.
- ``GET /imports`` lists the import files waiting on this node.
- ``POST /jobs`` {type: "import_process", data: {import_file}} starts an import;
  ``GET /jobs/{id}`` and ``GET /jobs/type/import_process`` read its status and progress.

Only system admins reach any of it (``app/imports/service.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, decode_json, endpoint
from roost.api.http.responses import json_response
from roost.app.kernel import errors

UPLOAD_PREFIX = "/api/v4/uploads/"
MAX_JSON_BYTES = 64 * 1024


async def _json_object(req: Req, name: str) -> dict[str, Any]:
    body = await req.raw.body()
    if len(body) > MAX_JSON_BYTES:
        raise errors.invalid_param(name)
    found = decode_json(body, name)
    if not isinstance(found, dict):
        raise errors.invalid_param(name)
    return found


async def create_upload(req: Req) -> Response:
    actor = await req.actor()
    body = await _json_object(req, "upload")
    return json_response(await req.services.imports.create_upload(actor, body), 201)


async def get_upload(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.imports.get_upload(actor, req.path_id("upload_id")))


async def upload_data(req: Req) -> Response:
    actor = await req.actor()

    async def chunks() -> AsyncIterator[bytes]:
        async for chunk in req.raw.stream():
            if chunk:
                yield chunk

    done = await req.services.imports.upload_data(actor, req.path_id("upload_id"), chunks())
    if done is None:
        return Response(status_code=204)
    return json_response(done, 201)


async def list_imports(req: Req) -> Response:
    actor = await req.actor()
    return json_response(req.services.imports.list_imports(actor))


def routes() -> list[Route]:
    return [
        Route("/uploads", endpoint(create_upload), methods=["POST"]),
        Route("/uploads/{upload_id}", endpoint(get_upload), methods=["GET"]),
        Route("/uploads/{upload_id}", endpoint(upload_data), methods=["POST"]),
        Route("/imports", endpoint(list_imports), methods=["GET"]),
        # Import jobs go through the one jobs API (api/admin_retention.py).
    ]
