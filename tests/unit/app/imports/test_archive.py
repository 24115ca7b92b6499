"""Opening import archives: zip-slip names, zip bombs and oversize attachments refused
before anything is read; lines streamed with their numbers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from roost.app.imports.archive import ArchiveError, Limits, Source, safe_name


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/passwd", "a/../../b", "C:/x", "a\\..\\b", "nul\x00"]
)
def test_names_leaving_the_archive_are_unsafe(name: str) -> None:
    assert safe_name(name) is None


def test_safe_names_are_normalised() -> None:
    assert safe_name("data/./a.png") == "data/a.png"


def test_a_zip_slip_member_refuses_the_archive(tmp_path: Path) -> None:
    path = _zip(tmp_path / "slip.zip", {"import.jsonl": b"{}\n", "../../outside": b"x"})
    with pytest.raises(ArchiveError, match="leaves the archive"):
        Source(path)


def test_a_zip_bomb_refuses_the_archive(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.zip", {"import.jsonl": b"\n" * (8 * 1024 * 1024)})
    with pytest.raises(ArchiveError, match="zip bomb"):
        Source(path)


def test_the_unpacked_total_is_bounded(tmp_path: Path) -> None:
    path = _zip(tmp_path / "big.zip", {"import.jsonl": b"{}\n", "a.bin": bytes(range(256)) * 40})
    with pytest.raises(ArchiveError, match="past the limit"):
        Source(path, Limits(max_total_bytes=5000))


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    whole = _zip(tmp_path / "whole.zip", {"import.jsonl": b'{"type":"version","version":1}\n'})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:-25])
    with pytest.raises(ArchiveError, match="not a readable zip"):
        Source(cut)


def test_lines_stream_with_their_numbers(tmp_path: Path) -> None:
    path = _zip(tmp_path / "ok.zip", {"x.jsonl": b"a\n\nb\n", "data/f.txt": b"12345"})
    source = Source(path, Limits(max_attachment_bytes=4))
    assert source.jsonl_name() == "x.jsonl"
    assert list(source.lines("x.jsonl")) == [(1, b"a\n"), (3, b"b\n")]
    assert source.attachment_problem("data/f.txt") == (
        "attachment 'data/f.txt' is 5 bytes, past the limit of 4"
    )
    assert "not in the archive" in str(source.attachment_problem("data/missing.txt"))
    source.close()
