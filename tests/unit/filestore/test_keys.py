"""Object keys in the file store, made from ids alone."""

from __future__ import annotations

from roost.filestore.keys import ORIGINAL, PREVIEW, THUMBNAIL, all_keys, object_key
from roost.ids import new_id


def test_key_layout() -> None:
    assert object_key("t1", "abcdef", ORIGINAL) == "t1/ab/abcdef/original"


def test_every_variant_of_a_file_shares_its_directory() -> None:
    file_id = new_id()
    keys = all_keys("tenant", file_id)
    assert keys == [
        object_key("tenant", file_id, ORIGINAL),
        object_key("tenant", file_id, THUMBNAIL),
        object_key("tenant", file_id, PREVIEW),
    ]
    assert len(set(keys)) == 3
    assert {key.rsplit("/", 1)[0] for key in keys} == {f"tenant/{file_id[:2]}/{file_id}"}


def test_tenants_never_share_a_key() -> None:
    file_id = new_id()
    assert not set(all_keys("a", file_id)) & set(all_keys("b", file_id))
    assert object_key("a", file_id, ORIGINAL).startswith("a/")
