"""Saved posts: the posts a user flagged (``flagged_post`` preferences, which the
clients write), that the user may still read, newest first."""

from __future__ import annotations

from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.lists import decorate
from roost.model.post import PostList
from roost.store.db.database import Database
from roost.store.posts import saved as saved_store


class SavedPosts:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def flagged(
        self,
        actor: Actor,
        user_id: str,
        *,
        team_id: str = "",
        channel_id: str = "",
        offset: int = 0,
        limit: int = 60,
    ) -> PostList:
        if user_id != actor.user_id and not actor.is_system_admin:
            raise errors.forbidden()
        result = PostList()
        async with self._db.read() as conn:
            found = await saved_store.flagged_page(
                conn,
                actor.tenant_id,
                user_id,
                team_id=team_id,
                channel_id=channel_id,
                offset=offset,
                limit=limit + 1,
            )
            for post in found[:limit]:
                result.add(post)
            await decorate(conn, actor.tenant_id, result.posts.values(), actor)
        result.has_next = len(found) > limit
        return result
