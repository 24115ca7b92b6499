"""Operational failures of any ``roost`` command as a line or two and a non-zero exit.

``RoostGroup`` is the top command's class: a command ending with an exception that
means "the operator's setup is wrong" (a setting, the database, the data directory)
prints ``Error: <what is wrong and what to do>`` and exits 1; ``roost --debug ...``
lets the traceback through. Anything not recognised is shown whole: it is a bug.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from roost.config import Settings
from roost.config.checks import SettingsError


class SetupError(click.ClickException):
    """What the operator must fix, already in words (exit status 1)."""


class RoostGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            message = explain(exc)
            if message is None:
                raise
            raise SetupError(message) from None


def explain(exc: BaseException) -> str | None:
    if isinstance(exc, SettingsError):
        return str(exc)
    from roost.config import load_settings

    try:
        settings = load_settings()
    except SettingsError:
        settings = None
    if settings is not None:
        from roost.store.db.diagnose import explain as explain_database

        for url in [settings.migration_database_url, settings.effective_database_url]:
            message = explain_database(exc, url)
            if message:
                return message
    if isinstance(exc, PermissionError) and exc.filename:
        return f"{exc.filename} cannot be written ({exc.strerror}): {_data_dir_hint()}"
    return None


def check_data_dir(settings: Settings) -> Path:
    """The data directory, created if missing; SetupError when it cannot be made or
    written. Called by the commands that store anything there."""
    path = settings.data_dir.expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SetupError(
            f"cannot create the data directory {path}: {exc.strerror}; {_data_dir_hint(settings)}"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise SetupError(
            f"the data directory {path} is not writable by this user; {_data_dir_hint(settings)}"
        )
    return path


def _data_dir_hint(settings: Settings | None = None) -> str:
    if settings is not None and not settings.data_dir.is_absolute():
        return (
            f"ROOST_DATA_DIR is {str(settings.data_dir)!r}, relative to the working directory "
            f"{Path.cwd()}: set ROOST_DATA_DIR to an absolute path (or run from the project folder)"
        )
    return "set ROOST_DATA_DIR to a directory this user can write"
