"""Posts and everything counted from them: creating (limits, mentions, hooks, the
group-commit writer), editing and deleting, post lists and their cursors, reactions,
collapsed reply threads (memberships, unread counts, the fan-out worker for large
threads), search (Mattermost's query syntax, narrowed to the searcher's channels), drafts,
and the ``PostHooks`` seam that plugins and integrations implement.
The mechanisms: ``docs/internals/posts.md``.
"""
