"""plugin.json: parsed, checked against this server, and its settings checked."""

from __future__ import annotations

from typing import Any

import pytest

from roost import MATTERMOST_COMPAT_VERSION
from roost.plugin.manifest import (
    ManifestError,
    check_settings,
    parse_manifest,
    parse_version,
)

# The version Roost answers as: manifests are checked against it.
SERVER = MATTERMOST_COMPAT_VERSION


def manifest(**fields: Any) -> dict[str, Any]:
    return {"id": "com.example.demo", "name": "Demo", "version": "1.2.3", **fields}


def test_a_minimal_manifest_takes_the_defaults() -> None:
    parsed = parse_manifest(manifest(), SERVER)
    assert (parsed.server_module, parsed.server_class) == ("server", "Plugin")
    assert parsed.needs_isolation is False and parsed.settings == ()
    as_json = parsed.to_dict()
    assert as_json["server"] == {"module": "server", "class": "Plugin"}
    assert as_json["settings_schema"] == {"header": "", "footer": "", "settings": []}


@pytest.mark.parametrize(
    ("text", "version"),
    [("1.2.3", (1, 2, 3)), ("v10.0.12", (10, 0, 12)), ("2.0.0-beta.1+build", (2, 0, 0))],
)
def test_versions(text: str, version: tuple[int, int, int]) -> None:
    assert parse_version(text) == version


@pytest.mark.parametrize("text", ["1.2", "1.2.3.4", "one.two.three", "", "1.2.3 "])
def test_not_versions(text: str) -> None:
    with pytest.raises(ManifestError):
        parse_version(text)


def test_min_server_version_compares_numerically() -> None:
    parse_manifest(manifest(min_server_version="9.11.0"), SERVER)
    parse_manifest(manifest(min_server_version="10.11.0"), SERVER)
    parse_manifest(manifest(min_server_version="11.9.0"), SERVER)
    # 11.10 is newer than 11.9, though it sorts before it as text.
    with pytest.raises(ManifestError, match=r"needs server version 11\.10\.0"):
        parse_manifest(manifest(min_server_version="11.10.0"), SERVER)


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ([], "JSON object"),
        ({"name": "x", "version": "1.0.0"}, "id is required"),
        (manifest(id="ab"), "id must be"),
        (manifest(id="has space"), "id must be"),
        (manifest(id=5), "id must be a string"),
        (manifest(name="  "), "name is required"),
        (manifest(version="latest"), "not a version"),
        (manifest(server=["server"]), "server must be an object"),
        (manifest(server={"module": "bad-module"}), "server.module"),
        (manifest(server={"module": "pkg..mod"}), "server.module"),
        (manifest(server={"class": "1Plugin"}), "server.class"),
        (manifest(needs_isolation="yes"), "needs_isolation"),
        (manifest(settings_schema=["x"]), "settings_schema must be an object"),
        (manifest(props=[1]), "props must be an object"),
    ],
)
def test_invalid_manifests_say_what_is_wrong(data: Any, complaint: str) -> None:
    with pytest.raises(ManifestError, match=complaint):
        parse_manifest(data, SERVER)


def settings_manifest(*settings: dict[str, Any]) -> dict[str, Any]:
    return manifest(settings_schema={"settings": list(settings)})


def test_settings_schema_and_defaults() -> None:
    parsed = parse_manifest(
        settings_manifest(
            {"key": "Enabled", "type": "bool", "default": True},
            {"key": "Limit", "type": "number"},
            {
                "key": "Mode",
                "type": "dropdown",
                "default": "fast",
                "options": [{"value": "fast"}, {"display_name": "Careful", "value": "slow"}],
            },
        ),
        SERVER,
    )
    assert [o.display_name for o in parsed.settings[2].options] == ["fast", "Careful"]
    assert parsed.defaults() == {"Enabled": True, "Mode": "fast"}
    assert check_settings(parsed, {"Limit": 3}) == {"Enabled": True, "Mode": "fast", "Limit": 3}


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ({"key": "X", "type": "colour"}, "unknown type"),
        ({"key": "X", "type": "radio"}, "needs options"),
        ({"key": "X", "type": "radio", "options": [{"value": 1}]}, "string value"),
        ({"key": "X", "type": "bool", "default": "true"}, "default of setting 'X'"),
        ({"type": "text"}, "key is required"),
    ],
)
def test_invalid_settings(setting: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ManifestError, match=complaint):
        parse_manifest(settings_manifest(setting), SERVER)


def test_a_setting_key_appears_once() -> None:
    same = {"key": "X", "type": "text"}
    with pytest.raises(ManifestError, match="appears twice"):
        parse_manifest(settings_manifest(same, same), SERVER)


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ([], "must be an object"),
        ({"Nope": 1}, "unknown setting 'Nope'"),
        ({"Flag": 1}, "true or false"),
        ({"Count": True}, "must be a number"),  # a bool is no number here
        ({"Count": "3"}, "must be a number"),
        ({"Pick": "c"}, "one of its options"),
        ({"Note": "x" * 4097}, "text of at most"),
    ],
)
def test_check_settings_refuses(values: Any, complaint: str) -> None:
    parsed = parse_manifest(
        settings_manifest(
            {"key": "Flag", "type": "bool"},
            {"key": "Count", "type": "number"},
            {"key": "Pick", "type": "radio", "options": [{"value": "a"}, {"value": "b"}]},
            {"key": "Note", "type": "text"},
        ),
        SERVER,
    )
    with pytest.raises(ManifestError, match=complaint):
        check_settings(parsed, values)
