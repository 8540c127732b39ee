"""Recovery after an interrupted publish: drop staging dirs, complete or set aside unlisted releases."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from flows.publish import index as idx
from flows.publish.fsio import dataset_lock, fsync_dir
from flows.publish.layout import STAGING_PREFIX, read_tables
from flows.publish.verify import verify_release
from flows.publish.version import is_version, parse_version

ORPHANS = ".orphans"


def _complete(dataset_dir: Path, release_dir: Path) -> None:
    """Add a fully verified, unlisted release to index.json (killed between rename and index update)."""
    changes = json.loads((release_dir / "changes.json").read_text(encoding="utf-8"))
    meta = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    tables = read_tables(release_dir)
    counts = {t: len(df) for t, df in tables.items()}
    entry = idx.make_entry(
        release_dir,
        release_dir.name,
        changes.get("created_at") or meta.get("created", ""),
        counts,
        meta.get("schema_fingerprint", ""),
    )
    idx.add_to_index(dataset_dir, entry)


def _recover_locked(dataset_dir: Path) -> list[str]:
    dataset_dir = Path(dataset_dir)
    messages: list[str] = []
    if not dataset_dir.is_dir():
        return messages
    for p in sorted(dataset_dir.iterdir()):
        if p.is_dir() and p.name.startswith(STAGING_PREFIX):
            shutil.rmtree(p)
            messages.append(f"removed unfinished staging directory {p.name}")
        elif p.is_file() and p.name.startswith(".") and ".tmp-" in p.name:
            p.unlink()
            messages.append(f"removed temporary file {p.name}")
    index = idx.read_index(dataset_dir)
    listed = {r["version"] for r in index["releases"]}
    unlisted = sorted(
        (
            p
            for p in dataset_dir.iterdir()
            if p.is_dir() and is_version(p.name) and p.name not in listed
        ),
        key=lambda p: parse_version(p.name),
    )
    for p in unlisted:
        latest = idx.read_index(dataset_dir)["latest"]
        newer = latest is None or parse_version(p.name) > parse_version(latest)
        report = verify_release(p)
        if newer and report.ok:
            _complete(dataset_dir, p)
            messages.append(f"release {p.name} was complete but unlisted: added to index.json")
        else:
            why = (
                "not newer than the latest release" if not newer else "; ".join(report.problems[:3])
            )
            dest = dataset_dir / ORPHANS / f"{p.name}-{time.strftime('%Y%m%dT%H%M%S')}"
            dest.parent.mkdir(exist_ok=True)
            p.rename(dest)
            messages.append(f"moved unlisted release {p.name} to {ORPHANS}/{dest.name} ({why})")
    if messages:
        fsync_dir(dataset_dir)
    index = idx.read_index(dataset_dir)
    reg = idx.read_ids_registry(dataset_dir)
    if index["latest"] is not None and (reg is None or reg["version"] != index["latest"]):
        idx.rebuild_ids_registry(dataset_dir)
        messages.append(f"rebuilt {idx.IDS} for release {index['latest']}")
    return messages


def recover_dataset_dir(dataset_dir: Path, wait: bool = True) -> list[str]:
    """Tidy dataset/ after an interrupted publish; returns what was done.

    Raises DatasetBusy when `wait` is False and another build holds the dataset lock.

    - `.staging-*` directories and stray temp files are removed (never visible as releases).
    - A release directory missing from index.json (the process died between the rename and the
      index update) is added to the index if it verifies fully and is newer than the latest
      release; otherwise it is moved to dataset/.orphans/ for inspection, never deleted.
    - ids.json is rebuilt when it does not belong to the latest release.
    """
    with dataset_lock(Path(dataset_dir), wait=wait):
        return _recover_locked(Path(dataset_dir))
