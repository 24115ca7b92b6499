"""Settings: parsed flat, handed to services as frozen sections carrying the same values."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from roost.config import SECTIONS, Settings

SALT = "s" * 32
TOKEN = "t" * 32


def _section_fields() -> dict[str, list[str]]:
    """Flat field name -> the sections holding it."""
    owners: dict[str, list[str]] = {}
    for prop, cls, _ in SECTIONS:
        for f in dataclasses.fields(cls):
            owners.setdefault(f.name, []).append(prop)
    return owners


def test_every_field_belongs_to_exactly_one_section() -> None:
    owners = _section_fields()
    assert set(owners) == set(Settings.model_fields)
    assert {name: props for name, props in owners.items() if len(props) != 1} == {}


def test_sections_carry_the_flat_values() -> None:
    settings = Settings(
        database_url="postgresql://roost@db/roost",
        data_dir=Path("/srv/roost"),
        database_replica_urls="postgresql://r1/roost, postgresql://r2/roost",
        database_shards="eu=postgresql://eu/roost",
        max_post_size=4000,
        enable_public_link=True,
        public_link_salt=SALT,
        operator_token=TOKEN,
        plugin_host_mode="per_plugin",
        websocket_resume_seconds=5.0,
    )
    for prop, cls, _ in SECTIONS:
        section = getattr(settings, prop)
        assert type(section) is cls
        for f in dataclasses.fields(cls):
            assert getattr(section, f.name) == getattr(settings, f.name), f.name
    assert settings.posts.max_post_size == 4000
    assert settings.database.replica_urls == ["postgresql://r1/roost", "postgresql://r2/roost"]
    assert settings.database.shard_urls == {"eu": "postgresql://eu/roost"}
    assert settings.effective_database_url == "postgresql://roost@db/roost"
    assert settings.migration_database_url == "postgresql://roost@db/roost"


def test_sections_are_built_once_and_frozen() -> None:
    settings = Settings()
    assert settings.files is settings.files
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.files.max_file_size = 1  # type: ignore[misc]


def test_environment_variables_reach_the_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROOST_MAX_FILE_SIZE", "1234")
    monkeypatch.setenv("ROOST_ENABLE_OPEN_SERVER", "false")
    settings = Settings()
    assert settings.max_file_size == settings.files.max_file_size == 1234
    assert settings.accounts.enable_open_server is False


def test_the_sqlite_default_follows_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(database_url="", database_owner_url="", data_dir=tmp_path)
    expected = f"sqlite:///{(tmp_path / 'roost.db').resolve()}"
    assert settings.database.effective_database_url == expected
    assert settings.migration_database_url == expected


def test_secrets_stay_out_of_every_repr() -> None:
    settings = Settings(
        enable_public_link=True,
        public_link_salt=SALT,
        operator_token=TOKEN,
        file_s3_secret_access_key="the-secret-key",
    )
    secrets = (SALT, TOKEN, "the-secret-key")
    for text in [repr(settings), *(repr(getattr(settings, p)) for p, _, _ in SECTIONS)]:
        assert not any(secret in text for secret in secrets), text
    # A section hides exactly what the flat settings hide.
    for _, cls, _ in SECTIONS:
        for f in dataclasses.fields(cls):
            assert f.repr == Settings.model_fields[f.name].repr, f.name
