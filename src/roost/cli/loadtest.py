"""``roost loadtest``: seed a database, then simulate users against a server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import click

from roost.config import load_settings
from roost.loadtest import model
from roost.loadtest.manifest import MANIFEST_NAME, Manifest

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


class Duration(click.ParamType[Any, float]):
    """Seconds, or a number with s, m or h: 90, 90s, 5m, 1h."""

    name = "duration"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, int | float):
            return float(value)
        text = str(value).strip().lower()
        scale = _UNITS.get(text[-1:])
        number = text[:-1] if scale is not None else text
        try:
            seconds = float(number) * (scale or 1.0)
        except ValueError:
            self.fail(f"{value!r} is not a duration (e.g. 90, 90s, 5m, 1h)", param, ctx)
        if seconds <= 0:
            self.fail("a duration must be positive", param, ctx)
        return seconds


class Limit(click.ParamType[Any, float | None]):
    """A threshold: a number, or ``off`` to ignore that signal."""

    name = "limit"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float | None:
        if value is None or isinstance(value, float):
            return value
        if str(value).lower() in ("off", "none"):
            return None
        try:
            return float(value)
        except ValueError:
            self.fail(f"{value!r} is not a number or 'off'", param, ctx)


def _default_manifest() -> Path:
    return load_settings().data_dir / MANIFEST_NAME


@click.group()
def loadtest() -> None:
    """Load testing: seed a realistic data set, then simulate users (see docs/loadtest.md)."""


@loadtest.command("seed")
@click.option(
    "--database-url",
    default=None,
    help="Default: the server's (ROOST_DATABASE_URL, or SQLite in ROOST_DATA_DIR).",
)
@click.option("--posts", default=10_000, show_default=True, type=click.IntRange(0))
@click.option(
    "--users", default=0, type=click.IntRange(0), help="Default: posts/100 (at least 20)."
)
@click.option("--teams", default=2, show_default=True, type=click.IntRange(1, 100))
@click.option("--channels", default=0, type=click.IntRange(0), help="Default: 2 per user.")
@click.option("--prefix", default="loadtest", show_default=True, help="Usernames are <prefix>-<n>.")
@click.option("--password", default="Loadtest-password-1", show_default=True)
@click.option(
    "--bcrypt-cost",
    default=10,
    show_default=True,
    type=click.IntRange(4, 14),
    help="Cost of the shared password hash. 10 is the server's; lower makes logins cheaper "
    "for seeded users only.",
)
@click.option(
    "--days", default=365, show_default=True, type=click.IntRange(1), help="History span."
)
@click.option("--random-seed", default=None, type=int, help="Repeatable data set.")
@click.option(
    "--manifest",
    "manifest_path",
    default=None,
    type=click.Path(path_type=Path),
    help=f"Default: <data dir>/{MANIFEST_NAME}.",
)
def seed_command(
    database_url: str | None,
    posts: int,
    users: int,
    teams: int,
    channels: int,
    prefix: str,
    password: str,
    bcrypt_cost: int,
    days: int,
    random_seed: int | None,
    manifest_path: Path | None,
) -> None:
    """Fill a Roost database directly with teams, users, channels, posts and reactions."""
    from roost.loadtest.seed import SeedError, seed
    from roost.loadtest.seed_plan import SeedConfig

    settings = load_settings()
    url = database_url or settings.effective_database_url
    cfg = SeedConfig(
        posts=posts,
        users=users,
        teams=teams,
        channels=channels,
        prefix=prefix,
        password=password,
        bcrypt_cost=bcrypt_cost,
        days=days,
        seed=random_seed,
    )
    target = manifest_path or settings.data_dir / MANIFEST_NAME
    try:
        result = asyncio.run(seed(url, cfg, target, lambda msg: click.echo(msg, err=True)))
    except SeedError as exc:
        raise click.ClickException(str(exc)) from None
    for table, n in result.counts.items():
        click.echo(f"{table:>16}: {n:,} rows")
    click.echo(
        f"seeded {result.rows:,} rows in {result.elapsed_s:.1f} s: {result.rows_per_s:,.0f} "
        f"rows/s, {result.posts_per_s:,.0f} posts/s"
    )
    m = result.manifest
    click.echo(
        f"users {m.prefix}-0 .. {m.prefix}-{m.users - 1} (admin {m.admin_username}), "
        f"password {m.password!r}; manifest: {result.manifest_path}"
    )


def _weights(pairs: tuple[str, ...]) -> dict[str, float]:
    weights = dict(model.ACTION_WEIGHTS)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in weights:
            raise click.BadParameter(
                f"{pair!r}: use NAME=WEIGHT with NAME one of {', '.join(weights)}",
                param_hint="--weight",
            )
        try:
            weights[name] = float(value)
        except ValueError:
            raise click.BadParameter(
                f"{pair!r}: weight must be a number", param_hint="--weight"
            ) from None
    return weights


@loadtest.command("run")
@click.option("--url", default=None, help="Server base URL. Default: ROOST_SITE_URL.")
@click.option(
    "--users",
    default=100,
    show_default=True,
    type=click.IntRange(1),
    help="Bounded: users to hold.",
)
@click.option(
    "--duration", default="5m", show_default=True, type=Duration(), help="Bounded run length."
)
@click.option("--find-max", is_flag=True, help="Unbounded: search for the supported user count.")
@click.option(
    "--max-duration",
    default="60m",
    show_default=True,
    type=Duration(),
    help="Find-max gives up after this.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes to spread users over.",
)
@click.option(
    "--time-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.0001, 100),
    help="Multiplies idle times and the 60 s period (tests use 0.01).",
)
@click.option(
    "--request-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds before a request counts as a timeout.",
)
@click.option(
    "--manifest",
    "manifest_path",
    default=None,
    type=click.Path(path_type=Path),
    help="From `roost loadtest seed`.",
)
@click.option("--username-prefix", default=None, help="Without a manifest: users <prefix>-0..N-1.")
@click.option("--user-count", default=0, type=click.IntRange(0), help="With --username-prefix.")
@click.option(
    "--password", default=None, help="With --username-prefix (or to override the manifest's)."
)
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="Report folder. Default: loadtest-results/<time>.",
)
@click.option(
    "--display",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "rich", "plain", "none"]),
)
@click.option(
    "--server-pid",
    "server_pids",
    multiple=True,
    type=int,
    help="Local server process for the CPU/memory signals (repeatable).",
)
@click.option("--max-5xx-share", default="0.00025", show_default=True, type=Limit())
@click.option("--max-avg-ms", default="100", show_default=True, type=Limit())
@click.option("--max-p99-ms", default="2000", show_default=True, type=Limit())
@click.option("--max-timeout-share", default="0.00025", show_default=True, type=Limit())
@click.option(
    "--max-refused-share",
    default="0.00025",
    show_default=True,
    type=Limit(),
    help="Share of requests the server shed (429, or 503 with Retry-After).",
)
@click.option(
    "--max-cpu",
    default="85",
    show_default=True,
    type=Limit(),
    help="Percent of one core, for the busiest server thread (the event loop).",
)
@click.option(
    "--max-mem",
    default="85",
    show_default=True,
    type=Limit(),
    help="Percent of the machine's memory.",
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    help="Override an action weight: NAME=PERCENT (repeatable).",
)
@click.option("--users-inc", default=model.USERS_INC, show_default=True, type=click.IntRange(1))
@click.option("--users-dec", default=model.USERS_DEC, show_default=True, type=click.IntRange(1))
@click.option("--interval", default=model.INTERVAL_S, show_default=True, type=click.FloatRange(0.1))
@click.option("--rest", default=model.REST_S, show_default=True, type=click.FloatRange(0))
@click.option(
    "--plateau-slope", default=model.PLATEAU_SLOPE, show_default=True, type=click.FloatRange(0)
)
@click.option(
    "--plateau-window", default=f"{model.PLATEAU_WINDOW_S:g}s", show_default=True, type=Duration()
)
@click.option(
    "--metrics-window", default=f"{model.METRICS_WINDOW_S:g}s", show_default=True, type=Duration()
)
@click.option(
    "--ramp",
    default="0",
    show_default=True,
    type=click.FloatRange(0),
    help="Bounded: seconds to bring all users in.",
)
@click.option("--random-seed", default=None, type=int)
def run_command(**opts: Any) -> None:
    """Simulate users against a server: bounded (--users, --duration) or --find-max."""
    from roost.loadtest.extras import missing_message, missing_modules

    missing = missing_modules()
    if missing:
        raise click.ClickException(missing_message(missing))
    from roost.loadtest.runner import run_and_write

    cfg = _run_config(opts)
    out_dir: Path = opts["out_dir"] or Path("loadtest-results") / time.strftime("%Y%m%d-%H%M%S")
    mode = "find-max" if cfg.find_max else f"{cfg.users} users for {cfg.duration_s:g} s"
    click.echo(f"load test against {cfg.url}: {mode}, {len(cfg.usernames)} seeded users", err=True)
    files = run_and_write(cfg, out_dir, opts["display"])
    import json

    report = json.loads(files.json.read_text())
    res, tot = report["result"], report["totals"]
    lat = tot["latency"]
    if cfg.find_max:
        found = res["supported_users"]
        click.echo(
            f"supported users: {found if found is not None else 'not found'} ({res['stop_reason']}); "
            f"top within thresholds: {res['top_users_within_thresholds']}"
        )
    else:
        verdict = (
            "within thresholds"
            if res["within_thresholds"]
            else "OVER thresholds: " + ", ".join(res["crossed"])
        )
        click.echo(f"{res['users']} users: {verdict}")
    click.echo(
        f"{tot['requests']} requests ({tot['requests_per_s']}/s), {tot['actions']} actions, "
        f"avg {lat['mean_ms']} ms, p99 {lat['p99_ms']} ms, 5xx {tot['errors_5xx']}, "
        f"timeouts {tot['timeouts']}, refused {tot['refused']}, "
        f"unsupported {tot['unsupported_requests']}"
    )
    click.echo(f"report: {files.markdown} {files.json} {files.chart}")


def _run_config(opts: dict[str, Any]) -> model.RunConfig:
    settings = load_settings()
    weights = _weights(opts["weights"])
    password = opts["password"]
    if opts["username_prefix"]:
        if not opts["user_count"] or not password:
            raise click.UsageError("--username-prefix needs --user-count and --password")
        from roost.loadtest.seed_plan import username

        usernames = [username(opts["username_prefix"], i) for i in range(opts["user_count"])]
    else:
        path: Path = opts["manifest_path"] or _default_manifest()
        if not path.exists():
            raise click.UsageError(
                f"no manifest at {path}: run `roost loadtest seed` or pass --manifest / "
                "--username-prefix"
            )
        manifest = Manifest.load(path)
        usernames = manifest.usernames()
        password = password or manifest.password
    thresholds = model.Thresholds(
        error_5xx_share=opts["max_5xx_share"],
        avg_request_ms=opts["max_avg_ms"],
        p99_request_ms=opts["max_p99_ms"],
        timeout_share=opts["max_timeout_share"],
        refused_share=opts["max_refused_share"],
        server_cpu_pct=opts["max_cpu"],
        server_mem_pct=opts["max_mem"],
    )
    if opts["users"] > len(usernames) and not opts["find_max"]:
        raise click.UsageError(f"--users {opts['users']} but only {len(usernames)} seeded users")
    return model.RunConfig(
        url=(opts["url"] or settings.site_url).rstrip("/"),
        usernames=usernames,
        password=password,
        users=opts["users"],
        duration_s=opts["duration"],
        find_max=opts["find_max"],
        max_duration_s=opts["max_duration"],
        workers=opts["workers"],
        time_scale=opts["time_scale"],
        request_timeout_s=opts["request_timeout"],
        weights=weights,
        thresholds=thresholds,
        server_pids=list(opts["server_pids"]),
        users_inc=opts["users_inc"],
        users_dec=opts["users_dec"],
        interval_s=opts["interval"],
        rest_s=opts["rest"],
        plateau_slope=opts["plateau_slope"],
        plateau_window_s=opts["plateau_window"],
        metrics_window_s=opts["metrics_window"],
        ramp_s=opts["ramp"],
        seed=opts["random_seed"],
    )
