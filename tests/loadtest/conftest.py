"""Seeded servers for the load-test tests: a small data set loaded straight into a fresh
database, and a real ``roost serve`` on top of it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from roost.loadtest.manifest import Manifest
from roost.loadtest.seed import SeedResult, seed
from roost.loadtest.seed_plan import SeedConfig
from tests.support.databases import database
from tests.support.server import running_server

# Seeded users log in many times per test: the cheapest bcrypt cost keeps that fast.
SMALL = SeedConfig(posts=3000, users=60, teams=2, bcrypt_cost=4, seed=7)


@dataclass
class Seeded:
    base: str
    database_url: str
    manifest_path: Path
    result: SeedResult

    @property
    def manifest(self) -> Manifest:
        return self.result.manifest


def _seed_in_thread(url: str, cfg: SeedConfig, manifest: Path) -> SeedResult:
    """Seed on a loop of its own (the test session may already run one); errors propagate."""
    outcome: list[SeedResult | BaseException] = []

    def work() -> None:
        try:
            outcome.append(asyncio.run(seed(url, cfg, manifest)))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


@contextmanager
def seeded_server(backend: str, directory: Path, cfg: SeedConfig = SMALL) -> Iterator[Seeded]:
    with database(backend, directory) as url:
        manifest = directory / "manifest.json"
        result = _seed_in_thread(url, cfg, manifest)
        with running_server(url, directory) as base:
            yield Seeded(base, url, manifest, result)


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    with seeded_server("sqlite", tmp_path_factory.mktemp("loadtest-sqlite")) as seeded:
        yield seeded
