"""``python -m roost.cli``: the same command as ``roost``."""

from roost.cli.main import main

main()
