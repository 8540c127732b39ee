"""Incremental builds: only new or changed files are ingested and extracted; the rest come from cache."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from flows.api import load_release
from flows.runtime.cache import code_version
from schemas.checks import validate_tables

FORCES = ("Greater Manchester Police", "West Yorkshire Police", "Merseyside Police", "Kent Police")
TOWNS = ("Bolton", "Leeds", "Birkenhead", "Maidstone", "Wigan")
NAMES = ("Daniel Hartley", "Sarah Whitmore", "Mark Ellison", "Joanne Price", "Liam Barker")
MONTHS = ("January", "March", "May", "July", "September")

MISCONDUCT = """{force} officer dismissed after assaulting man in custody

A {force} constable has been dismissed for gross misconduct after he assaulted a handcuffed man in the custody suite at {town} police station in {month} 2022, a disciplinary panel found on Tuesday.

PC {name}, {age}, struck the man {times} times while he was restrained, the Independent Office for Police Conduct said.

The panel heard that the officer then wrote a false account of the incident in his notebook.
"""

ORDINARY = """{town} bakery wins regional award

A family bakery in {town} has been named the best in the region at an awards ceremony in {month}.

{name}, {age}, who opened the shop with her brother, said the team had worked through the night for {times} weeks to prepare.

The judges praised its sourdough and its community baking classes for schoolchildren.
"""


def small_article(i: int) -> str:
    """Article i of the fixture corpus: every other one reports misconduct, the rest do not."""
    template = MISCONDUCT if i % 2 == 0 else ORDINARY
    return template.format(
        force=FORCES[i % len(FORCES)],
        town=TOWNS[i % len(TOWNS)],
        name=NAMES[i % len(NAMES)],
        month=MONTHS[i % len(MONTHS)],
        age=24 + i,
        times=2 + i % 3,
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, raw_dir: Path) -> Path:
    ws = tmp_path_factory.mktemp("incremental")
    shutil.copytree(raw_dir, ws / "raw")
    local = ws / "raw" / "local"
    local.mkdir()
    for i in range(20):
        (local / f"story_{i:02d}.txt").write_text(small_article(i), encoding="utf-8")
    (ws / "dataset").mkdir()
    return ws


def _build(ws: Path, processes: int = 1) -> dict:
    from flows.pipeline import build_dataset

    return build_dataset(
        raw_dir=ws / "raw",
        dataset_dir=ws / "dataset",
        cache_dir=ws / ".cache",
        processes=processes,
        batch_size=8,
        created_at="2026-01-01T00:00:00+00:00",
    )


@pytest.fixture(scope="module")
def first(prefect_harness, workspace: Path, root: Path):
    # Pin the code version for these builds: colleagues editing flows/extract/ while the tests run
    # would otherwise (rightly) invalidate the cache between two builds.
    import flows.pipeline

    pinned = code_version(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(flows.pipeline, "code_version", lambda _root: pinned)
        mp.setattr(flows.pipeline, "INLINE_BELOW_FILES", 1)  # use the pool even for 25 files
        # Two worker processes shared by the flow's two task threads: the production path.
        yield _build(workspace, processes=2)


@pytest.fixture(scope="module")
def files(workspace: Path) -> int:
    return sum(1 for p in (workspace / "raw").rglob("*.txt"))


def test_first_build_extracts_every_file(first, files: int, workspace: Path):
    assert files == 25
    assert first["extracted_files"] == files and first["cached_files"] == 0
    assert first["release"] == "1.0.0"
    tables = load_release("1.0.0", workspace / "dataset")
    assert validate_tables(tables).ok
    assert len(tables["articles"]) == files
    assert first["articles"].get("incidents_found", 0) >= 10


def test_adding_one_article_extracts_exactly_that_one(first, files: int, workspace: Path):
    new = workspace / "raw" / "local" / "story_new.txt"
    text = MISCONDUCT.format(
        force="Avon and Somerset Police",
        town="Bristol",
        name="Owen Carter",
        month="November",
        age=41,
        times=3,
    )
    new.write_text(text, encoding="utf-8")
    summary = _build(workspace)
    assert summary["extracted_files"] == 1
    assert summary["cached_files"] == files
    assert summary["release"] == "1.1.0"
    articles = load_release("1.1.0", workspace / "dataset")["articles"].set_index("source_path")
    assert articles.loc["local/story_new.txt", "status"] == "incidents_found"
    assert summary["incidents"] > first["incidents"]
    assert summary["incidents_added"] >= 1 and summary["incidents_removed"] == 0


def test_only_changed_content_is_re_extracted(first, files: int, workspace: Path):
    local = workspace / "raw" / "local"
    touched = local / "story_03.txt"  # new timestamp, same bytes: found by content hash
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    edited = local / "story_07.txt"
    edited.write_text(small_article(7) + "\nThe bakery opens a second shop next spring.\n")
    sidecar = local / "story_05.txt.meta.json"  # a new sidecar changes the file's metadata
    sidecar.write_text(json.dumps({"title": "Bakery award", "published": "2022-09-30"}))
    summary = _build(workspace)
    assert summary["extracted_files"] == 2, "the edited text and the file with a new sidecar"
    articles = load_release("latest", workspace / "dataset")["articles"].set_index("source_path")
    assert str(articles.loc["local/story_05.txt", "published_date"])[:10] == "2022-09-30"
    # Nothing changed since: everything from cache (the touched file's new stat was recorded).
    again = _build(workspace)
    assert again["extracted_files"] == 0 and again["cached_files"] == files + 1
    assert again["release"] is None, "nothing changed: no new release"


def test_new_extraction_code_version_re_extracts_everything(
    first, files: int, workspace: Path, monkeypatch: pytest.MonkeyPatch
):
    import flows.pipeline

    monkeypatch.setattr(flows.pipeline, "code_version", lambda root: "another-version")
    summary = _build(workspace)
    assert summary["extracted_files"] == files + 1 and summary["cached_files"] == 0


def test_code_version_follows_extraction_patterns(root: Path, tmp_path: Path):
    for rel in ("flows/extract", "flows/ingest", "schemas/vocabularies"):
        shutil.copytree(root / rel, tmp_path / rel, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_version(tmp_path)
    assert code_version(tmp_path) == before, "deterministic"
    rules = tmp_path / "flows" / "extract" / "patterns" / "misconduct_rules.v1.jsonl"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert code_version(tmp_path) != before
