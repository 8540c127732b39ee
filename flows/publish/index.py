"""dataset/index.json (the list of complete releases) and dataset/ids.json (issued and retired incident ids)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from flows.publish.fsio import atomic_write_json, release_files, sha256_file
from flows.publish.version import parse_version

INDEX = "index.json"
IDS = "ids.json"


class InvalidIndex(ValueError):
    """dataset/index.json exists but is not a valid release index."""


def read_index(dataset_dir: Path) -> dict[str, Any]:
    """The parsed index ({'latest': None, 'releases': []} when there is none yet)."""
    path = Path(dataset_dir) / INDEX
    if not path.exists():
        return {"latest": None, "releases": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidIndex(f"{path}: cannot be read as JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise InvalidIndex(f"{path}: expected an object with a 'releases' list")
    for r in data["releases"]:
        if not isinstance(r, dict) or "version" not in r:
            raise InvalidIndex(f"{path}: release entry without a version: {r!r}")
        parse_version(r["version"])
    return data


def index_entry(index: dict[str, Any], version: str) -> dict[str, Any] | None:
    return next((r for r in index["releases"] if r["version"] == version), None)


def file_list(release_dir: Path) -> list[dict[str, Any]]:
    return [
        {
            "path": rel,
            "bytes": (release_dir / rel).stat().st_size,
            "sha256": sha256_file(release_dir / rel),
        }
        for rel in release_files(release_dir)
    ]


def make_entry(
    release_dir: Path, version: str, created_at: str, counts: dict[str, int], fingerprint: str
) -> dict[str, Any]:
    return {
        "version": version,
        "created_at": created_at,
        "counts": counts,
        "schema_fingerprint": fingerprint,
        "files": file_list(release_dir),
    }


def add_to_index(dataset_dir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """Add one release to index.json atomically; 'latest' is the highest version listed."""
    index = read_index(dataset_dir)
    releases = [r for r in index["releases"] if r["version"] != entry["version"]] + [entry]
    releases.sort(key=lambda r: parse_version(r["version"]))
    new_index = {"latest": releases[-1]["version"], "releases": releases}
    atomic_write_json(Path(dataset_dir) / INDEX, new_index)
    return new_index


def incident_ids_of(release_dir: Path) -> set[str]:
    """Incident ids of a release, reading only that column of incidents.parquet."""
    tbl = pq.read_table(release_dir / "incidents.parquet", columns=["incident_id"])
    return set(tbl.column("incident_id").to_pylist())


def read_ids_registry(dataset_dir: Path) -> dict[str, Any] | None:
    path = Path(dataset_dir) / IDS
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or not {"version", "issued", "retired"} <= set(data):
        return None
    return data


def write_ids_registry(
    dataset_dir: Path, version: str, current: set[str], issued_before: set[str]
) -> dict[str, Any]:
    issued = set(issued_before) | set(current)
    data = {"version": version, "issued": sorted(issued), "retired": sorted(issued - set(current))}
    atomic_write_json(Path(dataset_dir) / IDS, data)
    return data


def rebuild_ids_registry(dataset_dir: Path) -> dict[str, Any] | None:
    """Recompute ids.json from every release listed in index.json (slow path, used by recovery)."""
    dataset_dir = Path(dataset_dir)
    index = read_index(dataset_dir)
    if not index["releases"]:
        return None
    issued: set[str] = set()
    for r in index["releases"]:
        issued |= incident_ids_of(dataset_dir / r["version"])
    latest = index["latest"]
    return write_ids_registry(dataset_dir, latest, incident_ids_of(dataset_dir / latest), issued)


def retired_incident_ids(dataset_dir: Path) -> set[str]:
    """Every incident id published in any listed release but absent from the latest one.

    Read from dataset/ids.json when it belongs to the latest release; recomputed from the
    releases otherwise (for example after a crash between the index and registry updates)."""
    dataset_dir = Path(dataset_dir)
    index = read_index(dataset_dir)
    if not index["releases"]:
        return set()
    reg = read_ids_registry(dataset_dir)
    if reg is None or reg["version"] != index["latest"]:
        issued: set[str] = set()
        for r in index["releases"]:
            issued |= incident_ids_of(dataset_dir / r["version"])
        return issued - incident_ids_of(dataset_dir / index["latest"])
    return set(reg["retired"])
