"""Prometheus metrics of this node, served at ``/metrics``.

With ``roost serve --workers N`` every process writes its figures to files in
``PROMETHEUS_MULTIPROC_DIR`` (set by the parent before the workers start) and a scrape
of any worker reports the sum over all of them, so one node is one target.
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Buckets around what a chat API should answer in: most requests well under 50 ms.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

http_requests = Counter(
    "roost_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
http_latency = Histogram(
    "roost_http_request_duration_seconds",
    "Time from request to the end of the response.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
websocket_connections = Gauge(
    "roost_websocket_connections", "Open WebSocket connections.", multiprocess_mode="livesum"
)
websocket_events = Counter("roost_websocket_events_total", "Events queued to WebSocket clients.")
websocket_told_to_reload = Counter(
    "roost_websocket_told_to_reload_total",
    "Connections sent a fresh hello because events may have been missed (bus gap).",
)
bus_published = Counter(
    "roost_bus_events_published_total", "Events this node sent to the other nodes."
)
bus_received = Counter(
    "roost_bus_events_received_total", "Events this node received from the other nodes."
)
bus_dropped = Counter(
    "roost_bus_events_dropped_total", "Events not sent to the other nodes (Redis unreachable)."
)
# Finer where the post-commit target (30 ms) lies, and at the low end: what a change
# adds to a commit of a few milliseconds (1-2 ms) must be visible.
COMMIT_BUCKETS = (
    0.001,
    0.002,
    0.003,
    0.004,
    0.005,
    0.0075,
    0.01,
    0.015,
    0.02,
    0.03,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
)
gc_pause = Histogram(
    "roost_gc_pause_seconds",
    "Time one garbage collection held the process (its event loop included), by generation.",
    ["generation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
post_commit = Histogram(
    "roost_post_commit_seconds",
    "Time to write and commit one group of new posts: the transaction, from taking a"
    " connection to the commit's return (what a poster waits for besides the queue).",
    buckets=COMMIT_BUCKETS,
)
db_connections_in_use = Gauge(
    "roost_db_connections_in_use",
    "Database connections checked out of the pool.",
    multiprocess_mode="livesum",
)
db_replica_healthy = Gauge(
    "roost_db_replica_healthy",
    "1 while a read replica is in rotation, 0 while it is out.",
    ["replica"],
    multiprocess_mode="min",
)
db_replica_lag = Gauge(
    "roost_db_replica_lag_seconds",
    "How far behind the primary a read replica was at its last check.",
    ["replica"],
    multiprocess_mode="max",
)
db_unavailable = Counter(
    "roost_db_unavailable_total",
    "Requests answered 503 because the database could not serve them now, by reason "
    "(starting_up, shutting_down, connection, timeout, too_many_connections, locked, conflict).",
    ["reason"],
)
plugins_running = Gauge(
    "roost_plugins_running", "Server plugins running on this node.", multiprocess_mode="max"
)
plugins_load_seconds = Gauge(
    "roost_plugins_load_seconds",
    "How long this node took to load its enabled plugins after starting.",
    multiprocess_mode="max",
)
plugin_failures = Counter(
    "roost_plugin_failures_total",
    "Calls into a plugin that failed: an exception, a timeout, its host gone.",
    ["plugin"],
)

audit_written = Counter("roost_audit_records_written_total", "Audit records written.")
audit_dropped = Counter(
    "roost_audit_records_dropped_total",
    "Audit records lost: the queue was full, or the database refused them too often.",
    ["reason"],
)
audit_purged = Counter(
    "roost_audit_records_purged_total", "Audit records removed past their retention."
)
# Admission control (roost.app.kernel.admission), by kind of work.
admission_admitted = Counter(
    "roost_admission_admitted_total", "Work admitted by admission control.", ["kind"]
)
admission_refused = Counter(
    "roost_admission_refused_total",
    "Work refused at once (503 with Retry-After): its wait would exceed the budget.",
    ["kind"],
)
admission_dropped = Counter(
    "roost_admission_dropped_total",
    "Admitted work dropped before it ran: its client left, its deadline passed or the"
    " server was shutting down.",
    ["kind", "reason"],
)


def exposition() -> bytes:
    """The text format, for every process of this node."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(DEFAULT_REGISTRY)


rate_limited = Counter(
    "roost_rate_limited_total",
    "Requests refused with 429 by the request rate limits, by limit (api, login, login_id).",
    ["limit"],
)
rate_limit_local = Counter(
    "roost_rate_limit_local_total",
    "Rate-limit decisions made with this node's own buckets because Redis (configured) "
    "could not answer in time: limits then hold per node, not across nodes.",
)
