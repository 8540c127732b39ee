"""What a release folder holds: its core files, the checksum file, the staging prefix, reading its tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from schemas.export import from_arrow
from schemas.tables import TABLES

CORE_FILES = [f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")] + [
    "datapackage.json",
    "CHANGELOG.md",
    "changes.json",
]
SUMS = "SHA256SUMS"
STAGING_PREFIX = ".staging-"


def read_tables(release_dir: Path) -> dict[str, pd.DataFrame]:
    """The three tables of a release folder, typed from the schemas."""
    return {t: from_arrow(t, pq.read_table(release_dir / f"{t}.parquet")) for t in TABLES}
