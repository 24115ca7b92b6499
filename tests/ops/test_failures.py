"""Operational failures through the real command line: a line or two saying what is
wrong and what to do, exit status 1, the traceback only with --debug."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.ops.cli import immutable, one_error, roost
from tests.support.databases import PG_ADMIN_URL
from tests.support.server import free_port


def _pg(database: str, port: int | None = None) -> str:
    base = PG_ADMIN_URL.rpartition("/")[0]
    if port is not None:
        base = f"postgresql://postgres@127.0.0.1:{port}"
    return f"{base}/{database}"


def test_a_database_that_does_not_exist_is_named_with_how_to_create_it(tmp_path: Path) -> None:
    name = f"roost_missing_{uuid.uuid4().hex[:8]}"
    env = {"ROOST_DATABASE_URL": _pg(name), "ROOST_DATA_DIR": str(tmp_path)}
    for command in (["migrate"], ["serve", "--port", str(free_port())]):
        message = one_error(roost(*command, env=env))
        assert f"database '{name}' does not exist" in message
        assert f"createdb -O <owner> {name}" in message


def test_nothing_listening_names_the_address(tmp_path: Path) -> None:
    port = free_port()
    env = {"ROOST_DATABASE_URL": _pg("roost", port), "ROOST_DATA_DIR": str(tmp_path)}
    message = one_error(roost("migrate", env=env))
    assert f"nothing is listening at 127.0.0.1:{port}" in message
    assert "start PostgreSQL there, or fix ROOST_DATABASE_URL" in message


def test_an_unsupported_scheme_says_what_to_use(tmp_path: Path) -> None:
    env = {"ROOST_DATABASE_URL": "mysql://roost:pw@db/roost", "ROOST_DATA_DIR": str(tmp_path)}
    message = one_error(roost("migrate", env=env))
    assert "database URL scheme 'mysql://' is not supported" in message
    assert "use postgresql://" in message and "pw" not in message


def test_the_relative_default_data_dir_outside_a_writable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    with immutable(folder):
        message = one_error(roost("migrate", cwd=folder))
    assert f"cannot create the data directory {folder / 'data'}" in message
    assert "ROOST_DATA_DIR is 'data', relative to the working directory" in message
    assert not (folder / "data").exists()


def test_a_data_dir_that_cannot_be_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with immutable(data):
        for command in (["migrate"], ["serve", "--port", str(free_port())]):
            message = one_error(roost(*command, env={"ROOST_DATA_DIR": str(data)}))
            assert f"the data directory {data} is not writable by this user" in message


def test_a_bad_value_names_the_variable(tmp_path: Path) -> None:
    env = {"ROOST_DATA_DIR": str(tmp_path), "ROOST_PORT": "eighty", "ROOST_OPERATOR_TOKEN": "s"}
    message = one_error(roost("migrate", env=env))
    assert "ROOST_PORT: Input should be a valid integer" in message and "'eighty'" in message
    # A secret's value is never repeated back.
    assert "ROOST_OPERATOR_TOKEN" in message and "'s'" not in message


def test_an_unknown_variable_names_the_closest_setting(tmp_path: Path) -> None:
    env = {"ROOST_DATA_DIR": str(tmp_path), "ROOST_ENABLE_OPEN_SERVR": "true"}
    message = one_error(roost("migrate", env=env))
    assert "unknown setting ROOST_ENABLE_OPEN_SERVR in the environment" in message
    assert "did you mean ROOST_ENABLE_OPEN_SERVER?" in message


def test_the_config_file_must_exist_and_name_real_settings(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    env = {"ROOST_DATA_DIR": str(tmp_path), "ROOST_CONFIG_FILE": str(missing)}
    message = one_error(roost("migrate", env=env))
    assert f"config file {missing} (ROOST_CONFIG_FILE) does not exist" in message

    config = tmp_path / "roost.toml"
    config.write_text('site_url = "https://chat.example.com"\npasword_minimum_length = 12\n')
    env["ROOST_CONFIG_FILE"] = str(config)
    message = one_error(roost("migrate", env=env))
    assert "unknown setting 'pasword_minimum_length' in config file" in message
    assert "did you mean password_minimum_length?" in message

    config.write_text("site_url = [")
    assert "is not valid TOML" in one_error(roost("migrate", env=env))

    config.write_text('site_url = "https://chat.example.com"\n')
    assert roost("migrate", env=env).returncode == 0


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    env = {"ROOST_DATA_DIR": str(tmp_path), "ROOST_DATABASE_URL": _pg("roost", free_port())}
    result = roost("--debug", "migrate", env=env)
    assert result.returncode != 0 and "Traceback" in result.stderr
