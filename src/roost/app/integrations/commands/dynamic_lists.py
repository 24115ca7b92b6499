"""Fetching a DynamicList argument's items while a user types a slash command.

A fetch URL under ``/plugins/<id>/`` is a GET to that plugin's ``serve_http`` (as
Mattermost does), answered by the caller's tenant's instance with the caller's user
id; an absolute ``http(s)`` URL is a GET through the integrations' outbound client, so
the tenant's outbound policy, its timeout and its response cap apply; an ``apps:`` URL
(an HTTP app's dynamic_select field) is the app's lookup call, as the user. Any other
URL (Mattermost's ``builtin:``) offers nothing.

The query is Mattermost's: ``user_input``, ``parsed``, ``channel_id``, ``team_id``,
``root_id``, ``user_id``, ``site_url``. The answer must be a JSON list of
``{"Item", "Hint", "HelpText"}``.

Limits, so a keystroke never waits on a broken integration: every fetch of one answer
together within ``FETCH_SECONDS``; a plugin's answer at most ``MAX_LIST_BYTES`` (an
outbound one at most the outbound cap); at most ``MAX_ITEMS`` items taken. A fetch
that fails, hangs, errs or answers anything else offers nothing, and the rest of the
answer (triggers, sub-commands, fixed lists, hints) comes back as usual.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import orjson

from roost.app.integrations.commands.autocomplete import Fetch
from roost.app.integrations.commands.providers import AppLookups, PluginRequests
from roost.app.integrations.outbound import OutboundHttp
from roost.app.kernel.context import Actor
from roost.model.autocomplete import AutocompleteListItem
from roost.model.delivery import redacted_url

log = logging.getLogger(__name__)

FETCH_SECONDS = 2.0
MAX_LIST_BYTES = 256 * 1024
MAX_ITEMS = 200
PLUGIN_PREFIX = "/plugins/"
APP_PREFIX = "apps:"


class _Unusable(Exception):
    pass


def parse_items(body: bytes) -> list[AutocompleteListItem]:
    """The items of a fetch's answer; _Unusable when it is not a JSON list."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _Unusable("not JSON") from None
    if not isinstance(data, list):
        raise _Unusable("not a JSON list")
    items = [AutocompleteListItem.from_dict(d) for d in data[:MAX_ITEMS]]
    return [i for i in items if i is not None]


class DynamicLists:
    def __init__(self, http: OutboundHttp, site_url: Callable[[str], str]) -> None:
        self._http = http
        self._site_url = site_url
        # The command providers that answer plugin and app lists (set with them).
        self._plugins: list[PluginRequests] = []
        self._apps: list[AppLookups] = []

    def set_sources(self, plugins: list[PluginRequests], apps: list[AppLookups]) -> None:
        self._plugins = list(plugins)
        self._apps = list(apps)

    async def prepare(self, tenant_id: str) -> None:
        """Apps' commands loaded where this node has none held yet, within the budget
        (an app that does not answer is left out of this answer)."""
        try:
            async with asyncio.timeout(FETCH_SECONDS):
                for apps in self._apps:
                    await apps.load_commands(tenant_id)
        except Exception as exc:
            log.warning("apps' commands not loaded for autocomplete: %s", exc)

    def fetcher(self, actor: Actor, channel_id: str, team_id: str, root_id: str) -> Fetch:
        """A Fetch for one answer: one time budget, each distinct fetch made once."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FETCH_SECONDS
        done: dict[tuple[str, str, str], list[AutocompleteListItem]] = {}
        context = {
            "channel_id": channel_id,
            "team_id": team_id,
            "root_id": root_id,
            "user_id": actor.user_id,
            "site_url": self._site_url(actor.tenant_id),
        }

        async def fetch(url: str, parsed: str, user_input: str) -> list[AutocompleteListItem]:
            key = (url, parsed, user_input)
            if key not in done:
                query = {"user_input": user_input, "parsed": parsed, **context}
                done[key] = await self._fetch(actor, url, query, deadline - loop.time())
            return done[key]

        return fetch

    async def _fetch(
        self, actor: Actor, url: str, query: dict[str, str], seconds: float
    ) -> list[AutocompleteListItem]:
        if seconds <= 0:
            return []
        try:
            async with asyncio.timeout(seconds):
                if url.startswith(APP_PREFIX):
                    return await self._app_lookup(actor, url, query)
                return parse_items(await self._get(actor, url, urlencode(query)))
        except TimeoutError:
            why = f"no answer within {FETCH_SECONDS:g}s"
        except _Unusable as exc:
            why = str(exc)
        except Exception as exc:  # an integration's failure must not fail the answer
            why = f"{type(exc).__name__}: {exc}"
        log.warning("autocomplete list %s not used: %s", redacted_url(url), why)
        return []

    async def _app_lookup(
        self, actor: Actor, url: str, query: dict[str, str]
    ) -> list[AutocompleteListItem]:
        # The app is asked for the word being typed, as its forms' lookups are.
        word = query["user_input"][len(query["parsed"]) :].strip()
        scope = {
            "channel_id": query["channel_id"],
            "team_id": query["team_id"],
            "root_post_id": query["root_id"],
        }
        for apps in self._apps:
            items = await apps.app_lookup(actor, url, word, scope)
            if items is not None:
                return items[:MAX_ITEMS]
        raise _Unusable("no such app")

    async def _get(self, actor: Actor, url: str, query: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            full = f"{parts.query}&{query}" if parts.query else query
            response = await self._http.request(
                "GET", parts._replace(query=full, fragment="").geturl()
            )
            if not response.ok:
                raise _Unusable(f"answered {response.status}")
            return response.body
        path = "/" + parts.path.lstrip("/")
        if parts.scheme or parts.netloc or not path.startswith(PLUGIN_PREFIX):
            raise _Unusable("not a plugin's or an http(s) URL")
        plugin_id, _, rest = path[len(PLUGIN_PREFIX) :].partition("/")
        full_query = f"{parts.query}&{query}" if parts.query else query
        for plugins in self._plugins:
            answer = await plugins.plugin_get(
                actor, plugin_id, "/" + rest, full_query, MAX_LIST_BYTES
            )
            if answer is not None:
                status, body = answer
                if not 200 <= status < 300:
                    raise _Unusable(f"answered {status}")
                return body
        raise _Unusable(f"plugin {plugin_id} is not running")
