"""A small Python API for users: load a published release as DataFrames, checksums verified first."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from flows.core import settings
from schemas.export import from_arrow
from schemas.tables import TABLES


class ChecksumError(ValueError):
    """A release file does not match its SHA256SUMS entry."""


def _resolve(version: str, dataset_dir: Path) -> Path:
    if version == "latest":
        index = json.loads((dataset_dir / "index.json").read_text(encoding="utf-8"))
        version = index["latest"]
    path = dataset_dir / version
    if not (path / "SHA256SUMS").is_file():
        raise FileNotFoundError(f"no release {version!r} under {dataset_dir}")
    return path


def verify_checksums(release_dir: Path) -> None:
    """Raise ChecksumError listing every file that differs from, or is missing from, SHA256SUMS."""
    from flows.publish.verify import check_files

    problems = check_files(release_dir)
    if problems:
        raise ChecksumError(f"{release_dir.name}: " + "; ".join(problems))


def load_release(
    version: str = "latest", dataset_dir: Path | str | None = None
) -> dict[str, pd.DataFrame]:
    """Return {"incidents", "evidence", "articles"} as DataFrames after verifying checksums.

    >>> tables = load_release()                      # doctest: +SKIP
    >>> tables["incidents"][["incident_id", "title"]].head()  # doctest: +SKIP
    """
    release_dir = _resolve(version, Path(dataset_dir) if dataset_dir else settings.DATASET_DIR)
    verify_checksums(release_dir)
    return {
        name: from_arrow(name, pq.read_table(release_dir / f"{name}.parquet")) for name in TABLES
    }
