"""Rows another domain writes in the very transaction that writes new posts.

Some work caused by a post must never be lost once the post is acknowledged, even if
the node dies the moment after its commit: notifications are the case (a post job in
the outbox). Publishing an event after the commit cannot promise that; writing the job
in the post's own transaction can, for the price of one multi-row INSERT per batch.
Higher domains implement ``WrittenWithPosts``; ``roost.compose`` hands them to
``Posts`` (the posts domain cannot import them). Each post carries what they need in
``NewPost.extras``, filled before the write from what the post path already knows.
"""

from __future__ import annotations

from collections.abc import Sequence

from roost.store.db.database import Connection
from roost.store.posts.batches import NewPost


class WrittenWithPosts:
    """The defaults write nothing."""

    def wanted(self) -> bool:
        """Whether posts need ``extras`` and ``write`` now (settings may change live)."""
        return False

    async def write(self, conn: Connection, tenant_id: str, items: Sequence[NewPost]) -> None:
        """Inside the posts' transaction, after they are written; raising rolls the
        posts back with it (the writer then retries post by post)."""

    def committed(self) -> None:
        """After the transaction committed (e.g. wake a worker)."""
