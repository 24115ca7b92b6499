"""A tiny reverse proxy that makes a real server slow (or refuse) on purpose.

HTTP requests are held for ``delay(open_sockets)`` seconds before being forwarded;
WebSockets are passed through untouched. Runs on the test's own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web

from tests.support.server import free_port

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "upgrade"}
Delay = Callable[[int], float]
# (method, path, body) -> an answer to give instead of forwarding: (status, Retry-After
# header or None), or None to forward.
Refuse = Callable[[str, str, bytes], tuple[int, str | None] | None]


class SlowProxy:
    def __init__(self, upstream: str, delay: Delay, refuse: Refuse | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self.delay = delay
        self.refuse = refuse
        self.sockets = 0
        self.url = ""
        self.session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        assert self.session is not None
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._websocket(request)
        await asyncio.sleep(self.delay(self.sockets))
        data = await request.read()
        if self.refuse is not None:
            answer = self.refuse(request.method, request.path, data)
            if answer is not None:
                status, retry_after = answer
                extra = {"Retry-After": retry_after} if retry_after is not None else {}
                error = {"id": "test.refused", "message": "busy", "status_code": status}
                return web.json_response(error, status=status, headers=extra)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with self.session.request(
            request.method,
            self.upstream + request.rel_url.path_qs,
            headers=headers,
            data=data,
            allow_redirects=False,
        ) as upstream:
            body = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS}
            return web.Response(status=upstream.status, body=body, headers=out)

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        assert self.session is not None
        client = web.WebSocketResponse(autoping=True)
        await client.prepare(request)
        url = "ws" + self.upstream[len("http") :] + request.rel_url.path_qs
        self.sockets += 1
        try:
            async with self.session.ws_connect(url) as server:

                async def pump_up() -> None:
                    async for msg in client:
                        if msg.type == aiohttp.WSMsgType.TEXT:
                            await server.send_str(msg.data)

                async def pump_down() -> None:
                    async for msg in server:
                        if msg.type == aiohttp.WSMsgType.TEXT:
                            await client.send_str(msg.data)

                tasks = [asyncio.create_task(pump_up()), asyncio.create_task(pump_down())]
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
        finally:
            self.sockets -= 1
            await client.close()
        return client


@asynccontextmanager
async def slow_proxy(
    upstream: str, delay: Delay, refuse: Refuse | None = None
) -> AsyncIterator[SlowProxy]:
    proxy = SlowProxy(upstream, delay, refuse)
    proxy.session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    proxy.url = f"http://127.0.0.1:{port}"
    try:
        yield proxy
    finally:
        await runner.cleanup()
        await proxy.session.close()
