"""README.md's settings table is the one generated from the settings' descriptions.

When this fails: give every new setting a ``description=`` and run
``python -m roost.config --readme``.
"""

from __future__ import annotations

from pathlib import Path

from roost.config import Settings
from roost.config.readme import README_END, README_START, settings_table, with_settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_has_a_description() -> None:
    missing = [name for name, f in Settings.model_fields.items() if not f.description]
    assert missing == []


def test_every_setting_is_in_the_table() -> None:
    table = settings_table()
    for name in Settings.model_fields:
        assert f"| `ROOST_{name.upper()}` |" in table


def test_the_readme_table_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(README_START) == 1 and text.count(README_END) == 1
    assert text == with_settings_table(text), "stale: run `python -m roost.config --readme`"
