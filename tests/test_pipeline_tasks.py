"""The bodies of the flow's tasks, called with `.fn()` (no Prefect run needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.api import load_release
from flows.pipeline import BuildSummary, discover_raw_files, validate_release
from schemas.checks import ReleaseInvalid

DATASET = Path(__file__).resolve().parents[1] / "dataset"


def test_discover_lists_raw_files_relative_to_raw(raw_dir: Path):
    files = discover_raw_files.fn(raw_dir)
    assert files == sorted(files)
    assert len(files) == 5 and all(f.endswith(".txt") and "/" not in f for f in files)


def _spans_from_raw(tables, raw_dir: Path) -> dict:
    """The slices of the raw article texts that the evidence offsets point at."""
    paths = dict(
        zip(tables["articles"]["article_id"], tables["articles"]["source_path"], strict=True)
    )
    spans = {}
    for row in tables["evidence"].itertuples():
        text = (raw_dir / paths[row.article_id]).read_text(encoding="utf-8").replace("\r\n", "\n")
        spans[(row.article_id, row.char_start, row.char_end)] = text[row.char_start : row.char_end]
    return spans


def test_validate_release_accepts_the_committed_release_and_rejects_a_broken_one(raw_dir: Path):
    tables = load_release("latest", DATASET)
    spans = _spans_from_raw(tables, raw_dir)
    validate_release.fn(tables, spans)
    broken = dict(tables)
    broken["evidence"] = tables["evidence"].assign(incident_id="inc_000000000000")
    with pytest.raises(ReleaseInvalid) as excinfo:
        validate_release.fn(broken, spans)
    assert "unknown incident_id inc_000000000000" in str(excinfo.value)
    assert "has no evidence row" in str(excinfo.value)


def test_quote_check_uses_the_slices_captured_at_ingest():
    tables = load_release("latest", DATASET)
    ev = tables["evidence"].iloc[0]
    spans = {(ev["article_id"], int(ev["char_start"]), int(ev["char_end"])): "something else"}
    with pytest.raises(ReleaseInvalid, match="quote != text"):
        validate_release.fn(tables, spans)


def test_summary_lines_account_for_every_file_and_the_release():
    summary = BuildSummary(
        files_seen=4,
        articles={"incidents_found": 1, "no_incident": 1, "duplicate": 1, "quarantined": 1},
        release=None,
        previous_release="1.1.0",
    )
    lines = summary.lines()
    assert lines[0] == (
        "files seen 4 (articles 4): with incidents 1 + no incident 1 + duplicates 1 + quarantined 1"
    )
    assert lines[-1] == "no changes: latest release stays 1.1.0"


def test_progress_lines_give_done_total_rate_and_time_left(monkeypatch):
    import logging
    import time

    from flows import pipeline

    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(pipeline, "PROGRESS_HOOK", lambda done, total: seen.append((done, total)))
    line = pipeline._progress(logging.getLogger("test"), 250, 1000, time.monotonic() - 5.0)
    assert line.startswith("files 250/1000 (25%), 50 files/s, ~15s left")
    assert seen == [(250, 1000)]
