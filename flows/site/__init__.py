"""Per-release extras for people: dataset card, download page, SQLite + Datasette metadata, release index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from flows.site.card import render_card
from flows.site.dataset_index import render_dataset_index
from flows.site.page import write_page
from flows.site.sqlite_export import (
    DATASETTE_NAME,
    SQLITE_NAME,
    write_datasette_metadata,
    write_sqlite,
)

__all__ = ["render_dataset_index", "render_release_extras"]


def render_release_extras(
    staging_dir: Path,
    tables: dict[str, pd.DataFrame],
    context: dict[str, Any],
    evaluation_path: Path | None = None,
) -> list[str]:
    """Write incidents.sqlite, datasette.json, README.md and index.html into the release's staging dir.

    Returns the names of the files written (relative to staging_dir). index.html is written last so
    it can list every other file with its size and SHA-256."""
    staging_dir = Path(staging_dir)
    missing = [t for t in ("incidents", "evidence", "articles") if t not in tables]
    if missing:
        raise ValueError(f"render_release_extras: tables {missing} are missing")
    write_sqlite(staging_dir / SQLITE_NAME, tables)
    write_datasette_metadata(staging_dir / DATASETTE_NAME, context)
    (staging_dir / "README.md").write_text(
        render_card(tables, context, evaluation_path), encoding="utf-8"
    )
    write_page(staging_dir, tables, context)
    return [SQLITE_NAME, DATASETTE_NAME, "README.md", "index.html"]
