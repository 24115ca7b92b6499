"""The import API as mmctl drives it: a resumable upload in parts, the list of import
files, an import_process job and its progress; only system admins."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.imports.conftest import Site
from tests.imports.fixtures import T0, line, zip_of
from tests.support.client import Api, create_user, expect

JOB_DEADLINE_SECONDS = 60.0


def _upload(api: Api, path: Path) -> str:
    """Upload in two requests, as a resumed upload would; returns the import file's name."""
    data = path.read_bytes()
    session = expect(
        api.post("/uploads", {"type": "import", "filename": path.name, "file_size": len(data)}),
        201,
    )
    half = len(data) // 2
    first = api.post(f"/uploads/{session['id']}", content=data[:half])
    assert first.status_code == 204, first.text
    assert expect(api.get(f"/uploads/{session['id']}"), 200)["file_offset"] == half
    done = expect(api.post(f"/uploads/{session['id']}", content=data[half:]), 201)
    assert done["size"] == len(data)
    return str(done["name"])


def _finished(api: Api, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        job: dict[str, Any] = expect(api.get(f"/jobs/{job_id}"), 200)
        if job["status"] in ("success", "error"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running after {JOB_DEADLINE_SECONDS} s")


def test_upload_then_import_job(site: Site, tmp_path: Path) -> None:
    api = site.admin.api
    lines = [
        line("version", 1),
        line("team", {"name": "viaapi", "display_name": "Via API", "type": "O"}),
        line(
            "user",
            {"username": "apiuser", "email": "apiuser@example.com", "teams": [{"name": "viaapi"}]},
        ),
        *[
            line(
                "post",
                {
                    "team": "viaapi",
                    "channel": "town-square",
                    "user": "apiuser",
                    "message": f"message {i}",
                    "create_at": T0 + i,
                },
            )
            for i in range(50)
        ],
    ]
    name = _upload(api, zip_of(tmp_path / "api.zip", lines))
    assert name in expect(api.get("/imports"), 200)
    job = expect(api.post("/jobs", {"type": "import_process", "data": {"import_file": name}}), 201)
    assert job["type"] == "import_process" and job["status"] in ("pending", "in_progress")
    done = _finished(api, job["id"])
    assert done["status"] == "success", done
    assert done["progress"] == 100
    assert done["data"]["import_file"] == name
    listed = expect(api.get("/jobs/type/import_process"), 200)
    assert job["id"] in [j["id"] for j in listed]
    team = expect(api.get("/teams/name/viaapi"), 200)
    town = expect(api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
    assert town["total_msg_count"] == 50


def test_a_failing_job_tells_why(site: Site, tmp_path: Path) -> None:
    api = site.admin.api
    bad = [line("version", 1), line("channel", {"team": "nope", "name": "x", "display_name": "X"})]
    name = _upload(api, zip_of(tmp_path / "bad.zip", bad))
    job = expect(api.post("/jobs", {"type": "import_process", "data": {"import_file": name}}), 201)
    done = _finished(api, job["id"])
    assert done["status"] == "error"
    assert "import.jsonl:2: team 'nope' does not exist" in done["data"]["error"]


def test_only_system_admins(site: Site) -> None:
    someone = create_user(site.base)
    for response in (
        someone.api.get("/imports"),
        someone.api.post("/uploads", {"type": "import", "filename": "x.zip", "file_size": 10}),
        someone.api.post("/jobs", {"type": "import_process", "data": {"import_file": "x.zip"}}),
    ):
        assert response.status_code == 403, response.text
        assert response.json()["id"] == "api.context.permissions.app_error"


def test_bad_requests(site: Site) -> None:
    api = site.admin.api
    missing = api.post("/jobs", {"type": "import_process", "data": {"import_file": "none.zip"}})
    assert missing.status_code == 404
    wrong = api.post("/uploads", {"type": "attachment", "filename": "x.zip", "file_size": 10})
    assert wrong.status_code == 400
    session = expect(
        api.post("/uploads", {"type": "import", "filename": "s.zip", "file_size": 4}), 201
    )
    over = api.post(f"/uploads/{session['id']}", content=b"too many bytes")
    assert over.status_code == 400
    assert expect(api.get(f"/uploads/{session['id']}"), 200)["file_offset"] == 0
