"""Teams, channels and who is in them: teams (created with ``town-square`` and
``off-topic``, which every joiner joins; leaving soft-deletes the team member), channels,
memberships and read state, direct and group channels. ``Channels.member_ids`` and
``Channels.meta`` are the in-process caches of member ids and channel rows, dropped by the
membership and channel events on the bus (``docs/internals/nodes.md``).
"""
