"""``python -m roost.config``: print the README's settings table, or with ``--readme``
rewrite it in README.md (or the file named)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roost.config.readme import settings_table, with_settings_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m roost.config")
    parser.add_argument(
        "--readme", type=Path, nargs="?", const=Path("README.md"), help="rewrite its table"
    )
    args = parser.parse_args(argv)
    if args.readme is None:
        sys.stdout.write(settings_table())
        return 0
    text = args.readme.read_text(encoding="utf-8")
    args.readme.write_text(with_settings_table(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
