"""A day with nothing to report: no raw folder, an empty one, or articles without any incident.

A missing or empty raw folder is a one-line error before Prefect starts. Zero-row tables are typed
from the schemas and go through every writer (Parquet, CSV, SQLite, page, data package, card),
and a corpus without incidents publishes a valid release with zero incidents, then nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from publish_fixtures import DOCS, finish
from typer.testing import CliRunner

from flows.cli import app
from flows.curate.assemble import finish_tables
from flows.ingest import RawDirError, check_raw_dir
from flows.publish import diff_tables, load_release, verify_dataset, write_release
from flows.site import render_dataset_index, render_release_extras
from schemas.checks import validate_tables
from schemas.export import arrow_schema, columns, conform, empty_frame
from schemas.tables import TABLES

CREATED = "2026-01-02T00:00:00+00:00"
SPORT = """United win the derby at Old Trafford

Manchester United beat City 2-1 on Sunday with a late goal from the captain, lifting the side to
fourth in the Premier League table. The manager praised his players for their resilience.
"""
POLICE = """Officer sacked after punching man in Bolton custody suite

A Greater Manchester Police constable has been dismissed for gross misconduct after he punched a handcuffed man in the custody suite at Bolton police station in March 2023, a disciplinary panel found on Thursday.

PC Daniel Hartley, 34, struck the man twice while he was restrained, the Independent Office for Police Conduct (IOPC) said.
"""


# ---------------------------------------------------------------- missing or empty raw folder


@pytest.fixture
def no_flow(monkeypatch):
    """The build command must fail before the Prefect flow (and its server) is started."""
    import flows.pipeline

    def refuse(**kwargs):
        raise AssertionError("the flow was started")

    monkeypatch.setattr(flows.pipeline, "build_dataset", refuse)


def _build_cli(raw: Path, dataset: Path):
    return CliRunner().invoke(
        app, ["build", "--raw-dir", str(raw), "--dataset-dir", str(dataset), "--no-cache"]
    )


def test_missing_raw_folder_is_a_one_line_error(tmp_path: Path, no_flow):
    raw = tmp_path / "no-such-raw"
    result = _build_cli(raw, tmp_path / "dataset")
    assert result.exit_code == 1, result.output
    assert result.output == f"error: raw folder {raw} does not exist\n"
    assert not (tmp_path / "dataset").exists()


def test_empty_raw_folder_is_a_one_line_error(tmp_path: Path, no_flow):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / ".hidden.txt").write_text(POLICE, encoding="utf-8")  # hidden: never an input
    (raw / "orphan.meta.json").write_text("{}", encoding="utf-8")  # a sidecar alone
    (raw / "sub").mkdir()
    result = _build_cli(raw, tmp_path / "dataset")
    assert result.exit_code == 1, result.output
    assert result.output == f"error: raw folder {raw} is empty: no article files to build from\n"


def test_raw_folder_check(tmp_path: Path):
    with pytest.raises(RawDirError, match="does not exist"):
        check_raw_dir(tmp_path / "missing")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(RawDirError, match="is not a folder"):
        check_raw_dir(tmp_path / "file.txt")
    (tmp_path / "raw" / "a" / "b").mkdir(parents=True)
    with pytest.raises(RawDirError, match="is empty"):
        check_raw_dir(tmp_path / "raw")
    (tmp_path / "raw" / "a" / "b" / "one.txt").write_text(SPORT, encoding="utf-8")
    check_raw_dir(tmp_path / "raw")


def test_the_flow_task_refuses_a_missing_raw_folder(tmp_path: Path):
    from flows.pipeline import discover_raw_files

    with pytest.raises(RawDirError, match="does not exist"):
        discover_raw_files.fn(tmp_path / "missing")


# ---------------------------------------------------------------- zero-row tables, every writer


def _float_frame(table: str) -> pd.DataFrame:
    """What pandas makes of zero rows built by map/apply/comprehensions: every column float64."""
    return pd.DataFrame({c["name"]: pd.Series(dtype="float64") for c in columns(table)})


def _no_incident_tables(untyped: bool) -> dict[str, pd.DataFrame]:
    """One article without incident; incidents and evidence with zero rows."""
    keyed_incidents = empty_frame("incidents").drop(columns=["title"])
    keyed_evidence = empty_frame("evidence").drop(
        columns=["evidence_id", "is_redacted", "redaction_reason"]
    )
    articles = finish([DOCS[2]], keyed_incidents, keyed_evidence)["articles"]
    make = _float_frame if untyped else empty_frame
    return {"incidents": make("incidents"), "evidence": make("evidence"), "articles": articles}


def test_empty_frames_are_typed_from_the_schema():
    for table in TABLES:
        frame = empty_frame(table)
        assert list(frame.columns) == [c["name"] for c in columns(table)]
        assert len(frame) == 0
        kinds = {c["name"]: c["arrow"] for c in columns(table)}
        for name, arrow in kinds.items():
            dtype = frame[name].dtype
            if arrow == "int64":
                assert dtype == "int64", name
            elif arrow == "bool":
                assert dtype == "bool", name
            elif arrow == "date32":
                assert pd.api.types.is_datetime64_any_dtype(dtype), name
            elif arrow == "float64":
                assert dtype == "float64", name
            else:
                assert dtype == "object", name
        assert conform(table, _float_frame(table)).dtypes.equals(frame.dtypes)
    assert validate_tables(_no_incident_tables(untyped=False)).ok


def test_finish_tables_types_zero_incidents_from_the_schema():
    keyed = [c["name"] for c in columns("incidents") if c["name"] != "title"]
    incidents = pd.DataFrame({c: pd.Series(dtype="float64") for c in keyed})
    evidence = _float_frame("evidence").drop(columns=["evidence_id"])
    incidents, evidence = finish_tables(incidents, evidence)
    assert incidents.dtypes.equals(empty_frame("incidents").dtypes)
    assert evidence.dtypes.equals(empty_frame("evidence").dtypes)


@pytest.mark.parametrize("untyped", [False, True], ids=["typed", "float64-columns"])
def test_zero_row_tables_go_through_every_writer(tmp_path: Path, untyped: bool):
    dataset = tmp_path / "dataset"
    tables = _no_incident_tables(untyped)
    path = write_release(
        dataset,
        "1.0.0",
        tables,
        diff_tables(None, tables),
        created_at=CREATED,
        extras=render_release_extras,
    )
    render_dataset_index(dataset)
    assert verify_dataset(dataset).ok, verify_dataset(dataset).problems

    # Parquet: the published Arrow schema, zero rows.
    for table in ("incidents", "evidence"):
        pf = pq.read_table(path / f"{table}.parquet")
        assert pf.num_rows == 0
        assert pf.schema.remove_metadata().equals(arrow_schema(table).remove_metadata())
    assert pq.read_table(path / "articles.parquet").num_rows == 1
    # CSV: the header alone.
    for table in ("incidents", "evidence"):
        text = (path / f"{table}.csv").read_bytes().decode("utf-8")
        assert text == ",".join(c["name"] for c in columns(table)) + "\r\n"
    # SQLite: every table and its full-text index, empty where the release is.
    with sqlite3.connect(path / "incidents.sqlite") as db:
        counts = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
        assert counts == {"incidents": 0, "evidence": 0, "articles": 1}
        assert db.execute("select count(*) from incidents_fts").fetchone()[0] == 0
    # Data package: a valid Frictionless package, the empty resources included.
    from frictionless import validate

    report = validate(str(path / "datapackage.json"))
    assert report.valid, [f"{t.name}: {e.note}" for t in report.tasks for e in t.errors]
    # Card and page say so.
    card = (path / "README.md").read_text(encoding="utf-8")
    assert "| incidents | 0 |" in card and "| articles: no_incident | 1 |" in card
    page = (path / "index.html").read_text(encoding="utf-8")
    assert "1.0.0" in page and 'id="h-incidents"' in page
    assert (dataset / "index.html").is_file()
    # Read back: the tables validate, the counts are in the index.
    reloaded = load_release(dataset, "1.0.0").tables
    assert validate_tables(reloaded).ok
    assert [len(reloaded[t]) for t in ("incidents", "evidence", "articles")] == [0, 0, 1]
    index = json.loads((dataset / "index.json").read_text())
    assert index["releases"][0]["counts"] == {"incidents": 0, "evidence": 0, "articles": 1}


def test_a_release_after_an_empty_one_and_back(tmp_path: Path):
    """Diff and changelog from zero incidents to some, and from some back to zero."""
    from publish_fixtures import build_tables

    dataset = tmp_path / "dataset"
    empty = _no_incident_tables(untyped=True)
    write_release(dataset, "1.0.0", empty, diff_tables(None, empty), created_at=CREATED)
    previous = load_release(dataset, "1.0.0").tables
    full = build_tables()
    changes = diff_tables(previous, full)
    assert len(changes.incidents_added) == len(full["incidents"]) and not changes.incidents_removed
    write_release(dataset, "1.1.0", full, changes, created_at=CREATED)
    back = diff_tables(load_release(dataset, "1.1.0").tables, empty)
    assert sorted(back.incidents_removed) == sorted(full["incidents"]["incident_id"])
    path = write_release(
        dataset, "1.1.1", empty, back, created_at=CREATED, extras=render_release_extras
    )
    assert "removed" in (path / "CHANGELOG.md").read_text(encoding="utf-8").lower()
    assert verify_dataset(dataset).ok


# ---------------------------------------------------------------- the real flow


def test_a_corpus_without_incidents_publishes_zero_incidents_then_nothing(
    prefect_harness, tmp_path: Path
):
    from flows.pipeline import BuildSummary, build_dataset

    raw, dataset = tmp_path / "raw", tmp_path / "dataset"
    raw.mkdir()
    (raw / "sport.txt").write_text(SPORT, encoding="utf-8")

    def build():
        return build_dataset(
            raw_dir=raw, dataset_dir=dataset, cache_dir=None, processes=1, created_at=CREATED
        )

    first = build()
    assert first["release"] == "1.0.0"
    assert first["articles"] == {"no_incident": 1} and first["incidents"] == 0
    tables = load_release(dataset, "1.0.0").tables
    assert validate_tables(tables).ok
    assert len(tables["incidents"]) == len(tables["evidence"]) == 0
    assert tables["articles"]["status"].tolist() == ["no_incident"]
    assert verify_dataset(dataset).ok

    again = build()
    assert again["release"] is None
    assert BuildSummary(**again).lines()[-1] == "no changes: latest release stays 1.0.0"

    (raw / "police.txt").write_text(POLICE, encoding="utf-8")
    third = build()
    assert third["release"] == "1.1.0" and third["incidents"] >= 1
    assert verify_dataset(dataset).ok
