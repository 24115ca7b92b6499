"""The error catalogue: every error Roost answers is built by a named factory in an
``errors`` module, and the catalogue is consistent (ids, statuses, no duplicates)."""

from __future__ import annotations

import ast
import importlib
import inspect
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from roost.app.kernel.errors import AppError

SRC = Path(__file__).resolve().parents[3] / "src" / "roost"
# Lower never imports higher; plugins stands beside the chain on the kernel alone.
DOMAIN_ORDER = [
    "kernel",
    "tenants",
    "accounts",
    "channels",
    "files",
    "posts",
    "integrations",
    "messaging",
]
MODULES = [f"roost.app.{d}.errors" for d in [*DOMAIN_ORDER, "plugins"]] + ["roost.api.http.errors"]
DOMAIN_ORDER = ["kernel", "tenants", "accounts", "channels", "files", "posts", "integrations"]
MODULES = [f"roost.app.{d}.errors" for d in [*DOMAIN_ORDER, "plugins"]] + [
    "roost.app.accounts.sso.errors",
    "roost.api.http.errors",
]
# Mattermost itself answers this id with 413 (bytes) and 400 (pixels).
SHARED_IDS = {
    "api.user.upload_profile_user.too_large.app_error": {400, 413},
    # And this one 404 (no such category) and 400 (an order or delete it refuses).
    "app.channel.sidebar_categories.app_error": {400, 404},
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _factories() -> list[tuple[str, Callable[..., AppError]]]:
    found: list[tuple[str, Callable[..., AppError]]] = []
    for name in MODULES:
        module = _module(name)
        for attr, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and value.__module__ == name
                and typing.get_type_hints(value).get("return") is AppError
            ):
                found.append((f"{name}.{attr}", value))
    return found


def _dummy(annotation: Any) -> Any:
    if annotation is str:
        return "x"
    if annotation is int:
        return 7
    if annotation is float:
        return 1.5
    if typing.get_origin(annotation) in (Sequence, list):
        return ["x"]
    if inspect.isclass(annotation) and issubclass(annotation, BaseException):
        return annotation("x")
    raise AssertionError(f"no sample value for {annotation!r}")


def _build(factory: Callable[..., AppError]) -> AppError:
    hints = typing.get_type_hints(factory)
    args = [
        _dummy(hints[p.name])
        for p in inspect.signature(factory).parameters.values()
        if p.default is inspect.Parameter.empty
    ]
    return factory(*args)


FACTORIES = _factories()


def test_the_catalogue_is_found() -> None:
    assert len(FACTORIES) > 100


@pytest.mark.parametrize(("name", "factory"), FACTORIES, ids=[n for n, _ in FACTORIES])
def test_a_factory_builds_an_error(name: str, factory: Callable[..., AppError]) -> None:
    error = _build(factory)
    assert isinstance(error, AppError)
    assert error.error_id
    assert error.message
    assert 400 <= error.status < 600
    assert error.retry_after is None or error.retry_after > 0


def test_an_id_has_one_status() -> None:
    statuses: dict[str, set[int]] = {}
    for _, factory in FACTORIES:
        error = _build(factory)
        statuses.setdefault(error.error_id, set()).add(error.status)
    mixed = {i: s for i, s in statuses.items() if len(s) > 1}
    assert mixed == SHARED_IDS


def test_no_two_factories_build_the_same_error() -> None:
    seen: dict[tuple[int, str, str], str] = {}
    for name, factory in FACTORIES:
        error = _build(factory)
        key = (error.status, error.error_id, error.message)
        assert key not in seen, f"{name} duplicates {seen[key]}"
        seen[key] = name


def _constructs_app_error(path: Path) -> list[int]:
    tree = ast.parse(path.read_text())
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "AppError")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "AppError")
        )
    ]


def test_only_errors_modules_construct_app_error() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "errors.py"
        for line in _constructs_app_error(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("domain", [*DOMAIN_ORDER, "plugins"])
def test_a_domain_errors_module_imports_no_higher_domain(domain: str) -> None:
    allowed = {"kernel"} if domain == "plugins" else set(DOMAIN_ORDER[: DOMAIN_ORDER.index(domain)])
    tree = ast.parse((SRC / "app" / domain / "errors.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("roost."):
            parts = node.module.split(".")
            assert parts[1] != "api", node.module
            if parts[1] == "app":
                assert parts[2] in allowed, f"{domain} imports {node.module}"
