"""End to end: the real build_dataset flow through Prefect, on a copy of raw/, three runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from flows.api import load_release
from schemas.checks import validate_tables

EXTRA_ARTICLE = """Officer sacked after punching man in Bolton custody suite

A Greater Manchester Police constable has been dismissed for gross misconduct after he punched a handcuffed man in the custody suite at Bolton police station in March 2023, a disciplinary panel found on Thursday.

PC Daniel Hartley, 34, struck the man twice while he was restrained, the Independent Office for Police Conduct (IOPC) said.

The panel heard that Hartley then wrote a false account of the incident in his pocket notebook.
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, raw_dir: Path) -> Path:
    ws = tmp_path_factory.mktemp("build")
    shutil.copytree(raw_dir, ws / "raw")
    (ws / "dataset").mkdir()
    return ws


def _build(ws: Path, **kwargs):
    from flows.pipeline import build_dataset

    return build_dataset(
        raw_dir=ws / "raw",
        dataset_dir=ws / "dataset",
        cache_dir=ws / ".cache",
        processes=1,
        created_at="2026-01-01T00:00:00+00:00",
        **kwargs,
    )


@pytest.fixture(scope="module")
def first_build(prefect_harness, workspace: Path):
    return _build(workspace)


def test_first_build_publishes_a_valid_release(first_build, workspace: Path):
    assert first_build["release"] == "1.0.0"
    index = json.loads((workspace / "dataset" / "index.json").read_text())
    assert index["latest"] == "1.0.0"
    tables = load_release("1.0.0", workspace / "dataset")
    report = validate_tables(tables)
    assert report.ok, str(report)
    assert len(tables["articles"]) == 5
    assert tables["incidents"]["source_count"].max() >= 2, (
        "an incident reported in several articles is one record"
    )
    for name in ("incidents", "evidence", "articles"):
        assert (workspace / "dataset" / "1.0.0" / f"{name}.csv").is_file()


def test_evidence_quotes_are_verbatim_slices_of_the_raw_text(first_build, workspace: Path):
    tables = load_release("1.0.0", workspace / "dataset")
    arts = tables["articles"].set_index("article_id")
    for row in tables["evidence"].itertuples():
        if row.is_redacted:
            continue
        text = (workspace / "raw" / arts.loc[row.article_id, "source_path"]).read_text(
            encoding="utf-8"
        )
        text = text.lstrip("\ufeff").replace("\r\n", "\n")
        assert text[row.char_start : row.char_end] == row.quote


def test_every_file_is_accounted_for(first_build):
    assert first_build["files_seen"] == 5
    assert sum(first_build["articles"].values()) == 5


def test_rerun_with_unchanged_inputs_publishes_nothing(first_build, workspace: Path):
    summary = _build(workspace)
    assert summary["release"] is None
    assert summary["extracted_files"] == 0, "unchanged files come from the cache"
    index = json.loads((workspace / "dataset" / "index.json").read_text())
    assert [r["version"] for r in index["releases"]] == ["1.0.0"]


def test_new_article_gives_minor_release_with_stable_ids(first_build, workspace: Path):
    before = load_release("1.0.0", workspace / "dataset")
    (workspace / "raw" / "extra_wire_report.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    # The same text under a second name is recorded as a duplicate, not a second article.
    (workspace / "raw" / "zz_copy_of_wire_report.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    summary = _build(workspace)
    assert summary["release"] == "1.1.0"
    assert summary["extracted_files"] == 2
    after = load_release("1.1.0", workspace / "dataset")
    assert set(before["incidents"]["incident_id"]) <= set(after["incidents"]["incident_id"])
    # Every sentence supports the same incident ids as before (one sentence may name several).
    span = ["article_id", "char_start", "char_end"]
    old = before["evidence"].groupby(span)["incident_id"].agg(frozenset)
    new = after["evidence"].groupby(span)["incident_id"].agg(frozenset)
    assert old.to_dict() == new.loc[old.index].to_dict()
    arts = after["articles"].set_index("source_path")
    assert arts.loc["zz_copy_of_wire_report.txt", "status"] == "duplicate"
    assert (
        arts.loc["zz_copy_of_wire_report.txt", "duplicate_of"]
        == arts.loc["extra_wire_report.txt", "article_id"]
    )
    assert arts.loc["extra_wire_report.txt", "status"] == "incidents_found"
    gmp = after["incidents"][
        after["incidents"]["police_forces"].map(lambda f: "Greater Manchester Police" in f)
    ]
    assert len(gmp) >= 1
    changes = json.loads((workspace / "dataset" / "1.1.0" / "changes.json").read_text())
    assert changes["incidents_added"]


def test_published_parquet_types(first_build, workspace: Path):
    import pyarrow.parquet as pq

    schema = pq.read_schema(workspace / "dataset" / "1.0.0" / "incidents.parquet")
    assert str(schema.field("date_start").type) == "date32[day]"
    assert str(schema.field("categories").type).startswith("list<")
    csv = pd.read_csv(workspace / "dataset" / "1.0.0" / "incidents.csv")
    assert all(json.loads(v) is not None for v in csv["categories"])


def test_a_correction_alone_gives_a_patch_release_and_the_retracted_id_is_never_reused(
    first_build, workspace: Path
):
    latest = json.loads((workspace / "dataset" / "index.json").read_text())["latest"]
    before = load_release(latest, workspace / "dataset")
    target = sorted(before["incidents"]["incident_id"])[0]
    corrections = workspace / "dataset" / "corrections.yaml"
    corrections.write_text(
        "- id: C0001\n  date: 2026-01-02\n  reason: Test retraction of a misread sentence.\n"
        f"  action: retract\n  incident_id: {target}\n",
        encoding="utf-8",
    )
    summary = _build(workspace)
    major, minor, patch = (int(x) for x in latest.split("."))
    assert summary["release"] == f"{major}.{minor}.{patch + 1}"
    assert summary["corrections_applied"] == 1
    after = load_release(summary["release"], workspace / "dataset")
    assert target not in set(after["incidents"]["incident_id"])
    assert target not in set(after["evidence"]["incident_id"])
    changelog = (workspace / "dataset" / summary["release"] / "CHANGELOG.md").read_text()
    assert "C0001" in changelog and "Test retraction" in changelog
    # The next build applies the same correction again and publishes nothing new.
    again = _build(workspace)
    assert again["release"] is None
