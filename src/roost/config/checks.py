"""Settings an operator got wrong, told in one line each instead of a pydantic dump.

``load_settings`` (what the server and every command use) goes through ``checked``:
a ``ROOST_*`` variable or a config-file key that names no setting is refused with the
closest real name (a misspelt setting silently ignored is a setting not applied), the
config file must exist and parse, a bad value is reported as the variable it came from,
and the database URL's scheme must be one Roost speaks. ``Settings(...)`` built directly
(unit tests) is not checked: only what an operator starts goes through here.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

CONFIG_FILE_ENV = "ROOST_CONFIG_FILE"
ENV_PREFIX = "ROOST_"
# ROOST_* names that are not settings: the config file's own name, scripts/check-sizes'
# limit, the test suite's (ROOST_TEST_*), deploy/cluster's and the benchmarks' own.
NOT_SETTINGS = frozenset({CONFIG_FILE_ENV, "ROOST_MAX_LINES", "ROOST_NODE_PORT"})
NOT_SETTINGS_PREFIXES = ("ROOST_TEST_", "ROOST_CLUSTER_", "ROOST_BENCH_")
# What ROOST_DATABASE_URL (and the owner, replica and shard URLs) may start with.
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgres")

_M = TypeVar("_M", bound=BaseModel)


class SettingsError(ValueError):
    """A setting is wrong; the message says which and what to do, in a line or two."""


def checked(
    model: type[_M], overrides: Mapping[str, Any], environ: Mapping[str, str] = os.environ
) -> _M:
    """``model(**overrides)`` after the checks above; SettingsError when one fails."""
    names = list(model.model_fields)
    check_environment(environ, names)
    config_file = environ.get(CONFIG_FILE_ENV, "")
    if config_file:
        check_config_file(Path(config_file), names)
    try:
        settings = model(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe(exc, config_file)) from None
    check_database_urls(settings)
    return settings


def check_environment(environ: Mapping[str, str], names: Iterable[str]) -> None:
    known = {ENV_PREFIX + n.upper() for n in names}
    for var in sorted(environ):
        if not var.startswith(ENV_PREFIX) or var in known or var in NOT_SETTINGS:
            continue
        if var.startswith(NOT_SETTINGS_PREFIXES):
            continue
        raise SettingsError(f"unknown setting {var} in the environment{_closest(var, known)}")


def check_config_file(path: Path, names: Iterable[str]) -> None:
    """The file named by ROOST_CONFIG_FILE: it exists, is TOML, and names only settings
    (written as the field names, ``database_url = "..."``, or as the variables)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(
            f"config file {path} (ROOST_CONFIG_FILE) does not exist; "
            "create it or unset ROOST_CONFIG_FILE"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"config file {path} cannot be read: {_reason(exc)}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
    known = set(names)
    for key in data:
        if key not in known:
            raise SettingsError(
                f"unknown setting {key!r} in config file {path}{_closest(key, known)}"
            )


def check_database_urls(settings: Any) -> None:
    urls = [settings.database_url, settings.database_owner_url]
    urls += [u for u in settings.database_replica_urls.split(",")]
    urls += [part.partition("=")[2] for part in settings.database_shards.split(",")]
    for url in (u.strip() for u in urls):
        if not url:
            continue
        scheme = url.partition(":")[0].partition("+")[0].lower()
        if scheme not in DATABASE_SCHEMES:
            raise SettingsError(
                f"database URL scheme {scheme + '://'!r} is not supported: use "
                "postgresql://user@host:5432/db, or leave ROOST_DATABASE_URL empty for SQLite"
            )


def describe(exc: ValidationError, config_file: str = "") -> str:
    """One line per bad value, named as the operator wrote it (the variable)."""
    lines = []
    for error in exc.errors():
        where = [str(p) for p in error["loc"]]
        field = where[0] if where else ""
        name = ENV_PREFIX + field.upper() if field else "settings"
        source = f" (or {field} in {config_file})" if config_file and field else ""
        value = error.get("input")
        shown = (
            "" if not field or _secret(field) or isinstance(value, dict) else f" (got {value!r})"
        )
        lines.append(f"{name}{source}: {error['msg']}{shown}")
    return "bad setting: " + "; ".join(lines)


def _secret(field: str) -> bool:
    return any(word in field for word in ("token", "secret", "password", "salt", "url"))


def _closest(name: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else " (see the settings table in README.md)"


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
