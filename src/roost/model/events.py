"""Every event name Roost publishes on its bus, in one place.

Two kinds share the bus. Client events go out over the WebSocket under the names
Mattermost's clients listen for, so each value here is a wire string and must not
change. Internal events are for the nodes only (cache invalidations, cluster
requests): they are published with no recipients (``model.event.internal_event``)
and never reach a client.

Names are plain constants rather than an enum so that ``Event.name`` stays a ``str``:
plugins publish names of their own (``custom_event``) and the bus carries whatever
name it is given.
"""

from __future__ import annotations

# Client events, by what they are about. Only the ones Roost sends are listed;
# Mattermost has more (``channel_viewed``, ``plugin_enabled``, ...) that Roost never
# emits.

# The connection: the first event on every socket.
HELLO = "hello"

# Posts and reactions, to the post's channel (``ephemeral_message`` to one user).
POSTED = "posted"
POST_EDITED = "post_edited"
POST_DELETED = "post_deleted"
EPHEMERAL_MESSAGE = "ephemeral_message"
REACTION_ADDED = "reaction_added"
REACTION_REMOVED = "reaction_removed"
# A user's scheduled posts changed (data: scheduledPost, as JSON), to that user.
SCHEDULED_POST_CREATED = "scheduled_post_created"
SCHEDULED_POST_UPDATED = "scheduled_post_updated"
SCHEDULED_POST_DELETED = "scheduled_post_deleted"
# Someone acknowledged a post that asked for it, or took it back (data: acknowledgement).
POST_ACKNOWLEDGEMENT_ADDED = "post_acknowledgement_added"
POST_ACKNOWLEDGEMENT_REMOVED = "post_acknowledgement_removed"
# A channel's bookmarks changed, to its members (data: bookmark, or bookmarks for an
# update's {updated, deleted} and a new order's list, as JSON).
CHANNEL_BOOKMARK_CREATED = "channel_bookmark_created"
CHANNEL_BOOKMARK_UPDATED = "channel_bookmark_updated"
CHANNEL_BOOKMARK_DELETED = "channel_bookmark_deleted"
CHANNEL_BOOKMARK_SORTED = "channel_bookmark_sorted"
# Custom user groups: a group made or changed (data: group, as JSON), to everyone of the
# tenant; a member added or removed (data: group_member), to that member.
RECEIVED_GROUP = "received_group"
GROUP_MEMBER_ADD = "group_member_add"
GROUP_MEMBER_DELETE = "group_member_deleted"
# An interactive dialog to show (data: dialog, as JSON), to the user who triggered it.
OPEN_DIALOG = "open_dialog"
# A user marked a post (and those after it) unread, to that user's connections.
POST_UNREAD = "post_unread"
# A custom emoji was created, to everyone of the tenant (none on delete, as Mattermost).
EMOJI_ADDED = "emoji_added"

# Collapsed threads, to the followers (or the one user whose read state changed).
THREAD_UPDATED = "thread_updated"
THREAD_READ_CHANGED = "thread_read_changed"
THREAD_FOLLOW_CHANGED = "thread_follow_changed"

# Channels and their members.
CHANNEL_CREATED = "channel_created"
CHANNEL_UPDATED = "channel_updated"
# A channel became private or public (data: channel_id), to its team.
CHANNEL_CONVERTED = "channel_converted"
CHANNEL_DELETED = "channel_deleted"
CHANNEL_RESTORED = "channel_restored"
CHANNEL_MEMBER_UPDATED = "channel_member_updated"
MULTIPLE_CHANNELS_VIEWED = "multiple_channels_viewed"
USER_ADDED = "user_added"
USER_REMOVED = "user_removed"
DIRECT_ADDED = "direct_added"
GROUP_ADDED = "group_added"
TYPING = "typing"

# Teams and their members.
ADDED_TO_TEAM = "added_to_team"
LEAVE_TEAM = "leave_team"
UPDATE_TEAM = "update_team"
DELETE_TEAM = "delete_team"
RESTORE_TEAM = "restore_team"
MEMBERROLE_UPDATED = "memberrole_updated"

# Roles: a role's permissions changed, to everyone (data.role: the role as a JSON string).
ROLE_UPDATED = "role_updated"

# Users: accounts, statuses, preferences.
NEW_USER = "new_user"
USER_UPDATED = "user_updated"
STATUS_CHANGE = "status_change"
PREFERENCES_CHANGED = "preferences_changed"
PREFERENCES_DELETED = "preferences_deleted"

# Sidebar categories, to their owner's connections (with the team they belong to).
SIDEBAR_CATEGORY_CREATED = "sidebar_category_created"
SIDEBAR_CATEGORY_UPDATED = "sidebar_category_updated"
SIDEBAR_CATEGORY_DELETED = "sidebar_category_deleted"
SIDEBAR_CATEGORY_ORDER_UPDATED = "sidebar_category_order_updated"

# Drafts, to their author's other sessions.
DRAFT_CREATED = "draft_created"
DRAFT_UPDATED = "draft_updated"
DRAFT_DELETED = "draft_deleted"

# The configuration changed (data.config: the new client configuration), to everyone of
# the tenant, as Mattermost's.
CONFIG_CHANGED = "config_changed"


def custom_event(plugin_id: str, event: str) -> str:
    """The wire name of an event a plugin publishes: Mattermost prefixes it so that
    two plugins (or a plugin and the server) cannot send the same name."""
    return f"custom_{plugin_id}_{event}"


