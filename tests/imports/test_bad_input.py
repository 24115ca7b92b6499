"""Bad import files: every problem reported with its file and line, and nothing of the
file written."""

from __future__ import annotations

from pathlib import Path

from tests.imports.conftest import Site
from tests.imports.fixtures import T0, line, zip_of
from tests.support.client import expect


def test_every_problem_is_reported_and_nothing_is_written(site: Site, tmp_path: Path) -> None:
    lines = [
        line("version", 1),  # 1
        line("team", {"name": "badteam", "display_name": "Bad", "type": "O"}),  # 2
        b"{not json\n",  # 3
        line("webhook", {"name": "x"}),  # 4
        line("channel", {"team": "no-such-team", "name": "c", "display_name": "C"}),  # 5
        line("user", {"username": "dup", "email": "dup@example.com"}),  # 6
        line("user", {"username": "Dup", "email": "other@example.com"}),  # 7
        line("user", {"username": "mail2", "email": "DUP@example.com"}),  # 8
        line(
            "post",  # 9
            {
                "team": "badteam",
                "channel": "nowhere",
                "user": "dup",
                "message": "lost",
                "create_at": T0,
            },
        ),
        line(
            "post",  # 10
            {
                "team": "badteam",
                "channel": "town-square",
                "user": "dup",
                "message": "big file",
                "create_at": T0,
                "attachments": [{"path": "data/big.bin"}],
            },
        ),
        line(
            "post",  # 11
            {
                "team": "badteam",
                "channel": "town-square",
                "user": "dup",
                "message": "climbing",
                "create_at": T0 + 1,
                "attachments": [{"path": "../../etc/passwd"}],
            },
        ),
        line(
            "post",  # 12
            {
                "team": "badteam",
                "channel": "town-square",
                "user": "ghost",
                "message": "boo",
                "create_at": T0 + 2,
            },
        ),
    ]
    path = zip_of(tmp_path / "bad.zip", lines, {"data/big.bin": b"x" * 4096})
    for args in (["--dry-run"], []):
        done = site.roost("import", "mattermost", str(path), *args, ROOST_MAX_FILE_SIZE="1024")
        assert done.returncode == 1
        found = done.stderr
        where = "bad.zip!import.jsonl"
        for number, words in [
            (3, "not valid JSON"),
            (4, "unknown line type 'webhook'"),
            (5, "team 'no-such-team' does not exist"),
            (7, "differs only in case"),
            (8, "is also 'dup'"),
            (9, "channel badteam/nowhere does not exist"),
            (10, "past the limit of 1024"),
            (11, "leaves the archive"),
            (12, "user 'ghost' does not exist"),
        ]:
            assert f"{where}:{number}: " in found and words in found, (number, words, found)
        assert "nothing was imported" in done.stdout
    expect(site.admin.api.get("/teams/name/badteam"), 404)
    expect(site.admin.api.get("/users/username/dup"), 404)


def test_a_truncated_archive_is_refused(site: Site, tmp_path: Path) -> None:
    whole = zip_of(
        tmp_path / "whole.zip",
        [line("version", 1), line("team", {"name": "cut", "display_name": "Cut"})],
    )
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:-30])
    done = site.roost("import", "mattermost", str(cut))
    assert done.returncode != 0
    assert "cut.zip" in done.stderr and "not a readable zip archive" in done.stderr
    expect(site.admin.api.get("/teams/name/cut"), 404)


def test_the_first_line_must_be_the_version(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "noversion.jsonl"
    path.write_bytes(line("team", {"name": "early", "display_name": "Early"}))
    done = site.roost("import", "mattermost", str(path), "--dry-run")
    assert done.returncode == 1
    assert "noversion.jsonl:1: the first line must be the version line" in done.stderr
