"""The everyday-messaging settings (``roost.app.messaging``): link previews, permalink
previews, scheduled posts and reminders. A section of their own, kept apart from
``roost.config`` to keep that module short. ``Settings`` inherits the fields from
``MessagingFields``; each field names its Mattermost counterpart (when there is one) in
``json_schema_extra["mattermost"]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from pydantic import Field
from pydantic_settings import BaseSettings


@dataclass(frozen=True, slots=True)
class MessagingSettings:
    """Link and permalink previews, scheduled posts and reminders."""

    enable_link_previews: bool
    enable_permalink_previews: bool
    post_priority: bool
    restrict_link_previews: str
    link_preview_timeout_seconds: float
    link_preview_max_bytes: int
    link_preview_max_redirects: int
    link_preview_cache_seconds: int
    link_preview_concurrency: int
    link_preview_max_wait_seconds: float
    scheduled_posts: bool
    scheduled_post_poll_seconds: float
    scheduled_post_batch: int
    scheduled_post_max_days: int
    scheduled_post_max_per_user: int
    scheduled_post_lease_seconds: float
    guest_accounts_enable: bool
    enable_default_channel_leave_join_messages: bool


class MessagingFields(BaseSettings):
    enable_link_previews: bool = Field(
        default=True,
        description="posts with a link get a preview (OpenGraph title, description, image) "
        "fetched by the server off the post path; `false`: nothing is fetched and no "
        "preview is shown (`POST /opengraph` answers 501)",
        json_schema_extra={"mattermost": "ServiceSettings.EnableLinkPreviews"},
    )
    enable_permalink_previews: bool = Field(
        default=True,
        description="a post linking to another post (a permalink) shows that post, to "
        "viewers who may read its channel",
        json_schema_extra={"mattermost": "ServiceSettings.EnablePermalinkPreviews"},
    )
    post_priority: bool = Field(
        default=True,
        description="posts may be labelled important or urgent and ask for acknowledgements "
        "(`metadata.priority`); persistent notifications are not offered",
        json_schema_extra={"mattermost": "ServiceSettings.PostPriority"},
    )
    restrict_link_previews: str = Field(
        default="",
        max_length=4096,
        description="comma-separated domains never previewed (a domain covers its subdomains)",
        json_schema_extra={"mattermost": "ServiceSettings.RestrictLinkPreviews"},
    )
    link_preview_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="a link preview's fetch (every redirect and the image's size included) "
        "gives up after this long",
    )
    link_preview_max_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        le=64 * 1024 * 1024,
        description="the most of a linked page (or image) read for its preview; a larger "
        "answer gets no preview",
    )
    link_preview_max_redirects: int = Field(
        default=3,
        ge=0,
        le=10,
        description="redirects a link preview follows, each target checked against the "
        "outbound policy like the first",
    )
    link_preview_cache_seconds: int = Field(
        default=86_400,
        ge=0,
        le=30 * 86_400,
        description="a fetched preview (or a failed fetch) is reused for this long for the "
        "same URL",
    )
    link_preview_concurrency: int = Field(
        default=16,
        ge=1,
        le=256,
        description="link previews fetched at once per server process",
    )
    link_preview_max_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="a link preview waits at most this long for a fetch slot; beyond it the "
        "post stays without a preview (`POST /opengraph`: 503 with `Retry-After`)",
    )
    scheduled_posts: bool = Field(
        default=True,
        description="users may schedule posts to be sent later (`POST /posts/schedule`); "
        "`false`: the scheduled-post routes answer 400 (reminders stay on)",
        json_schema_extra={"mattermost": "ServiceSettings.ScheduledPosts"},
    )
    scheduled_post_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="how often each node looks for scheduled posts and reminders that are "
        "due (one node sends each)",
    )
    scheduled_post_batch: int = Field(
        default=500,
        ge=1,
        le=10_000,
        description="due scheduled posts or reminders one node claims at a time",
    )
    scheduled_post_max_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="how far ahead a post may be scheduled or a reminder set",
    )
    scheduled_post_max_per_user: int = Field(
        default=1000,
        ge=1,
        le=100_000,
        description="scheduled posts one user may have waiting",
    )
    scheduled_post_lease_seconds: float = Field(
        default=60.0,
        ge=1,
        le=3600,
        description="a node that claimed due scheduled posts or reminders and stopped before "
        "sending them: after this long another node sends them (each still once: a send "
        "repeated after a stop writes the same post id, which exists already)",
    )

    guest_accounts_enable: bool = Field(
        default=False,
        description="users may be made guests (`POST /users/{id}/demote`): a guest reads "
        "and writes only in the channels they are added to and creates none; `false`: "
        "demoting answers 501 (guests made before stay guests until promoted)",
        json_schema_extra={"mattermost": "GuestAccountsSettings.Enable"},
    )
    enable_default_channel_leave_join_messages: bool = Field(
        default=True,
        description="system posts in a team's Town Square when someone joins or leaves the "
        "team (and in its default channels when they join them with it), and when someone "
        "leaves Town Square; `false`: none of these (other channels' join and leave posts "
        "stay)",
        json_schema_extra={
            "mattermost": "ServiceSettings.ExperimentalEnableDefaultChannelLeaveJoinMessages",
            "scope": "tenant",
            "live": True,
        },
    )

    @property
    def messaging(self) -> MessagingSettings:
        # The section ``Settings`` built (``SECTIONS``), which the node makes live for the
        # config API's live settings; a fresh one only before it exists.
        built = getattr(self, "_sections", {}).get(MessagingSettings)
        if built is not None:
            return cast(MessagingSettings, built)
        return MessagingSettings(
            **{name: getattr(self, name) for name in MessagingSettings.__dataclass_fields__}
        )
