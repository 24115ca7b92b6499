"""The packages only ``roost loadtest run`` needs (the ``loadtest`` extra).

A deployment installs ``roost`` without them; the command checks for them before it
starts, so a missing one is one clear line instead of a traceback halfway through a run.
"""

from __future__ import annotations

import importlib

EXTRA_MODULES = ("rich", "matplotlib")
INSTALL_HINT = "pip install 'roost[loadtest]'"


def missing_modules() -> list[str]:
    """The extra's modules that cannot be imported here, in a fixed order."""
    missing = []
    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def missing_message(missing: list[str]) -> str:
    return (
        f"roost loadtest run needs the loadtest extra ({', '.join(missing)} not installed): "
        f"{INSTALL_HINT}"
    )
