"""An HTTP app's manifest, checked field by field when the app is installed."""

from __future__ import annotations

import re
from typing import Any

from roost.app.integrations.errors import manifest_invalid
from roost.app.integrations.fields import text_field, url_field
from roost.app.kernel import errors
from roost.model.app import LOCATIONS

# Stricter than Mattermost's (3-32 of letters, digits, '.', '-', '_'): lower case and a
# leading letter, so the app id is also its bot's username.
_APP_ID = re.compile(r"^[a-z][a-z0-9._-]{2,31}\Z")
MAX_PERMISSIONS = 16
CALL_PATH_MAX = 512


def check_call(value: Any, field: str) -> dict[str, Any] | None:
    """A Call (``{path, expand, state}``); None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise manifest_invalid(field, "not an object")
    path = value.get("path")
    if not isinstance(path, str) or not path.startswith("/") or len(path) > CALL_PATH_MAX:
        raise manifest_invalid(f"{field}.path", "a path starting with /")
    expand = value.get("expand") or {}
    if not isinstance(expand, dict) or not all(isinstance(v, str) for v in expand.values()):
        raise manifest_invalid(f"{field}.expand", "an object of levels")
    call: dict[str, Any] = {"path": path, "expand": expand}
    if "state" in value:
        call["state"] = value["state"]
    return call


def check_manifest(data: Any) -> dict[str, Any]:
    """The manifest as Roost keeps it (unknown fields dropped)."""
    if not isinstance(data, dict):
        raise manifest_invalid("manifest", "not a JSON object")
    app_id = data.get("app_id")
    if not isinstance(app_id, str) or not _APP_ID.match(app_id):
        raise manifest_invalid(
            "app_id", "3-32 lower-case letters, digits, '.', '-' or '_', first a letter"
        )
    http = data.get("http")
    if not isinstance(http, dict):
        raise manifest_invalid("http", "an object with root_url")
    try:
        root_url = url_field(http, "root_url").rstrip("/")
        fields = {name: text_field(data, name, 1024) for name in ("homepage_url", "icon")}
        display_name = text_field(data, "display_name", 64) or app_id
        description = text_field(data, "description", 1024)
        version = text_field(data, "version", 64)
    except errors.AppError as exc:
        raise manifest_invalid("manifest", exc.message) from None
    use_jwt = http.get("use_jwt", True)
    if not isinstance(use_jwt, bool):
        raise manifest_invalid("http.use_jwt", "true or false")
    permissions = data.get("requested_permissions") or []
    if not isinstance(permissions, list) or len(permissions) > MAX_PERMISSIONS:
        raise manifest_invalid("requested_permissions", f"a list of at most {MAX_PERMISSIONS}")
    locations = data.get("requested_locations") or list(LOCATIONS)
    if not isinstance(locations, list) or not all(loc in LOCATIONS for loc in locations):
        raise manifest_invalid("requested_locations", f"some of {', '.join(LOCATIONS)}")
    manifest: dict[str, Any] = {
        "app_id": app_id,
        "version": version,
        "display_name": display_name,
        "description": description,
        **fields,
        "http": {"root_url": root_url, "use_jwt": use_jwt},
        "requested_permissions": [str(p) for p in permissions],
        "requested_locations": locations,
        "bindings": check_call(data.get("bindings"), "bindings") or {"path": "/bindings"},
    }
    for name in ("on_install", "on_uninstall"):
        call = check_call(data.get(name), name)
        if call is not None:
            manifest[name] = call
    return manifest
