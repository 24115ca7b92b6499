"""``plugin.json``: what a plugin is, what it needs, and the settings an admin may set.

Mattermost's fields where they exist (``id``, ``name``, ``description``, ``version``,
``min_server_version``, ``settings_schema``), plus Roost's own ``server`` section (the
Python class to load) and ``needs_isolation`` (run it out of process even when trusted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ID_MIN, ID_MAX = 3, 190
NAME_MAX = 128
DESCRIPTION_MAX = 1024
SETTINGS_MAX = 100
SETTING_KEY_MAX = 64
TEXT_SETTING_MAX = 4096
SETTING_TYPES = frozenset(
    {"text", "longtext", "bool", "number", "dropdown", "radio", "username", "generated"}
)

_ID = re.compile(r"^[a-zA-Z0-9\-_.]+\Z")
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.\-+]*)?\Z")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


class ManifestError(ValueError):
    """The manifest is not valid; the message says which field and why."""


@dataclass(slots=True, frozen=True)
class SettingOption:
    display_name: str
    value: str


@dataclass(slots=True, frozen=True)
class Setting:
    key: str
    type: str
    display_name: str = ""
    help_text: str = ""
    default: Any = None
    options: tuple[SettingOption, ...] = ()


@dataclass(slots=True, frozen=True)
class Manifest:
    id: str
    name: str
    version: str
    description: str = ""
    min_server_version: str = ""
    # Module (a package inside the bundle, or an importable module for bundled plugins)
    # and the Plugin subclass in it.
    server_module: str = "server"
    server_class: str = "Plugin"
    needs_isolation: bool = False
    settings: tuple[Setting, ...] = ()
    settings_header: str = ""
    settings_footer: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Mattermost's manifest JSON (what /api/v4/plugins lists)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "min_server_version": self.min_server_version,
            "server": {"module": self.server_module, "class": self.server_class},
            "needs_isolation": self.needs_isolation,
            "settings_schema": {
                "header": self.settings_header,
                "footer": self.settings_footer,
                "settings": [_setting_dict(s) for s in self.settings],
            },
            "props": self.props,
        }

    def defaults(self) -> dict[str, Any]:
        return {s.key: s.default for s in self.settings if s.default is not None}


def _setting_dict(s: Setting) -> dict[str, Any]:
    return {
        "key": s.key,
        "display_name": s.display_name,
        "type": s.type,
        "help_text": s.help_text,
        "default": s.default,
        "options": [{"display_name": o.display_name, "value": o.value} for o in s.options],
    }


def parse_version(text: str) -> tuple[int, int, int]:
    match = _VERSION.match(text)
    if match is None:
        raise ManifestError(f"{text!r} is not a version (major.minor.patch)")
    return int(match[1]), int(match[2]), int(match[3])


def _str(data: dict[str, Any], key: str, max_len: int, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ManifestError(f"{key} must be a string")
    if required and not value.strip():
        raise ManifestError(f"{key} is required")
    if len(value) > max_len:
        raise ManifestError(f"{key} is longer than {max_len} characters")
    return value


def parse_manifest(data: Any, server_version: str) -> Manifest:
    """A manifest from plugin.json's content; rejects one this server cannot run."""
    if not isinstance(data, dict):
        raise ManifestError("plugin.json must hold a JSON object")
    plugin_id = _str(data, "id", ID_MAX, required=True)
    if len(plugin_id) < ID_MIN or not _ID.match(plugin_id):
        raise ManifestError(
            f"id must be {ID_MIN}-{ID_MAX} characters of letters, digits, '-', '_' or '.'"
        )
    name = _str(data, "name", NAME_MAX, required=True)
    version = _str(data, "version", 64, required=True)
    parse_version(version)
    min_version = _str(data, "min_server_version", 64)
    if min_version and parse_version(min_version) > parse_version(server_version):
        raise ManifestError(
            f"the plugin needs server version {min_version}; this server is {server_version}"
        )
    server = data.get("server") or {}
    if not isinstance(server, dict):
        raise ManifestError("server must be an object")
    module = server.get("module", "server")
    cls = server.get("class", "Plugin")
    if not isinstance(module, str) or not _MODULE.match(module):
        raise ManifestError("server.module must be a dotted Python module name")
    if not isinstance(cls, str) or not cls.isidentifier():
        raise ManifestError("server.class must be a Python class name")
    isolation = data.get("needs_isolation", False)
    if not isinstance(isolation, bool):
        raise ManifestError("needs_isolation must be true or false")
    schema = data.get("settings_schema") or {}
    if not isinstance(schema, dict):
        raise ManifestError("settings_schema must be an object")
    props = data.get("props") or {}
    if not isinstance(props, dict):
        raise ManifestError("props must be an object")
    return Manifest(
        id=plugin_id,
        name=name,
        version=version,
        description=_str(data, "description", DESCRIPTION_MAX),
        min_server_version=min_version,
        server_module=module,
        server_class=cls,
        needs_isolation=isolation,
        settings=_parse_settings(schema.get("settings") or []),
        settings_header=_str(schema, "header", DESCRIPTION_MAX),
        settings_footer=_str(schema, "footer", DESCRIPTION_MAX),
        props=props,
        raw=data,
    )


