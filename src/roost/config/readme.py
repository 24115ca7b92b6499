"""README.md's settings table, generated from the settings' descriptions: one table per
section, in ``SECTIONS`` order. ``python -m roost.config --readme`` rewrites the README
between its markers; tests/unit/test_readme_settings.py fails when it is stale."""

from __future__ import annotations

from dataclasses import fields

from roost.config import SECTIONS, Settings

# Defaults that depend on the machine or on another setting, in words.
_DEFAULTS_IN_WORDS = {
    "database_url": "SQLite at `$ROOST_DATA_DIR/roost.db`",
    "data_dir": "`./data` (from the working directory)",
    "database_owner_url": "`ROOST_DATABASE_URL`",
    "database_shard_owner_urls": "the shards' URLs",
    "file_store": "local",
    "file_s3_endpoint": "AWS",
    "operator_token": "none (operator API off)",
    "tenant_requests_per_second": "`0` (none)",
}
README_START = "<!-- settings:start -->"
README_END = "<!-- settings:end -->"


def _default_text(name: str) -> str:
    if name in _DEFAULTS_IN_WORDS:
        return _DEFAULTS_IN_WORDS[name]
    value = Settings.model_fields[name].default
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value == "":
        return "none"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def settings_table() -> str:
    """README.md's settings table, one per section, from the fields' descriptions."""
    lines = [
        "<!-- Generated from the descriptions in src/roost/config/: "
        "`python -m roost.config --readme` rewrites it. -->",
    ]
    for _, cls, title in SECTIONS:
        lines += ["", f"#### {title}", "", "| variable | default | meaning |", "|---|---|---|"]
        for f in fields(cls):
            description = Settings.model_fields[f.name].description
            if not description:
                raise ValueError(f"setting {f.name} has no description")
            meaning = description.replace("|", "\\|")
            lines.append(f"| `ROOST_{f.name.upper()}` | {_default_text(f.name)} | {meaning} |")
    return "\n".join(lines) + "\n"


def with_settings_table(readme: str) -> str:
    """The README with the text between its settings markers replaced by the table."""
    start = readme.index(README_START) + len(README_START)
    end = readme.index(README_END, start)
    return f"{readme[:start]}\n{settings_table()}\n{readme[end:]}"
