"""Jobs (Mattermost's ``Job``): work a node runs in the background, with its status and
progress as ``GET /api/v4/jobs`` shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DATA_RETENTION = "data_retention"
JOB_TYPES = (DATA_RETENTION,)

PENDING = "pending"
IN_PROGRESS = "in_progress"
SUCCESS = "success"
ERROR = "error"
CANCEL_REQUESTED = "cancel_requested"
CANCELED = "canceled"


@dataclass(slots=True)
class Job:
    id: str
    tenant_id: str
    type: str
    status: str = PENDING
    progress: int = 0
    create_at: int = 0
    start_at: int = 0
    last_activity_at: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "priority": 0,
            "create_at": self.create_at,
            "start_at": self.start_at,
            "last_activity_at": self.last_activity_at,
            "status": self.status,
            "progress": self.progress,
            # Mattermost's job data is a map of strings.
            "data": {k: str(v) for k, v in self.data.items()},
        }
