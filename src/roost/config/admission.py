"""The admission-control and shutdown settings (``roost.app.kernel.admission``): a
section of their own, kept apart from ``roost.config`` to keep that module short.
``Settings`` inherits the fields from ``AdmissionFields``."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import BaseSettings


@dataclass(frozen=True, slots=True)
class AdmissionSettings:
    """How much expensive work a node takes on, and how long it takes to stop."""

    password_hash_threads: int
    password_hash_max_wait_seconds: float
    password_hash_queue_order: str
    search_concurrency: int
    search_max_wait_seconds: float
    preview_concurrency: int
    preview_max_wait_seconds: float
    export_concurrency: int
    integration_call_concurrency: int
    integration_call_max_wait_seconds: float
    plugin_call_concurrency: int
    shutdown_grace_seconds: float


class AdmissionFields(BaseSettings):
    password_hash_threads: int = Field(
        default=0,
        ge=0,
        le=64,
        description="threads hashing passwords per server process; `0`: one fewer than the "
        "cores (at least one)",
    )
    password_hash_max_wait_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="a login (or password change) is queued for hashing only while the "
        "measured time per hash says it is answered within this; beyond it the answer is an "
        "immediate 503 with `Retry-After`, and a queued one that can no longer make it is "
        "dropped",
    )
    password_hash_queue_order: str = Field(
        default="fifo",
        pattern="^(fifo|lifo)$",
        description="order of the queued logins of one client address (addresses are "
        "served in turn): `fifo` oldest first, `lifo` newest first",
    )
    search_concurrency: int = Field(
        default=8,
        ge=1,
        le=256,
        description="post and file searches running at once per server process",
    )
    search_max_wait_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="a search is taken only while it is expected to be done within this; "
        "beyond it 503 with `Retry-After`",
    )
    preview_concurrency: int = Field(
        default=0,
        ge=0,
        le=64,
        description="images decoded for previews and thumbnails at once per server process; "
        "`0`: as many as cores",
    )
    preview_max_wait_seconds: float = Field(
        default=5.0,
        gt=0,
        le=120,
        description="an upload's previews are made only while expected within this; beyond "
        "it the upload gets 503 with `Retry-After`",
    )
    export_concurrency: int = Field(
        default=1,
        ge=1,
        le=16,
        description="tenant exports streaming at once per server process; one more is refused "
        "(503 with `Retry-After`), never queued",
    )
    integration_call_concurrency: int = Field(
        default=64,
        ge=1,
        le=1024,
        description="calls to integrations (outgoing webhooks, slash commands, HTTP apps, "
        "post actions) in flight at once per server process",
    )
    integration_call_max_wait_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="a call to an integration is made only while expected to be done within "
        "this; beyond it the call is refused (503 with `Retry-After`; queued deliveries "
        "retry later)",
    )
    plugin_call_concurrency: int = Field(
        default=32,
        ge=1,
        le=1024,
        description="calls in flight into one plugin (per tenant) per server process, hooks "
        "and HTTP requests apart; more wait only while expected to be answered within the "
        "timeout, beyond it a fail-open hook is skipped at once and anything else gets 503 "
        "with `Retry-After`",
    )
    shutdown_grace_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="on SIGTERM: queued work is dropped at once, and requests still running "
        "after this long are cancelled so the server stops in bounded time",
    )
