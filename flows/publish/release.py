"""Writing and reading immutable releases: staged build, SHA256SUMS, fsync, atomic rename, index update."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from flows.publish import index as idx
from flows.publish.changelog import render_changelog, render_entry
from flows.publish.diff import Changes
from flows.publish.fsio import (
    dataset_lock,
    dumps_json,
    fsync_dir,
    fsync_file,
    release_files,
    sha256_file,
    slowdown_pause,
)
from flows.publish.layout import STAGING_PREFIX, SUMS, read_tables
from flows.publish.recover import _recover_locked
from flows.publish.version import parse_version
from schemas.checks import assert_valid
from schemas.export import (
    conform,
    datapackage,
    schema_fingerprint,
    to_arrow,
    to_csv_frame,
)
from schemas.tables import TABLES

SORT_KEYS = {
    "incidents": ["incident_id"],
    "evidence": ["incident_id", "article_id", "char_start", "char_end", "evidence_id"],
    "articles": ["article_id"],
}


class ReleaseExists(FileExistsError):
    """Releases are immutable: a version that exists is never written again."""


@dataclass
class Release:
    version: str
    path: Path
    tables: dict[str, pd.DataFrame]
    fingerprint: str
    created_at: str


def load_release(dataset_dir: Path, version: str) -> Release:
    """A published release, its tables read from Parquet."""
    dataset_dir = Path(dataset_dir)
    path = dataset_dir / version
    if not path.is_dir():
        raise FileNotFoundError(f"no release {version} in {dataset_dir}")
    entry = idx.index_entry(idx.read_index(dataset_dir), version) or {}
    meta = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    return Release(
        version=version,
        path=path,
        tables=read_tables(path),
        fingerprint=entry.get("schema_fingerprint") or meta.get("schema_fingerprint", ""),
        created_at=entry.get("created_at") or meta.get("created", ""),
    )


def load_latest_release(dataset_dir: Path) -> Release | None:
    """The release index.json calls latest, or None before the first release."""
    latest = idx.read_index(Path(dataset_dir))["latest"]
    return load_release(dataset_dir, latest) if latest else None


def sorted_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each table typed from its schema and in a canonical row order (by primary key), so equal
    tables give equal files and every writer sees the same column types, with or without rows."""
    return {
        t: conform(t, tables[t]).sort_values(SORT_KEYS[t], kind="mergesort").reset_index(drop=True)
        for t in TABLES
    }


def write_csv(table: str, df: pd.DataFrame, target) -> None:
    """The CSV form of a table (schemas.export.to_csv_frame), UTF-8, RFC 4180 CRLF records.

    CRLF as record terminator makes the writer quote any cell holding a bare CR or LF, so
    such text survives a round trip (with a bare LF terminator, a cell holding CR is not quoted).
    """
    to_csv_frame(table, df).to_csv(target, index=False, encoding="utf-8", lineterminator="\r\n")


def write_auxiliary_table(staging: Path, table: str, df: pd.DataFrame) -> list[str]:
    """An auxiliary table (schemas.tables.AUXILIARY_TABLES, e.g. the linking review queue) as
    Parquet and CSV in a release's staging directory; the names of the files written."""
    _write_table(Path(staging), table, df)
    return [f"{table}.parquet", f"{table}.csv"]


def review_differs(release_dir: Path, review: pd.DataFrame) -> bool:
    """Whether a linking review queue differs from the one published in `release_dir` (True when
    that release has none: it predates the queue)."""
    path = Path(release_dir) / "link_review.parquet"
    if not path.exists():
        return True
    old = pq.read_table(path).to_pandas()
    new = conform("link_review", review)
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return True
    return (
        not old.reset_index(drop=True)
        .astype(object)
        .equals(new.reset_index(drop=True).astype(object))
    )


def _write_table(staging: Path, table: str, df: pd.DataFrame) -> None:
    pq.write_table(to_arrow(table, df), staging / f"{table}.parquet", compression="zstd")
    slowdown_pause()
    write_csv(table, df, staging / f"{table}.csv")
    slowdown_pause()


def write_sums(release_dir: Path) -> None:
    lines = [
        f"{sha256_file(release_dir / rel)}  {rel}\n"
        for rel in release_files(release_dir)
        if rel != SUMS
    ]
    (release_dir / SUMS).write_text("".join(lines), encoding="utf-8")


def _fsync_tree(root: Path) -> None:
    for rel in release_files(root):
        fsync_file(root / rel)
    for d in sorted({p for p in root.rglob("*") if p.is_dir()}, reverse=True):
        fsync_dir(d)
    fsync_dir(root)


