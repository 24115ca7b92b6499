"""A router that looks only at routes sharing the request's first path segment.

Starlette's router tries every route's regex in turn; with a couple of hundred API
routes that scan cost more CPU than some handlers. Routes are bucketed by their first
literal segment (``users``, ``posts``, ...), keeping their order, so a request is
matched against a dozen routes instead of all of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Match, Route, Router, WebSocketRoute
from starlette.types import Receive, Scope, Send


def _route_path(scope: Scope) -> str:
    """The path below the mount point this router serves."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.startswith("/") else ""


class IndexedRouter(Router):
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        super().__init__(routes=list(routes), redirect_slashes=False)
        self._buckets: dict[str, list[BaseRoute]] = {}
        self._anywhere: list[BaseRoute] = []
        for route in self.routes:
            path = route.path if isinstance(route, Route | WebSocketRoute) else ""
            first = _first_segment(path)
            if not first or first.startswith("{"):
                self._anywhere.append(route)
        for route in self.routes:
            path = route.path if isinstance(route, Route | WebSocketRoute) else ""
            first = _first_segment(path)
            if first and not first.startswith("{"):
                self._buckets.setdefault(first, list(self._anywhere)).append(route)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        first = _first_segment(_route_path(scope))
        candidates = self._buckets.get(first, self._anywhere)
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in candidates:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            # The path exists but not for this method: the route answers 405.
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await self.default(scope, receive, send)
