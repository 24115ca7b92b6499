"""The plugin host's user: which paths it may read, and uploaded code placed where it
may (the end-to-end proof is tests/plugins/test_host_environment.py)."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

import pytest

from roost.plugin_runtime.host_user import HostUser, _readable_by


def test_readable_by_follows_every_directory_above(tmp_path: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    uid, gid = nobody.pw_uid, nobody.pw_gid
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    target = inner / "code.py"
    target.write_text("x = 1\n")
    for step in (tmp_path, tmp_path / "a", inner):
        step.chmod(0o755)
    target.chmod(0o644)
    if _readable_by(tmp_path, uid, gid):  # the temporary root itself may be private
        assert _readable_by(target, uid, gid)
    (tmp_path / "a").chmod(0o700)
    assert not _readable_by(target, uid, gid)
    (tmp_path / "a").chmod(0o755)
    target.chmod(0o600)
    assert not _readable_by(target, uid, gid)
    assert not _readable_by(tmp_path / "missing", uid, gid)


@pytest.mark.skipif(os.geteuid() != 0, reason="placing files for another user needs root")
def test_uploaded_code_is_copied_for_the_hosts_group_only(tmp_path: Path) -> None:
    bundle = tmp_path / "plugins" / "p" / "digest"
    (bundle / "server").mkdir(parents=True)
    (bundle / "server" / "__init__.py").write_text("x = 1\n")
    bundle.chmod(0o700)
    user = HostUser("nobody")
    assert user.switches
    user.read_any_file = False  # whatever this machine's interpreter allows
    try:
        placed = Path(user.readable(str(bundle), "p@digest"))
        assert placed != bundle
        assert (placed / "server" / "__init__.py").read_text() == "x = 1\n"
        assert user.readable(str(bundle), "p@digest") == str(placed)  # copied once
        nobody = pwd.getpwnam("nobody")
        for path in (placed.parent, placed, placed / "server", placed / "server" / "__init__.py"):
            st = path.stat()
            assert st.st_gid == nobody.pw_gid
            assert st.st_mode & stat.S_IRWXO == 0  # other users read nothing
            assert _readable_by(path, nobody.pw_uid, nobody.pw_gid), path  # the host reads it
    finally:
        user.close()
    assert not placed.exists()
