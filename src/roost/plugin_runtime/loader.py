"""Import a plugin's class: a bundled plugin from Roost's own package, an uploaded one
from the folder its bundle was unpacked into (under a module name of its own, so two
plugins, or two versions of one, never share a module).

Instances of one plugin version (tenants that enabled the same bundle) share its module:
it is imported once and dropped when the last of them is unloaded. Module-level state is
therefore shared between tenants; plugins keep theirs on ``self`` or in the key-value
store."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import threading
from pathlib import Path

from roost.plugin.base import Plugin

# Imports run in threads (several plugins load at once): one at a time here, so two
# instances of one version never import it twice.
_importing = threading.Lock()
# Instances using each uploaded module, by module name.
_users: dict[str, int] = {}


class LoadError(Exception):
    pass


def _unique_name(key: str) -> str:
    return "roost_plugin_" + re.sub(r"\W", "_", key)


def plugin_class(module: str, class_name: str, folder: str = "", key: str = "") -> type[Plugin]:
    """The Plugin subclass named by the manifest. ``folder`` is the unpacked bundle
    (empty for bundled plugins, whose module is importable as is) and ``key`` names
    this plugin version (its id and bundle digest)."""
    unique = _unique_name(key)
    try:
        if folder:
            with _importing:
                loaded = _import_from_folder(Path(folder), module, unique)
                _users[unique] = _users.get(unique, 0) + 1
        else:
            loaded = importlib.import_module(module)
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"importing {module}: {type(exc).__name__}: {exc}") from exc
    cls = getattr(loaded, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, Plugin):
        if folder:
            forget(key)
        raise LoadError(f"{module}.{class_name} is not a roost.plugin.Plugin subclass")
    return cls


def _import_from_folder(root: Path, module: str, unique: str) -> object:
    top, _, rest = module.partition(".")
    if unique in sys.modules:  # another instance of this version imported it
        return importlib.import_module(f"{unique}.{rest}") if rest else sys.modules[unique]
    package = root / top
    if (package / "__init__.py").is_file():
        spec = importlib.util.spec_from_file_location(
            unique, package / "__init__.py", submodule_search_locations=[str(package)]
        )
    elif (root / f"{top}.py").is_file() and not rest:
        spec = importlib.util.spec_from_file_location(unique, root / f"{top}.py")
    else:
        raise LoadError(f"the bundle has no module {top!r}")
    if spec is None or spec.loader is None:
        raise LoadError(f"cannot load {module!r}")
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[unique] = loaded
    try:
        spec.loader.exec_module(loaded)
    except BaseException:
        sys.modules.pop(unique, None)
        raise
    return importlib.import_module(f"{unique}.{rest}") if rest else loaded


def forget(key: str) -> None:
    """An instance of an uploaded plugin was unloaded: once no instance uses its version,
    drop its modules (its memory, and a later import starts afresh)."""
    unique = _unique_name(key)
    with _importing:
        left = _users.get(unique, 0) - 1
        if left > 0:
            _users[unique] = left
            return
        _users.pop(unique, None)
        for name in [n for n in sys.modules if n == unique or n.startswith(unique + ".")]:
            del sys.modules[name]