def _previous_changelog_and_titles(
    dataset_dir: Path, prev: str | None, removed: list[str]
) -> tuple[str | None, dict]:
    if prev is None or not (dataset_dir / prev).is_dir():
        return None, {}
    log = dataset_dir / prev / "CHANGELOG.md"
    text = log.read_text(encoding="utf-8") if log.exists() else None
    titles: dict[str, str] = {}
    if removed:
        tbl = pq.read_table(
            dataset_dir / prev / "incidents.parquet", columns=["incident_id", "title"]
        )
        titles = dict(
            zip(tbl.column("incident_id").to_pylist(), tbl.column("title").to_pylist(), strict=True)
        )
    return text, titles


def write_release(
    dataset_dir: Path,
    version: str,
    tables: dict[str, pd.DataFrame],
    changes: Changes,
    *,
    created_at: str,
    notes: Sequence[str] = (),
    corrections: Sequence[dict] = (),
    extras: Callable[[Path, dict[str, pd.DataFrame], dict[str, Any]], object] | None = None,
) -> Path:
    """Build a release in dataset/.staging-<version>-<pid>/, then publish it atomically.

    Files: {incidents,evidence,articles}.{parquet,csv}, datapackage.json, CHANGELOG.md,
    changes.json, whatever `extras(staging_dir, tables, context)` adds, SHA256SUMS. The staging
    dir is fsynced and renamed to dataset/<version> (never over an existing release), then
    index.json and ids.json are replaced atomically. A crash at any moment leaves index.json
    pointing only at complete releases; `recover_dataset_dir` tidies what is left.
    """
    dataset_dir = Path(dataset_dir)
    parse_version(version)
    tables = sorted_tables(tables)
    assert_valid(tables)
    with dataset_lock(dataset_dir):
        _recover_locked(dataset_dir)
        final = dataset_dir / version
        if final.exists():
            raise ReleaseExists(
                f"release {version} already exists at {final}; releases are immutable"
            )
        index = idx.read_index(dataset_dir)
        prev = index["latest"]
        if prev is not None and parse_version(version) <= parse_version(prev):
            raise ValueError(f"version {version} is not after the latest release {prev}")
        staging = dataset_dir / f"{STAGING_PREFIX}{version}-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        try:
            counts = {t: len(tables[t]) for t in TABLES}
            fingerprint = schema_fingerprint()
            for t in TABLES:
                _write_table(staging, t, tables[t])
            (staging / "datapackage.json").write_text(
                dumps_json(datapackage(version, created_at)), encoding="utf-8"
            )
            change_dict = changes.to_json_dict()
            prev_log, removed_titles = _previous_changelog_and_titles(
                dataset_dir, prev, changes.incidents_removed
            )
            inc = tables["incidents"]
            wanted = set(changes.incidents_added) | {
                c["incident_id"] for c in changes.incidents_changed
            }
            sel = inc[inc["incident_id"].isin(wanted)]
            titles = dict(zip(sel["incident_id"], sel["title"], strict=True))
            entry = render_entry(
                version,
                created_at,
                counts,
                change_dict,
                titles,
                removed_titles,
                corrections=list(corrections),
                notes=list(notes),
                previous_version=prev,
            )
            (staging / "CHANGELOG.md").write_text(
                render_changelog(entry, prev_log), encoding="utf-8"
            )
            record = {
                "version": version,
                "previous_version": prev,
                "created_at": created_at,
                "schema_fingerprint": fingerprint,
                "notes": list(notes),
                "corrections": list(corrections),
                **change_dict,
            }
            (staging / "changes.json").write_text(dumps_json(record), encoding="utf-8")
            slowdown_pause()
            if extras is not None:
                context = {
                    "version": version,
                    "created_at": created_at,
                    "changes": change_dict,
                    "previous_version": prev,
                    "corrections": list(corrections),
                    "notes": list(notes),
                }
                extras(staging, tables, context)
                slowdown_pause()
            write_sums(staging)
            _fsync_tree(staging)
            slowdown_pause()
            if final.exists():  # checked again: rename onto an empty directory would succeed
                raise ReleaseExists(f"release {version} appeared at {final} while building")
            os.rename(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        fsync_dir(dataset_dir)
        slowdown_pause()
        issued_before = _issued_before(dataset_dir, index)
        idx.add_to_index(
            dataset_dir, idx.make_entry(final, version, created_at, counts, fingerprint)
        )
        slowdown_pause()
        idx.write_ids_registry(dataset_dir, version, set(inc["incident_id"]), issued_before)
    return final


def _issued_before(dataset_dir: Path, index: dict[str, Any]) -> set[str]:
    if not index["releases"]:
        return set()
    reg = idx.read_ids_registry(dataset_dir)
    if reg is not None and reg["version"] == index["latest"]:
        return set(reg["issued"])
    issued: set[str] = set()
    for r in index["releases"]:
        issued |= idx.incident_ids_of(dataset_dir / r["version"])
    return issued
