"""The hash of the web client's source, recorded in the shipped bundle's manifest.

``scripts/build-webapp`` writes it into ``src/roost/web/dist/bundle.json`` after a
build; ``tests/web/test_bundle.py`` recomputes it, so a change to ``webapp/`` without a
rebuild fails the suite. Run as ``python tests/web/source_hash.py --write DIST``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEBAPP = ROOT / "webapp"
DIST = ROOT / "src" / "roost" / "web" / "dist"
MANIFEST = "bundle.json"
# Everything that decides what the build produces; node_modules is fixed by the lock.
SOURCE_FILES = (
    "index.html",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "vite.config.ts",
)
SOURCE_DIRS = ("src",)
# Asset types worth shipping pre-compressed.
COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".map")


def source_files(webapp: Path = WEBAPP) -> list[Path]:
    files = [webapp / name for name in SOURCE_FILES]
    for folder in SOURCE_DIRS:
        files.extend(p for p in (webapp / folder).rglob("*") if p.is_file())
    return sorted(files, key=lambda p: p.relative_to(webapp).as_posix())


def source_hash(webapp: Path = WEBAPP) -> str:
    digest = hashlib.sha256()
    for path in source_files(webapp):
        digest.update(path.relative_to(webapp).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def write_manifest(dist: Path) -> dict[str, object]:
    """Pre-compress the assets (fixed mtime, so a rebuild of the same source gives the
    same bytes) and record the source hash and the bundle's sizes."""
    assets: dict[str, dict[str, int]] = {}
    for path in sorted((dist / "static").iterdir()):
        if path.suffix == ".gz":
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if path.suffix in COMPRESSIBLE:
            path.with_name(path.name + ".gz").write_bytes(packed)
        assets[path.name] = {"bytes": len(data), "gzip_bytes": len(packed)}
    manifest: dict[str, object] = {
        "source_hash": source_hash(),
        "assets": assets,
        "gzip_total_bytes": sum(a["gzip_bytes"] for a in assets.values()),
    }
    (dist / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", type=Path, metavar="DIST", help="write DIST/bundle.json")
    args = parser.parse_args()
    if args.write:
        manifest = write_manifest(args.write)
        print(
            f"bundle: {manifest['gzip_total_bytes']} bytes gzipped, source {str(manifest['source_hash'])[:12]}"
        )
    else:
        print(source_hash())
