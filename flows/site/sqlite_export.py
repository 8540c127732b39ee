"""The release as one SQLite file (keys, JSON lists, FTS5 index) and its Datasette metadata."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import sqlite_utils

from schemas.export import DATA_LICENSE, columns
from schemas.tables import TABLES

SQLITE_NAME = "incidents.sqlite"
DATASETTE_NAME = "datasette.json"
# Tables whose foreign keys point elsewhere are created last.
CREATE_ORDER = ("incidents", "articles", "evidence")
SQL_TYPES = {
    "string": str,
    "int64": int,
    "float64": float,
    "bool": int,
    "date32": str,
    "list<string>": str,
}
FTS_COLUMNS = {"incidents": ["title"], "evidence": ["quote"]}
TABLE_TITLES = {
    "incidents": "Incidents",
    "evidence": "Evidence sentences",
    "articles": "Source articles",
}
FACETS: dict[str, list[Any]] = {
    "incidents": [
        {"array": "categories"},
        {"array": "police_forces"},
        "outcome",
        "allegation_status",
    ],
    "evidence": ["is_redacted"],
    "articles": ["status", "publisher", "format"],
}
LABEL_COLUMNS = {"incidents": "title", "articles": "title"}


def _isna(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def sql_value(value: Any, arrow: str) -> Any:
    """One cell in SQLite form: lists as JSON text, dates as ISO text, bools as 0/1, NULL for empty."""
    if arrow == "list<string>":
        if _isna(value):
            return "[]"
        return json.dumps([str(v) for v in list(value)], ensure_ascii=False)
    if _isna(value):
        return None
    if arrow == "date32":
        if isinstance(value, (pd.Timestamp, dt.datetime)):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, dt.date):
            return value.isoformat()
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if arrow == "bool":
        return int(bool(value))
    if arrow == "int64":
        return int(value)
    if arrow == "float64":
        return float(value)
    return str(value)


def table_rows(table: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = columns(table)
    names = [c["name"] for c in cols]
    return [dict(zip(names, row, strict=True)) for row in table_tuples(table, frame)]


def table_tuples(table: str, frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The rows of a table in SQLite form (`sql_value` per cell), as tuples in schema column order.

    Converted one column at a time (the column's type looked up once, no dict per row): this runs
    over every row of every table on every release."""
    cols = columns(table)
    missing = [c["name"] for c in cols if c["name"] not in frame.columns]
    if missing:
        raise ValueError(f"{table}: frame lacks columns {missing} required by schemas/tables.py")
    values = [_column_values(frame[c["name"]], c["arrow"]) for c in cols]
    return list(zip(*values, strict=True)) if values else []


def _column_values(column: pd.Series, arrow: str) -> list[Any]:
    """`sql_value` of every cell of a column, with the empty cells found by one vectorised isna."""
    values = column.tolist()
    if arrow == "list<string>":
        return [sql_value(v, arrow) for v in values]
    empty = column.isna().tolist()
    if arrow == "string":
        return [None if e else str(v) for v, e in zip(values, empty, strict=True)]
    if arrow == "int64":
        return [None if e else int(v) for v, e in zip(values, empty, strict=True)]
    return [None if e else sql_value(v, arrow) for v, e in zip(values, empty, strict=True)]


def write_sqlite(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Write the three tables with primary and foreign keys, indexes and FTS5 over titles and quotes.

    Written into a release's staging folder, which is fsynced as a whole before it is published:
    so no journal and no sync here, and every row of a table inserted in one transaction (a
    commit per batch of rows cost more than the rows themselves)."""
    path = Path(path)
    if path.exists():
        path.unlink()
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA journal_mode=OFF")
    db.conn.execute("PRAGMA synchronous=OFF")
    for table in CREATE_ORDER:
        cols = columns(table)
        pks = [c["name"] for c in cols if c["primary_key"]]
        fks = [(c["name"], *c["foreign_key"].split(".")) for c in cols if c["foreign_key"]]
        t = db.table(table)  # a fresh file holds no views, so always a Table
        t.create(
            {c["name"]: SQL_TYPES[c["arrow"]] for c in cols},
            pk=pks[0] if len(pks) == 1 else tuple(pks),
            foreign_keys=fks or None,
            not_null={c["name"] for c in cols if not c["nullable"]},
        )
        names = ", ".join(f"[{c['name']}]" for c in cols)
        marks = ", ".join("?" for _ in cols)
        with db.conn:
            db.conn.executemany(
                f"INSERT INTO [{table}] ({names}) VALUES ({marks})",
                table_tuples(table, tables[table]),
            )
        for c in cols:
            if c["foreign_key"]:
                t.create_index([c["name"]], if_not_exists=True)
        if table in FTS_COLUMNS:
            t.enable_fts(FTS_COLUMNS[table], create_triggers=False, tokenize="porter")
    db.conn.commit()
    db.vacuum()
    db.close()
    return path


def datasette_metadata(context: dict[str, Any]) -> dict[str, Any]:
    """Datasette metadata generated from the pandera models (titles, descriptions, column help)."""
    version = context.get("version", "")
    tables_meta: dict[str, Any] = {}
    for table, model in TABLES.items():
        meta: dict[str, Any] = {
            "title": TABLE_TITLES.get(table, table),
            "description": (model.__doc__ or "").strip(),
            "columns": {c["name"]: c["description"] for c in columns(table)},
            "facets": FACETS.get(table, []),
        }
        if table in LABEL_COLUMNS:
            meta["label_column"] = LABEL_COLUMNS[table]
        if table in FTS_COLUMNS:
            meta["fts_table"] = f"{table}_fts"
        tables_meta[table] = meta
    return {
        "title": f"Police misconduct incidents reported in the news — release {version}".strip(),
        "description": (
            "Incidents of police misconduct extracted automatically from news articles, each "
            "traceable to the verbatim sentences that reported it. Allegations are recorded as "
            "allegations, not findings."
        ),
        "license": DATA_LICENSE["name"],
        "license_url": DATA_LICENSE["path"],
        "source": "News articles listed in the articles table (url, publisher)",
        "databases": {Path(SQLITE_NAME).stem: {"tables": tables_meta}},
    }


def write_datasette_metadata(path: Path, context: dict[str, Any]) -> Path:
    Path(path).write_text(
        json.dumps(datasette_metadata(context), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return Path(path)
