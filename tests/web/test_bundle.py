"""The shipped bundle: built from the current source, complete, and within budget."""

from __future__ import annotations

import gzip
import json
import re

from tests.web.source_hash import DIST, MANIFEST, source_hash

BUDGET_GZIP_BYTES = 500 * 1024


def manifest() -> dict[str, object]:
    return json.loads((DIST / MANIFEST).read_text())  # type: ignore[no-any-return]


def test_the_shipped_bundle_is_built_from_the_current_source() -> None:
    assert manifest()["source_hash"] == source_hash(), (
        "webapp/ changed since src/roost/web/dist was built: run scripts/build-webapp"
    )


def test_every_asset_the_page_names_is_shipped_with_its_gzip_twin() -> None:
    index = (DIST / "index.html").read_text()
    named = re.findall(r'(?:src|href)="/static/([^"]+)"', index)
    assets = manifest()["assets"]
    assert isinstance(assets, dict)
    assert named and sorted(named) == sorted(assets)
    for name in named:
        plain = (DIST / "static" / name).read_bytes()
        assert gzip.decompress((DIST / "static" / f"{name}.gz").read_bytes()) == plain


def test_the_bundle_is_under_500_kb_gzipped() -> None:
    total = manifest()["gzip_total_bytes"]
    assert isinstance(total, int)
    assert 0 < total < BUDGET_GZIP_BYTES
