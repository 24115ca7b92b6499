"""Stop work whose client has gone.

uvicorn does not cancel a handler when its client disconnects: the handler runs to the
end and its answer goes nowhere. For work that is expensive or that leaves something
behind (a login hashes a password, then creates a session), ``until_client_leaves``
runs the work beside a watch on the connection and cancels the work when the client
leaves first; queued work then leaves its queue before it runs
(``roost.app.kernel.admission``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive

_T = TypeVar("_T")
# nginx's code for "client closed request": logged and counted, never read by anyone.
CLIENT_CLOSED_REQUEST = 499


class ClientGone(Exception):
    """The client disconnected before the work finished; the work was cancelled."""


async def _disconnect(receive: Receive) -> None:
    # After the body has been read, the server's receive() answers only when the
    # connection closes (or the response is complete).
    while (await receive())["type"] != "http.disconnect":
        pass


async def until_client_leaves(raw: Request, work: Awaitable[_T]) -> _T:
    """Await ``work`` (a coroutine), cancelling it and raising ClientGone if the client
    disconnects first. Call it only once the request's body has been read."""
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(_disconnect(raw.receive))
    try:
        await asyncio.wait((task, watch), return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not task.done():
            task.cancel()
        watch.cancel()
        await asyncio.wait((task, watch))
    if not watch.cancelled():
        watch.exception()  # retrieved, whatever ended the watch
    if task.cancelled():
        raise ClientGone
    return task.result()


async def client_left(raw: Request) -> bool:
    """Whether the client has disconnected (a check that does not wait)."""
    return await raw.is_disconnected()


def gone_response() -> Response:
    return Response(status_code=CLIENT_CLOSED_REQUEST)