def _parse_settings(items: Any) -> tuple[Setting, ...]:
    if not isinstance(items, list) or len(items) > SETTINGS_MAX:
        raise ManifestError(f"settings_schema.settings must be a list of at most {SETTINGS_MAX}")
    seen: set[str] = set()
    settings = []
    for item in items:
        if not isinstance(item, dict):
            raise ManifestError("each setting must be an object")
        key = _str(item, "key", SETTING_KEY_MAX, required=True)
        if key in seen:
            raise ManifestError(f"setting {key!r} appears twice")
        seen.add(key)
        kind = _str(item, "type", 32, required=True)
        if kind not in SETTING_TYPES:
            raise ManifestError(f"setting {key!r} has unknown type {kind!r}")
        options = tuple(_parse_option(key, o) for o in item.get("options") or [])
        if kind in ("dropdown", "radio") and not options:
            raise ManifestError(f"setting {key!r} needs options")
        setting = Setting(
            key=key,
            type=kind,
            display_name=_str(item, "display_name", NAME_MAX),
            help_text=_str(item, "help_text", DESCRIPTION_MAX),
            default=item.get("default"),
            options=options,
        )
        if setting.default is not None:
            try:
                check_setting(setting, setting.default)
            except ManifestError as exc:
                raise ManifestError(f"default of {exc}") from None
        settings.append(setting)
    return tuple(settings)


def _parse_option(key: str, item: Any) -> SettingOption:
    if not isinstance(item, dict) or not isinstance(item.get("value"), str):
        raise ManifestError(f"setting {key!r}: each option needs a string value")
    return SettingOption(str(item.get("display_name") or item["value"]), item["value"])


def check_setting(setting: Setting, value: Any) -> Any:
    """The value if it fits the setting's type; else ManifestError naming the setting."""
    key = setting.key
    if setting.type == "bool":
        if not isinstance(value, bool):
            raise ManifestError(f"setting {key!r} must be true or false")
    elif setting.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ManifestError(f"setting {key!r} must be a number")
    elif not isinstance(value, str) or len(value) > TEXT_SETTING_MAX:
        raise ManifestError(f"setting {key!r} must be text of at most {TEXT_SETTING_MAX}")
    elif setting.options and value not in {o.value for o in setting.options}:
        raise ManifestError(f"setting {key!r} must be one of its options")
    return value


def check_settings(manifest: Manifest, values: Any) -> dict[str, Any]:
    """Settings an admin sent, checked against the schema, with defaults filled in."""
    if not isinstance(values, dict):
        raise ManifestError("settings must be an object")
    by_key = {s.key: s for s in manifest.settings}
    unknown = sorted(set(values) - set(by_key))
    if unknown:
        raise ManifestError(f"unknown setting {unknown[0]!r}")
    checked = manifest.defaults()
    for key, value in values.items():
        checked[key] = check_setting(by_key[key], value)
    return checked
