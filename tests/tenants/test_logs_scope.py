"""The server's log holds every tenant's requests: only the default tenant's system
admins read it (``GET /logs``); another tenant's admin is refused, not shown it."""

from __future__ import annotations

from tests.support.client import create_user, expect
from tests.tenants.conftest import Deployment, host_of, new_tenant


def test_another_tenants_admin_cannot_read_the_deployments_log(deployment: Deployment) -> None:
    tenant = new_tenant(deployment)
    admin = create_user(deployment.base, host=host_of(tenant))
    assert "system_admin" in expect(admin.api.get("/users/me"), 200)["roles"]
    refused = expect(admin.api.get("/logs"), 403)
    assert refused["id"] == "api.admin.get_logs.deployment_wide.app_error"
    # Writing a client's line is still theirs to do (it names no one else's data).
    expect(admin.api.post("/logs", {"level": "INFO", "message": "from a tenant"}), 200)
