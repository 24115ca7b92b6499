"""The deployment's state for system admins: every node's recent log lines (``GET /logs``)
and every node's status (``GET /cluster/status``)."""

from __future__ import annotations

import logging
from typing import Any

from roost.app.accounts.permissions import Permissions
from roost.app.admin.cluster import ClusterStatus
from roost.app.admin.cluster_logs import ClusterLogs, LogPage
from roost.app.admin.errors import logs_deployment_wide
from roost.app.admin.logs import LEVELS, LogBuffer
from roost.app.kernel import errors as kernel_errors
from roost.app.kernel.context import Actor
from roost.tenancy import DEFAULT_TENANT_ID

MANAGE_SYSTEM = "manage_system"
# Where the clients' log messages (POST /logs) are written.
client_log = logging.getLogger("roost.client")
MAX_CLIENT_MESSAGE = 4096
MAX_LINES_PER_PAGE = 10_000


class NodeAdmin:
    def __init__(
        self,
        permissions: Permissions,
        logs: LogBuffer,
        cluster: ClusterStatus,
        cluster_logs: ClusterLogs,
    ) -> None:
        self._permissions = permissions
        self.logs = logs
        self.cluster = cluster
        self.cluster_logs = cluster_logs

    async def log_lines(self, actor: Actor, level: str, page: int, per_page: int) -> LogPage:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        if actor.tenant_id != DEFAULT_TENANT_ID:
            # A node's log is the deployment's, every tenant's requests and names in it:
            # another tenant's admin reading it would see organisations not theirs.
            raise logs_deployment_wide()
        if level and level.lower() not in LEVELS:
            raise kernel_errors.invalid_url_param("level")
        if page < 0:
            raise kernel_errors.invalid_url_param("page")
        if not 1 <= per_page <= MAX_LINES_PER_PAGE:
            raise kernel_errors.invalid_url_param("logs_per_page")
        min_level = LEVELS.get(level.lower(), 0) if level else 0
        return await self.cluster_logs.page(min_level, page, per_page)

    async def do_client_log(self, actor: Actor, level: str, message: str) -> None:
        """``POST /logs``: a client's message in the server's log (Mattermost's; only
        system admins, as with Mattermost's developer mode off)."""
        await self._permissions.check(actor, MANAGE_SYSTEM)
        if level.lower() not in ("error", "info", "debug", "warn", "warning"):
            raise kernel_errors.invalid_body_param("level")
        if not message or len(message) > MAX_CLIENT_MESSAGE:
            raise kernel_errors.invalid_body_param("message")
        client_log.log(LEVELS[level.lower()], "client: %s", message)

    async def cluster_status(self, actor: Actor) -> list[dict[str, Any]]:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        return await self.cluster.gather(actor.tenant_id)
