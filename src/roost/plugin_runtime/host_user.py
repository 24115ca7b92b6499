"""Who the plugin host runs as, so that it cannot read the server's environment (where
the operator token and database passwords are).

- A server running as root starts the host as an unprivileged user
  (``ROOST_PLUGIN_HOST_USER``, default ``nobody``): root reads every process's
  ``/proc/<pid>/environ``; that user reads no process's of another user. Uploaded
  plugins' code is copied where that user may read it (the data directory may not be
  readable to it).
- When that user could not even run the interpreter (Python installed under a home
  directory only root may enter, as ``/root/.pyenv``), the host keeps ONE capability,
  ``CAP_DAC_READ_SEARCH``: it may read files as root could, but still no other user's
  ``/proc/<pid>/environ`` (that needs ``CAP_SYS_PTRACE``). Installing Python where the
  user may read it avoids this (a warning says so).
- A server running as any other user starts the host as itself, and makes its own
  ``/proc/<pid>/environ`` unreadable to processes of its uid (``harden_process``:
  ``prctl(PR_SET_DUMPABLE, 0)``, which the server calls at start, whatever its user).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pwd
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("roost.plugin_runtime")

# <linux/prctl.h>, <linux/capability.h>
PR_SET_DUMPABLE = 4
PR_SET_KEEPCAPS = 8
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_RAISE = 2
CAP_DAC_READ_SEARCH = 2
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


def harden_process() -> None:
    """Make this process's ``/proc/<pid>/environ`` (and memory) unreadable to other
    processes of its uid, a plugin host among them (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_DUMPABLE, 0) failed: errno %d", ctypes.get_errno())


class HostUser:
    def __init__(self, name: str) -> None:
        self.uid = self.gid = -1
        self.read_any_file = False
        self._staging = ""
        if os.geteuid() != 0 or not name or not sys.platform.startswith("linux"):
            return
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            # Refusing beats running plugins as root: isolated plugins fail to start.
            raise OSError(f"ROOST_PLUGIN_HOST_USER {name!r} does not exist") from None
        if entry.pw_uid == 0:
            raise OSError("ROOST_PLUGIN_HOST_USER must not be root")
        self.uid, self.gid = entry.pw_uid, entry.pw_gid
        blocked = [p for p in _runtime_paths() if not _readable_by(p, self.uid, self.gid)]
        if blocked:
            self.read_any_file = True
            log.warning(
                "the plugin host's user %s cannot read %s: it keeps CAP_DAC_READ_SEARCH "
                "(reads files as root would, but no other user's process environment); "
                "install Python where %s can read it",
                name,
                blocked[0],
                name,
            )

    @property
    def switches(self) -> bool:
        return self.uid >= 0

    def spawn_options(self) -> dict[str, Any]:
        """Keyword arguments for the host's ``create_subprocess_exec``."""
        if not self.switches:
            return {}
        return {"preexec_fn": _dropper(self.uid, self.gid, self.read_any_file), "cwd": "/"}

    def readable(self, folder: str, key: str) -> str:
        """``folder`` (an unpacked bundle) where the host's user may read it."""
        if not self.switches or not folder or self.read_any_file:
            return folder
        if not self._staging:
            self._staging = tempfile.mkdtemp(prefix="roost-plugin-code-")
            _share(self._staging, self.gid, 0o750)  # the host's group reads; others do not
        target = os.path.join(self._staging, re.sub(r"[^\w.-]", "_", key))
        if not os.path.isdir(target):
            copying = tempfile.mkdtemp(dir=self._staging)
            shutil.copytree(folder, copying, dirs_exist_ok=True, symlinks=True)
            for root, dirs, files in os.walk(copying):
                for name in dirs:
                    _share(os.path.join(root, name), self.gid, 0o750)
                for name in files:
                    _share(os.path.join(root, name), self.gid, 0o640)
            _share(copying, self.gid, 0o750)
            with contextlib.suppress(OSError):  # another load placed it first
                os.rename(copying, target)
            shutil.rmtree(copying, ignore_errors=True)
        return target

    def close(self) -> None:
        if self._staging:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = ""


def _dropper(uid: int, gid: int, read_any_file: bool) -> Callable[[], None]:
    def drop() -> None:
        # In the child, before exec (uvloop takes no user=/group=).
        libc = ctypes.CDLL(None, use_errno=True)
        if read_any_file:
            libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
        os.setgroups([])  # none of root's supplementary groups
        os.setgid(gid)
        os.setuid(uid)  # cannot be undone
        if read_any_file:
            _keep_only(libc, CAP_DAC_READ_SEARCH)

    return drop


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _keep_only(libc: ctypes.CDLL, cap: int) -> None:
    """This process keeps ``cap`` alone, across exec (an ambient capability)."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    data[0].effective = data[0].permitted = data[0].inheritable = 1 << cap
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    if libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAP_AMBIENT_RAISE)")


def _share(path: str, gid: int, mode: int) -> None:
    os.chown(path, 0, gid, follow_symlinks=False)
    if not os.path.islink(path):
        os.chmod(path, mode)


def _runtime_paths() -> list[Path]:
    """What the host must read to start: the interpreter, the standard library and
    Roost's own package."""
    import roost

    return [
        Path(os.path.realpath(sys.executable)),
        Path(os.path.realpath(os.path.dirname(os.__file__))),
        Path(os.path.realpath(os.path.dirname(roost.__file__))),
    ]


def _readable_by(path: Path, uid: int, gid: int) -> bool:
    """Whether ``uid``/``gid`` may reach and read ``path`` (mode bits of it and every
    directory above it)."""
    for step in [*reversed(path.parents), path]:
        try:
            st = step.stat()
        except OSError:
            return False
        if step != path or stat.S_ISDIR(st.st_mode):
            need = stat.S_IXOTH | (stat.S_IROTH if step == path else 0)
        else:  # the file itself: read (the interpreter: and run)
            need = stat.S_IROTH | (stat.S_IXOTH if st.st_mode & stat.S_IXUSR else 0)
        if st.st_uid == uid:
            need <<= 6
        elif st.st_gid == gid:
            need <<= 3
        if st.st_mode & need != need:
            return False
    return True