CLIENT_EVENTS = frozenset(
    {
        HELLO,
        POSTED,
        POST_EDITED,
        POST_DELETED,
        EPHEMERAL_MESSAGE,
        REACTION_ADDED,
        REACTION_REMOVED,
        POST_UNREAD,
        EMOJI_ADDED,
        THREAD_UPDATED,
        THREAD_READ_CHANGED,
        THREAD_FOLLOW_CHANGED,
        CHANNEL_CREATED,
        CHANNEL_UPDATED,
        CHANNEL_DELETED,
        CHANNEL_RESTORED,
        CHANNEL_MEMBER_UPDATED,
        MULTIPLE_CHANNELS_VIEWED,
        USER_ADDED,
        USER_REMOVED,
        DIRECT_ADDED,
        GROUP_ADDED,
        TYPING,
        ADDED_TO_TEAM,
        LEAVE_TEAM,
        UPDATE_TEAM,
        DELETE_TEAM,
        RESTORE_TEAM,
        MEMBERROLE_UPDATED,
        ROLE_UPDATED,
        NEW_USER,
        USER_UPDATED,
        STATUS_CHANGE,
        PREFERENCES_CHANGED,
        PREFERENCES_DELETED,
        SIDEBAR_CATEGORY_CREATED,
        SIDEBAR_CATEGORY_UPDATED,
        SIDEBAR_CATEGORY_DELETED,
        SIDEBAR_CATEGORY_ORDER_UPDATED,
        DRAFT_CREATED,
        DRAFT_UPDATED,
        DRAFT_DELETED,
        CONFIG_CHANGED,
        SCHEDULED_POST_CREATED,
        SCHEDULED_POST_UPDATED,
        SCHEDULED_POST_DELETED,
        POST_ACKNOWLEDGEMENT_ADDED,
        POST_ACKNOWLEDGEMENT_REMOVED,
        CHANNEL_CONVERTED,
        CHANNEL_BOOKMARK_CREATED,
        CHANNEL_BOOKMARK_UPDATED,
        CHANNEL_BOOKMARK_DELETED,
        CHANNEL_BOOKMARK_SORTED,
        RECEIVED_GROUP,
        GROUP_MEMBER_ADD,
        GROUP_MEMBER_DELETE,
        OPEN_DIALOG,
    }
)

# Internal events: node to node, never to a client.

# Delivered to this node's subscribers when its link to the other nodes came back after a
# gap: events may have been missed, so every cache starts over.
RESYNC = "roost_resync"

# Cache invalidations, published by the node that made the change.
# A session or access token ended (data: session_id, token_id, or user_id for all of a
# user's): caches drop it and the hub closes its sockets. With renewed_until (ms), the
# session lives on with that expiry: caches drop their copy, sockets stay.
SESSION_REVOKED = "roost_session_revoked"
# A tenant was suspended or marked for deletion: every node closes its sockets.
TENANT_CLOSED = "roost_tenant_closed"
TENANTS_CHANGED = "roost_tenants_changed"  # one tenant's directory row (data: tenant_id)
HOOKS_CHANGED = "roost_outgoing_hooks_changed"  # a team's outgoing webhooks (data: team_id)
APPS_CHANGED = "roost_apps_changed"  # an HTTP app installed, changed or removed
BINDINGS_CHANGED = "roost_app_bindings_changed"  # an HTTP app's bindings
SUBSCRIPTIONS_CHANGED = "roost_app_subscriptions_changed"  # HTTP apps' event subscriptions
PLUGINS_CHANGED = "plugins_changed"  # a tenant's installed or enabled plugins
ROLES_CHANGED = "roost_roles_changed"  # a tenant's roles: every node drops its copy
# A tenant's (or the deployment's, owner '') stored configuration changed (data: owner,
# version): every node reads it again.
CONFIG_STORED = "roost_config_stored"
# GET /cluster/status: a node asks the others for their status, and each answers.
CLUSTER_STATUS_WANTED = "roost_cluster_status_wanted"
CLUSTER_STATUS_ANSWER = "roost_cluster_status_answer"
# GET /logs: a node asks the others for their recent log lines, and each answers.
CLUSTER_LOGS_WANTED = "roost_cluster_logs_wanted"
CLUSTER_LOGS_ANSWER = "roost_cluster_logs_answer"
# A job was asked for: every node looks for pending jobs now.
JOBS_CHANGED = "roost_jobs_changed"

# Plugins across the cluster: a plugin's message to its instances on the other nodes, and
# the request and answers behind ``/api/v4/plugins/statuses``.
PLUGIN_CLUSTER_EVENT = "plugin_cluster_event"
PLUGIN_STATUSES_WANTED = "plugin_statuses_wanted"
PLUGIN_STATUSES_ANSWER = "plugin_statuses_answer"

INTERNAL_EVENTS = frozenset(
    {
        RESYNC,
        SESSION_REVOKED,
        TENANT_CLOSED,
        TENANTS_CHANGED,
        HOOKS_CHANGED,
        APPS_CHANGED,
        BINDINGS_CHANGED,
        SUBSCRIPTIONS_CHANGED,
        PLUGINS_CHANGED,
        ROLES_CHANGED,
        CONFIG_STORED,
        CLUSTER_STATUS_WANTED,
        CLUSTER_STATUS_ANSWER,
        CLUSTER_LOGS_WANTED,
        CLUSTER_LOGS_ANSWER,
        JOBS_CHANGED,
        PLUGIN_CLUSTER_EVENT,
        PLUGIN_STATUSES_WANTED,
        PLUGIN_STATUSES_ANSWER,
    }
)
