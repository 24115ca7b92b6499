"""Runs one real-client scenario as a subprocess and reads back its step results."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.client import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENVS = ROOT / ".venv-clients"
RESULT_PREFIX = "ROOST-RESULT "
# A whole scenario takes a few seconds; this only bounds a hang (below pytest's timeout).
SCENARIO_TIMEOUT_SECONDS = 90


# Node.js scenarios by client name (tests/clients/js/).
NODE_SCENARIOS = {
    "js": "scenario.js",
    "redux": "redux_app.js",
    "mobile": "mobile_replay.js",
}


def command(client: str) -> list[str]:
    if client in NODE_SCENARIOS:
        return ["node", str(HERE / "js" / NODE_SCENARIOS[client])]
    script = HERE / "python" / f"scenario_{client}.py"
    return [str(VENVS / client / "bin" / "python"), str(script)]


def setup_clients() -> None:
    """Install the clients' environments (a no-op when they are current)."""
    subprocess.run([str(ROOT / "scripts" / "setup-clients")], check=True, cwd=ROOT)


@dataclass
class Run:
    client: str
    returncode: int
    stdout: str
    stderr: str
    result: dict[str, Any] | None = field(default=None)

    def describe(self) -> str:
        return (
            f"{self.client} exited {self.returncode}\n"
            f"--- stdout (tail)\n{self.stdout[-3000:]}\n--- stderr (tail)\n{self.stderr[-5000:]}"
        )


def run_client(client: str, base_url: str, password: str, user_a: str, user_b: str) -> Run:
    env = dict(os.environ)
    # The scenarios must not pick up Roost's own venv or source tree.
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env.update(
        {
            "ROOST_URL": base_url,
            "ROOST_PASSWORD": password,
            "ROOST_USER_A": user_a,
            "ROOST_USER_B": user_b,
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        }
    )
    try:
        proc = subprocess.run(
            command(client),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SCENARIO_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        # Kept as a result, so the step tests report it instead of each running it again.
        return Run(client, -1, _text(exc.stdout), _text(exc.stderr) + f"\ntimed out: {exc}")
    run = Run(client, proc.returncode, proc.stdout, proc.stderr)
    # split("\n"), not splitlines(): results may quote messages holding U+2028 and kin.
    for line in proc.stdout.split("\n"):
        if line.startswith(RESULT_PREFIX):
            run.result = json.loads(line[len(RESULT_PREFIX) :])
    return run


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


def run_as_admin_and_user(
    runs: dict[tuple[str, str], Run],
    client: str,
    server: str,
    admin: Any,
    make_user: Callable[[], Any],
) -> Run:
    """The client's run against ``server``, made once per module: a fresh system admin
    acts (bots, tokens and role changes need the role; no other test sees its statuses
    and preferences change) and a second, plain user takes part."""
    key = (server, client)
    if key not in runs:
        actor = make_user()
        response = admin.api.put(f"/users/{actor.id}/roles", {"roles": "system_user system_admin"})
        assert response.status_code == 200, response.text
        other = make_user()
        runs[key] = run_client(client, server, PASSWORD, actor.username, other.username)
    return runs[key]


def check_reports_every_step(run: Run, steps: list[str]) -> None:
    assert run.result is not None, f"no result line\n{run.describe()}"
    assert run.returncode == 0, run.describe()
    assert list(run.result["steps"]) == steps


def check_step(run: Run, client: str, step: str) -> None:
    assert run.result is not None, f"no result line\n{run.describe()}"
    outcome = run.result["steps"].get(step)
    assert outcome is not None, f"{client} did not report step {step!r}"
    assert outcome["ok"], f"{client} step {step}: {outcome['error']}\n{outcome.get('trace', '')}"
