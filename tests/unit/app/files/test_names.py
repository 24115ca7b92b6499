"""An uploaded file's name, extension and type."""

from __future__ import annotations

import pytest

from roost.app.files.names import (
    MAX_NAME_CHARS,
    OCTET_STREAM,
    clean_name,
    extension,
    mime_type,
)
from roost.app.kernel.errors import AppError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\me\\Desktop\\report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("  spaced name.txt  ", "spaced name.txt"),
        ("tab\tand\nnewline.txt", "tabandnewline.txt"),
        # A right-to-left override would show "invoice\u202etxt.exe" as "invoiceexe.txt".
        ("invoice\u202etxt.exe", "invoicetxt.exe"),
        ("a\u200fb\u2066c\u2069.png", "abc.png"),
        ("résumé 日本.doc", "résumé 日本.doc"),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", ".", "..", "dir/", "a/..", "\x00\x01", "\u202e"])
def test_names_empty_once_cleaned_are_refused(raw: str) -> None:
    with pytest.raises(AppError) as raised:
        clean_name(raw)
    assert (raised.value.status, raised.value.error_id) == (
        400,
        "api.file.upload_file.bad_filename.app_error",
    )


def test_name_length_limit_applies_after_cleaning() -> None:
    assert clean_name("x" * MAX_NAME_CHARS) == "x" * MAX_NAME_CHARS
    assert clean_name("dir/" * 100 + "short.txt") == "short.txt"
    with pytest.raises(AppError):
        clean_name("x" * (MAX_NAME_CHARS + 1))


@pytest.mark.parametrize(
    ("name", "ext"),
    [
        ("photo.JPG", "jpg"),
        ("archive.tar.gz", "gz"),
        ("README", ""),
        (".bashrc", "bashrc"),
        ("trailing.", ""),
    ],
)
def test_extension_is_after_the_last_dot(name: str, ext: str) -> None:
    assert extension(name) == ext


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("a.png", "image/png"),
        ("a.JPG", "image/jpeg"),
        ("a.pdf", "application/pdf"),
        ("a.txt", "text/plain"),
        ("notes.md", "text/markdown"),
        ("a.tar.gz", "application/gzip"),
        ("a.webp", "image/webp"),
        ("a.7z", "application/x-7z-compressed"),
        ("README", OCTET_STREAM),
        ("a.unknownext", OCTET_STREAM),
    ],
)
def test_mime_type_from_the_extension(name: str, mime: str) -> None:
    assert mime_type(name) == mime
