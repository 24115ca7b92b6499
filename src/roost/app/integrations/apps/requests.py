"""What users ask of HTTP apps: the bindings their client shows, and calls (a form's
submit or lookup, a button, a menu item) made on their behalf.

The caller's access is checked before the app hears of anything: the channel must be
one they can read, a post must be in it, a team one they belong to. The context the app
gets names those ids, the acting user, the app's bot and its token, and the objects
the call's ``expand`` asks for.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from roost.app.channels import post_access
from roost.app.integrations.access import is_team_member
from roost.app.integrations.apps.apps import Apps
from roost.app.integrations.apps.calls import base_context, request_body, send, wanted
from roost.app.integrations.outbound import OutboundHttp
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.ids import is_valid_id
from roost.model.app import LOCATIONS, InstalledApp
from roost.store.accounts import users as user_store
from roost.store.channels import channels as channel_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.posts import posts as post_store

QUERY_MAX = 1024
RAW_COMMAND_MAX = 4096
VALUES_MAX_BYTES = 64 * 1024


async def expand_context(
    conn: AsyncConnection, tenant_id: str, want: set[str], context: dict[str, Any]
) -> dict[str, Any]:
    """The objects asked for, as Roost's API renders them."""
    out: dict[str, Any] = {}
    ids = {
        "acting_user": context.get("acting_user_id"),
        "user": context.get("user_id"),
        "channel": context.get("channel_id"),
        "team": context.get("team_id"),
        "post": context.get("post_id"),
        "root_post": context.get("root_post_id"),
    }
    for name in want:
        key = ids.get(name)
        if not key:
            continue
        found: Any
        if name in ("acting_user", "user"):
            found = await user_store.get_user(conn, tenant_id, key)
        elif name == "channel":
            found = await channel_store.get_channel(conn, tenant_id, key)
        elif name == "team":
            found = await team_store.get_team(conn, tenant_id, key)
        else:
            found = await post_store.get_post(conn, tenant_id, key)
        if found is not None:
            out[name] = found.to_dict()
    return out


def _id_field(context: dict[str, Any], name: str) -> str:
    value = context.get(name) or ""
    if not isinstance(value, str) or (value and not is_valid_id(value)):
        raise errors.invalid_body_param(f"context.{name}")
    return value


class AppRequests:
    def __init__(self, db: Database, http: OutboundHttp, apps: Apps) -> None:
        self._db = db
        self._http = http
        self._apps = apps

    async def bindings_for(self, actor: Actor, channel_id: str, team_id: str) -> list[Any]:
        """Every installed app's bindings, merged by location (from the server's cache)."""
        await self._scope(actor, {"channel_id": channel_id, "team_id": team_id})
        installed = await self._apps.installed(actor.tenant_id)
        found = await asyncio.gather(*(self._apps.bindings.get(app) for app in installed))
        merged: list[Any] = []
        for location in LOCATIONS:
            items = [b for app in found for b in app.by_location.get(location, ())]
            if items:
                merged.append({"location": location, "bindings": items})
        return merged

    async def _scope(self, actor: Actor, context: dict[str, Any]) -> dict[str, str]:
        """The ids the call is about, checked against what the actor may see."""
        channel_id = _id_field(context, "channel_id")
        team_id = _id_field(context, "team_id")
        post_id = _id_field(context, "post_id")
        root_id = _id_field(context, "root_id") or _id_field(context, "root_post_id")
        async with self._db.read() as conn:
            if post_id:
                post = await post_store.get_post(conn, actor.tenant_id, post_id)
                if post is None or (channel_id and post.channel_id != channel_id):
                    raise post_access.post_not_found()
                channel_id, root_id = post.channel_id, post.root_id
            if channel_id:
                access = await post_access.load(conn, actor, channel_id)
                post_access.check_read(actor, access)
                team_id = access.channel.team_id or team_id
            elif (
                team_id
                and not actor.is_system_admin
                and not await is_team_member(conn, actor, team_id)
            ):
                raise errors.forbidden()
        return {
            "channel_id": channel_id,
            "team_id": team_id,
            "post_id": post_id,
            "root_post_id": root_id,
        }

    async def do_call(self, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
        """``POST .../call`` from a client: a CallRequest naming the app in its context."""
        context = body.get("context") or {}
        if not isinstance(context, dict):
            raise errors.invalid_body_param("context")
        app_id = context.get("app_id")
        if not isinstance(app_id, str) or not app_id:
            raise errors.invalid_body_param("context.app_id")
        app = await self._apps.by_id(actor.tenant_id, app_id)
        path = body.get("path")
        if not isinstance(path, str) or not path.startswith("/") or len(path) > 512:
            raise errors.invalid_body_param("path")
        expand = body.get("expand") or {}
        if not isinstance(expand, dict):
            raise errors.invalid_body_param("expand")
        values = body.get("values") or {}
        if not isinstance(values, dict) or len(orjson.dumps(values)) > VALUES_MAX_BYTES:
            raise errors.invalid_body_param(
                "values", f"an object of at most {VALUES_MAX_BYTES} bytes"
            )
        fields: dict[str, Any] = {"values": values}
        for name, limit in (("raw_command", RAW_COMMAND_MAX), ("selected_field", 128)):
            value = body.get(name)
            if value is not None:
                if not isinstance(value, str) or len(value) > limit:
                    raise errors.invalid_body_param(name)
                fields[name] = value
        query = body.get("query")
        if query is not None:
            if not isinstance(query, str) or len(query) > QUERY_MAX:
                raise errors.invalid_body_param("query")
            fields["query"] = query
        location = context.get("location") or ""
        scope = await self._scope(actor, context)
        if isinstance(location, str):
            scope["location"] = location[:256]
        call: dict[str, Any] = {"path": path, "expand": expand}
        if "state" in body:
            call["state"] = body["state"]
        return await self.call_as(actor, app, call, scope, **fields)

    async def call_as(
        self,
        actor: Actor,
        app: InstalledApp,
        call: dict[str, Any],
        scope: dict[str, str],
        **fields: Any,
    ) -> dict[str, Any]:
        """Make a call for this user (their access already checked) and handle the
        answer's ``refresh_bindings``."""
        context: dict[str, Any] = {
            **base_context(app, self._apps.site_url),
            **scope,
            "acting_user_id": actor.user_id,
            "user_id": actor.user_id,
        }
        want = wanted(call)
        if want:
            async with self._db.read() as conn:
                context.update(await expand_context(conn, actor.tenant_id, want, context))
        body = request_body(call, context, **fields)
        answer = await send(self._http, app, call["path"], body, actor.user_id)
        if answer.get("refresh_bindings") is True:
            await self._apps.bindings.refresh(actor.tenant_id, app.app_id)
        return answer
