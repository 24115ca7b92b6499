"""``roost import``: load a Mattermost bulk export or a Slack export into a tenant.

Works on the database and file store the settings name, while the server runs or not
(each batch is one short transaction). New teams, channels, people and posts are served
at once; running nodes cache existing channels' members and counters until an event
changes them, so an import that adds to channels a running server already has is best
run through the API (``POST /jobs``, which drops those caches when it ends) or followed
by a restart."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import click

from roost.app.imports.report import Report
from roost.app.services import Services
from roost.config import load_settings


def _bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress bar on stderr (rows/s and ETA) and its stop function."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} lines/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    tasks: dict[int, TaskID] = {}  # one per phase: total 0 checking, else importing

    def update(done: int, total: int) -> None:
        if total not in tasks:
            for earlier in tasks.values():
                bar.update(earlier, visible=False)
            phase = "importing" if total else "checking"
            tasks[total] = bar.add_task(phase, total=total or None, rate="0")
            bar.start()
        task_id = tasks[total]
        speed = next(t.speed for t in bar.tasks if t.id == task_id) or 0.0
        bar.update(task_id, completed=done, rate=f"{speed:,.0f}")

    return update, bar.stop


def _run(action: Callable[[Services, str], Awaitable[Report]], tenant_ref: str | None) -> Report:
    from roost.app.kernel.errors import AppError
    from roost.compose import build_services
    from roost.store.db.migrate import migrate_all
    from roost.tenancy import DEFAULT_TENANT_ID
    from roost.tenancy.scope import enter_tenant

    settings = load_settings()

    async def go() -> Report:
        await migrate_all(settings)
        services = build_services(settings)
        await services.files.start()
        try:
            await services.tenants.reload()
            tenant_id = services.tenants.get(tenant_ref).id if tenant_ref else DEFAULT_TENANT_ID
            enter_tenant(tenant_id)  # this command's one task works for it
            return await action(services, tenant_id)
        finally:
            await services.files.close()
            await services.db.close()

    try:
        return asyncio.run(go())
    except AppError as exc:
        raise click.ClickException(f"{exc.message} ({exc.error_id}) {exc.detailed}") from None


def _summary(report: Report, quiet: bool) -> None:
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.problem_count > len(report.problems):
        click.echo(f"... and {report.problem_count - len(report.problems)} more", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if quiet:
        return
    verb = "checked" if report.dry_run else "imported"
    click.echo(f"{verb} {report.lines} lines in {report.elapsed_s:.1f} s")
    for what, n in sorted(report.counts.items()):
        click.echo(f"  {what}: {n}")
    if report.problem_count:
        click.echo(f"{report.problem_count} problem(s): nothing was imported")


@click.group("import")
def import_group() -> None:
    """Import history from Mattermost or Slack."""


def _common(fn: Callable[..., None]) -> Callable[..., None]:
    fn = click.option(
        "--tenant", default=None, help="Tenant name or id (default: the default tenant)."
    )(fn)
    fn = click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")(fn)
    fn = click.option("--quiet", is_flag=True, help="No progress bar or summary.")(fn)
    return click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(fn)


@import_group.command("mattermost")
@_common
def mattermost(file: Path, tenant: str | None, dry_run: bool, quiet: bool) -> None:
    """Import a Mattermost bulk-import file: FILE.jsonl, or FILE.zip holding it and the
    attachments."""
    report = _import(file, tenant, dry_run, quiet, "mattermost")
    if not report.ok:
        sys.exit(1)


@import_group.command("slack")
@_common
@click.option("--team", default=None, help="The team to import into (default: named after FILE).")
def slack(file: Path, tenant: str | None, dry_run: bool, quiet: bool, team: str | None) -> None:
    """Import a Slack workspace export (the zip Slack makes) into one team."""
    report = _import(file, tenant, dry_run, quiet, "slack", team)
    if not report.ok:
        sys.exit(1)


def _import(
    file: Path, tenant: str | None, dry_run: bool, quiet: bool, kind: str, team: str | None = None
) -> Report:
    from roost.app.imports.errors import bad_file

    progress, stop = (None, None) if quiet else _bar()

    async def action(services: Services, tenant_id: str) -> Report:
        try:
            return await services.imports.run_file(
                file, tenant_id, kind, dry_run=dry_run, progress=progress, team=team
            )
        except ValueError as exc:
            raise bad_file(str(exc)) from None
        finally:
            if stop is not None:
                stop()

    report = _run(action, tenant)
    _summary(report, quiet)
    return report
