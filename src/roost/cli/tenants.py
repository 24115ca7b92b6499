"""``roost tenant``: the operator's commands for the organisations a deployment serves.

They write the directory straight into the database; running nodes pick a change up
within ``ROOST_TENANT_REFRESH_SECONDS`` (or at once through the operator API)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from roost.app.services import Services
from roost.app.tenants.directory import TenantDirectory
from roost.config import load_settings
from roost.model.tenant import Tenant

T = TypeVar("T")


def _run(action: Callable[[TenantDirectory], Awaitable[T]]) -> T:
    return _run_with(lambda services: action(services.tenants))


def _run_with(action: Callable[[Services], Awaitable[T]]) -> T:
    from roost.app.kernel.errors import AppError
    from roost.compose import build_services
    from roost.store.db.migrate import migrate_all

    settings = load_settings()

    async def go() -> T:
        await migrate_all(settings)
        services = build_services(settings)
        await services.bus.start()  # so running nodes hear of a move at once
        try:
            await services.tenants.reload()
            return await action(services)
        finally:
            await services.bus.close()
            await services.db.close()

    try:
        return asyncio.run(go())
    except AppError as exc:
        raise click.ClickException(f"{exc.message} ({exc.error_id})") from None


def _line(t: Tenant) -> str:
    domains = ",".join(t.domains) or "-"
    where = t.database or "-"
    return f"{t.id}  {t.name:<24} {t.state:<9} {where:<8} {domains}  {t.display_name}"


@click.group()
def tenant() -> None:
    """Manage tenants (organisations)."""


@tenant.command("create")
@click.argument("name")
@click.option("--display-name", default="")
@click.option("--domain", "domains", multiple=True, help="A custom domain (repeatable).")
@click.option("--database", default="", help="A named database (ROOST_DATABASE_SHARDS).")
@click.option(
    "--open-signup/--closed-signup",
    default=False,
    help="Whether anyone may sign up (default: closed; invite the first admin).",
)
def tenant_create(
    name: str, display_name: str, domains: tuple[str, ...], database: str, open_signup: bool
) -> None:
    """Create a tenant served at NAME.<base domain> (and any custom domains)."""
    created = _run(lambda d: d.do_create(name, display_name, list(domains), database, open_signup))
    click.echo(_line(created))


@tenant.command("invite-admin")
@click.argument("tenant_ref", metavar="TENANT")
@click.option("--expires-in", default=7 * 24 * 3600, show_default=True, help="Seconds.")
def tenant_invite_admin(tenant_ref: str, expires_in: int) -> None:
    """Print a one-time link that signs its holder up as TENANT's system admin."""

    async def issue(d: TenantDirectory) -> str:
        tenant_id = d.get(tenant_ref).id
        token, _ = await d.do_issue_admin_invite(tenant_id, expires_in)
        return f"{d.site_url(tenant_id)}/signup_user_complete/?t={token}"

    click.echo(_run(issue))


@tenant.command("signup")
@click.argument("tenant_ref", metavar="TENANT")
@click.argument("state", type=click.Choice(["open", "closed"]))
def tenant_signup(tenant_ref: str, state: str) -> None:
    """Open or close TENANT for sign-up."""
    changed = _run(lambda d: d.do_set_open_signup(d.get(tenant_ref).id, state == "open"))
    click.echo(_line(changed))


@tenant.command("move")
@click.argument("tenant_ref", metavar="TENANT")
@click.option("--to", "database", required=True, help="A named database, or '' for the home one.")
def tenant_move(tenant_ref: str, database: str) -> None:
    """Move TENANT's rows to another database; it is read-only until this returns."""
    report = _run_with(lambda s: s.tenant_mover.do_move(tenant_ref, database))
    click.echo(
        f"moved {int(report['rows'])} rows in {report['total_seconds']:.1f} s "
        f"(read-only {report['read_only_seconds']:.1f} s, copy {report['copy_seconds']:.1f} s)"
    )


@tenant.command("list")
def tenant_list() -> None:
    """Every tenant: id, name, state, domains, display name."""

    async def everyone(d: TenantDirectory) -> list[Tenant]:
        return d.page_of(0, d.count)

    for t in _run(everyone):
        click.echo(_line(t))


@tenant.command("suspend")
@click.argument("tenant_ref", metavar="TENANT")
def tenant_suspend(tenant_ref: str) -> None:
    """Refuse every request to TENANT (id or name) until it is resumed; nothing is lost."""
    click.echo(_line(_run(lambda d: d.do_suspend(tenant_ref))))


@tenant.command("resume")
@click.argument("tenant_ref", metavar="TENANT")
def tenant_resume(tenant_ref: str) -> None:
    """Serve a suspended TENANT (id or name) again."""
    click.echo(_line(_run(lambda d: d.do_resume(tenant_ref))))


@tenant.command("limits")
@click.argument("tenant_ref", metavar="TENANT")
@click.option("--requests-per-second", type=float, default=0.0, help="per node; 0: the default")
@click.option("--max-users", type=int, default=0, help="active users, bots aside; 0: none")
@click.option("--max-storage-bytes", type=int, default=0, help="bytes of files kept; 0: none")
@click.option("--max-posts-per-day", type=int, default=0, help="posts a UTC day; 0: none")
def tenant_limits(
    tenant_ref: str,
    requests_per_second: float,
    max_users: int,
    max_storage_bytes: int,
    max_posts_per_day: int,
) -> None:
    """Set TENANT's limits (every one given; 0 for none or the default rate)."""
    limits: dict[str, float] = {
        "requests_per_second": requests_per_second,
        "max_users": max_users,
        "max_storage_bytes": max_storage_bytes,
        "max_posts_per_day": max_posts_per_day,
    }
    changed = _run(lambda d: d.do_set_limits(tenant_ref, limits))
    click.echo(f"{_line(changed)}  {changed.to_dict()['limits']}")


@tenant.command("delete")
@click.argument("tenant_ref", metavar="TENANT")
@click.confirmation_option(prompt="Delete this tenant and everything in it?")
def tenant_delete(tenant_ref: str) -> None:
    """Delete TENANT: refused at once, its data removed by the nodes in the background."""
    click.echo(_line(_run(lambda d: d.do_delete(tenant_ref))))
