"""Password rules as Mattermost's PasswordSettings (sign-up and change, with its error
ids), the client config telling them, and an email change that takes the password."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKENDS
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.server import running_server
from tests.test_cli import roost

PWD = "model.user.is_valid.pwd_{}.app_error"
BAD_PARAM = "api.context.invalid_body_param.app_error"
WRONG_PASSWORD = "api.user.check_user_password.invalid.app_error"
STRICT_ENV = {
    "ROOST_PASSWORD_MINIMUM_LENGTH": "10",
    "ROOST_PASSWORD_LOWERCASE": "true",
    "ROOST_PASSWORD_UPPERCASE": "true",
    "ROOST_PASSWORD_NUMBER": "true",
    "ROOST_PASSWORD_SYMBOL": "true",
}
# Each lacks exactly the class its key names, and is long enough for the strict server.
LACKING = {
    "lowercase": "ABCDEFG12!x".upper(),
    "uppercase": "abcdefg12!x",
    "number": "Abcdefgh!xy",
    "symbol": "Abcdefg12xy",
}
GOOD = "Abcdefg12!x"


def _config(api: Api) -> dict[str, str]:
    config: dict[str, str] = expect(api.get("/config/client", params={"format": "old"}), 200)
    return config


def _sign_up(api: Api, password: str) -> httpx.Response:
    name = unique("pw")
    body = {"username": name, "email": f"{name}@example.com", "password": password}
    return api.post("/users", body)


def _refused(response: httpx.Response, error_id: str) -> dict[str, str]:
    body: dict[str, str] = expect(response, 400)
    assert body["id"] == error_id, body
    return body


def _change(user: LoggedIn, new: str) -> httpx.Response:
    body = {"current_password": PASSWORD, "new_password": new}
    return user.api.put(f"/users/{user.id}/password", body)


# The default rules: 8 bytes, no classes.


def test_the_defaults_are_mattermosts(anon: Api) -> None:
    config = _config(anon)
    assert config["PasswordMinimumLength"] == "8"
    for key in ("Lowercase", "Uppercase", "Number", "Symbol"):
        assert config[f"PasswordRequire{key}"] == "false"


def test_the_default_length_on_sign_up(anon: Api) -> None:
    body = _refused(_sign_up(anon, "a" * 7), PWD.format("min_length"))
    assert "at least 8 characters" in body["message"]
    _refused(_sign_up(anon, "a" * 73), PWD.format("max_length"))
    # Bytes, as Mattermost counts: four two-byte letters are eight.
    expect(_sign_up(anon, "é" * 4), 201)
    expect(_sign_up(anon, "a" * 8), 201)


def test_the_default_length_on_change(make_user: Callable[..., LoggedIn]) -> None:
    user: LoggedIn = make_user()
    _refused(_change(user, "a" * 7), PWD.format("min_length"))
    _refused(_change(user, "a" * 73), PWD.format("max_length"))
    expect(_change(user, "a" * 8), 200)


# Email changes.


def test_changing_ones_email_takes_the_password(
    make_user: Callable[..., LoggedIn], anon: Api
) -> None:
    user: LoggedIn = make_user()
    new = f"{unique('moved')}@example.com"
    patch = f"/users/{user.id}/patch"
    _refused(user.api.put(patch, {"email": new}), BAD_PARAM)
    _refused(user.api.put(patch, {"email": new, "password": "not-the-password"}), WRONG_PASSWORD)
    me = expect(user.api.get("/users/me"), 200)
    assert me["email"] == user.email  # nothing written
    # Other fields, and the same email, need no password.
    expect(user.api.put(patch, {"email": user.email, "nickname": "nick"}), 200)
    assert expect(user.api.put(patch, {"email": new, "password": PASSWORD}), 200)["email"] == new
    login = anon.post("/users/login", {"login_id": new, "password": PASSWORD})
    expect(login, 200)


def test_the_whole_user_update_also_takes_the_password(make_user: Callable[..., LoggedIn]) -> None:
    user: LoggedIn = make_user()
    new = f"{unique('whole')}@example.com"
    path = f"/users/{user.id}"
    _refused(user.api.put(path, {"id": user.id, "email": new}), BAD_PARAM)
    _refused(user.api.put(path, {"id": user.id, "email": new, "password": "wrong-one"}), BAD_PARAM)
    body = {"id": user.id, "email": new, "password": PASSWORD}
    assert expect(user.api.put(path, body), 200)["email"] == new


def test_an_admin_changes_anothers_email_without_it(
    make_user: Callable[..., LoggedIn], admin: LoggedIn
) -> None:
    user: LoggedIn = make_user()
    new = f"{unique('byadmin')}@example.com"
    patched = expect(admin.api.put(f"/users/{user.id}/patch", {"email": new}), 200)
    assert patched["email"] == new


# Every rule on: 10 bytes and each class.


@pytest.fixture(scope="module", params=BACKENDS)
def strict(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    backend = str(request.param)
    data_dir: Path = tmp_path_factory.mktemp(f"strict-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, STRICT_ENV) as base:
        create_user(base)  # the first user, its admin (PASSWORD meets every rule)
        yield base


def test_the_client_config_tells_the_rules(strict: str) -> None:
    config = _config(Api(strict))
    assert config["PasswordMinimumLength"] == "10"
    for key in ("Lowercase", "Uppercase", "Number", "Symbol"):
        assert config[f"PasswordRequire{key}"] == "true"


@pytest.mark.parametrize("missing", list(LACKING))
def test_each_class_is_required_on_sign_up(strict: str, missing: str) -> None:
    anon = Api(strict)
    _refused(_sign_up(anon, LACKING[missing]), PWD.format(missing))


@pytest.mark.parametrize("missing", list(LACKING))
def test_each_class_is_required_on_change(strict: str, missing: str) -> None:
    user = create_user(strict)
    _refused(_change(user, LACKING[missing]), PWD.format(missing))
    # Refused: the old password still works.
    login = Api(strict).post("/users/login", {"login_id": user.username, "password": PASSWORD})
    expect(login, 200)


def test_every_missing_class_is_named_in_order(strict: str) -> None:
    body = _refused(_sign_up(Api(strict), " " * 10), PWD.format("lowercase_uppercase_number"))
    assert "at least 10 characters" in body["message"]
    _refused(_sign_up(Api(strict), "é" * 5), PWD.format("lowercase_uppercase_number_symbol"))


def test_a_short_password_is_only_too_short(strict: str) -> None:
    _refused(_sign_up(Api(strict), "Ab1!"), PWD.format("min_length"))


def test_a_password_meeting_every_rule_is_accepted(strict: str) -> None:
    expect(_sign_up(Api(strict), GOOD), 201)
    user = create_user(strict)
    expect(_change(user, GOOD), 200)
    login = Api(strict).post("/users/login", {"login_id": user.username, "password": GOOD})
    expect(login, 200)


# The command line sets passwords too.


def test_the_command_line_applies_the_rules(tmp_path: Path) -> None:
    args = ["user", "create", "--email", "c@example.com", "--username", "cli", "--password"]
    short = roost(*args, "short-7", data_dir=tmp_path, check=False)
    assert short.returncode != 0
    assert "at least 8 characters" in short.stderr
    strict = dict(STRICT_ENV)
    lacking = roost(*args, "abcdefg12!x", data_dir=tmp_path, check=False, env=strict)
    assert lacking.returncode != 0 and "uppercase letter" in lacking.stderr
    assert "created user cli" in roost(*args, GOOD, data_dir=tmp_path, env=strict).stdout
