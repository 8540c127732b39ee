"""A build's cost follows what changed (issue 16.3): one new article does not redo the corpus.

No timings here (they are in benchmarks/run.py and docs/performance.md): counters and equalities.
- Prefect does not walk the large task inputs (every Mention of every article) looking for futures.
- Redaction decisions are memoised per incident in the build cache: a +1 article build assesses only
  the incidents whose inputs changed, and publishes exactly the release a build without the memo
  publishes (every file of the release byte-identical).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.core.model import Mention
from flows.runtime.cache import code_version
from tests.test_incremental import MISCONDUCT, small_article

DEVDATA_DOCS = (("mpv_dev.jsonl", 6), ("iopc_recommendations_dev.jsonl", 4))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, raw_dir: Path, root: Path) -> Path:
    """The shared samples, twelve short articles and (when ../shared/devdata is there) ten real
    police records, each its own file: a real multi-article corpus."""
    ws = tmp_path_factory.mktemp("build_cost")
    shutil.copytree(raw_dir, ws / "raw")
    local = ws / "raw" / "local"
    local.mkdir()
    for i in range(12):
        (local / f"story_{i:02d}.txt").write_text(small_article(i), encoding="utf-8")
    for name, n in DEVDATA_DOCS:
        path = root.parent / "shared" / "devdata" / name
        if not path.is_file():
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:n]]
        for row in rows:
            (local / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
    (ws / "dataset").mkdir()
    return ws


def _build(ws: Path, dataset: str = "dataset", cache: str = ".cache") -> dict:
    from flows.pipeline import build_dataset

    return build_dataset(
        raw_dir=ws / "raw",
        dataset_dir=ws / dataset,
        cache_dir=ws / cache,
        processes=1,
        batch_size=50,
        created_at="2026-01-01T00:00:00+00:00",
    )


@pytest.fixture(scope="module")
def pinned(prefect_harness, root: Path):
    """The extraction code version pinned for these builds (colleagues may edit flows/extract)."""
    import flows.pipeline

    version = code_version(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(flows.pipeline, "code_version", lambda _root: version)
        yield


@pytest.fixture(scope="module")
def walked(pinned, workspace: Path):
    """The first build, counting the Mentions Prefect's parameter walk visited."""
    import prefect.task_engine
    import prefect.utilities.engine

    seen = {"mentions": 0}

    def counting(real):
        def visit_collection(expr, visit_fn, *args, **kwargs):
            def counted(e, *rest):
                if isinstance(e, Mention):
                    seen["mentions"] += 1
                return visit_fn(e, *rest)

            return real(expr, counted, *args, **kwargs)

        return visit_collection

    with pytest.MonkeyPatch.context() as mp:
        for module in (prefect.task_engine, prefect.utilities.engine):
            mp.setattr(module, "visit_collection", counting(module.visit_collection))
        summary = _build(workspace)
    return summary, seen["mentions"]


def test_prefect_does_not_walk_every_mention(walked):
    summary, mentions_walked = walked
    assert summary["release"] == "1.0.0" and summary["incidents"] >= 5
    # Without `quote` around the large inputs, every Mention of every article was visited
    # (several times: inputs collected, then parameters resolved) before link and validate ran.
    assert mentions_walked == 0


def test_one_new_article_reassesses_only_what_changed(walked, workspace: Path):
    first, _ = walked
    assert first["redaction_assessed"] == first["incidents"] - first["redaction_cached"]
    # The same inputs as the first build: a copy of its dataset and of its extraction cache
    # without the stage memo, for the from-scratch path.
    shutil.copytree(workspace / "dataset", workspace / "dataset_full")
    (workspace / ".cache_full").mkdir()
    shutil.copy2(workspace / ".cache" / "results.sqlite", workspace / ".cache_full")

    text = MISCONDUCT.format(
        force="Avon and Somerset Police",
        town="Bristol",
        name="Owen Carter",
        month="November",
        age=41,
        times=3,
    )
    (workspace / "raw" / "local" / "story_new.txt").write_text(text, encoding="utf-8")
    incremental = _build(workspace)
    full = _build(workspace, dataset="dataset_full", cache=".cache_full")

    assert incremental["release"] == full["release"] == "1.1.0"
    assert incremental["extracted_files"] == 1
    assert incremental["incidents_added"] >= 1
    # Only the incidents whose inputs changed were assessed; the rest came from the memo.
    touched = incremental["incidents_added"] + incremental["incidents_changed"]
    assert incremental["redaction_assessed"] <= touched
    assert incremental["redaction_cached"] >= incremental["incidents"] - touched
    assert incremental["redaction_cached"] > 0
    assert full["redaction_assessed"] == full["incidents"] and full["redaction_cached"] == 0
    # The release is the same, file for file.
    a, b = workspace / "dataset" / "1.1.0", workspace / "dataset_full" / "1.1.0"
    sums = (a / "SHA256SUMS").read_text()
    assert sums == (b / "SHA256SUMS").read_text()
    for name in ("incidents", "evidence", "articles"):
        for ext in ("parquet", "csv"):
            assert (a / f"{name}.{ext}").read_bytes() == (b / f"{name}.{ext}").read_bytes()


def _canonical_keys_pairwise(keys: list[str]) -> dict[str, str]:
    """The original one-pair-at-a-time mapping, as the reference."""
    from rapidfuzz import fuzz

    rep: dict[str, str] = {}
    for k in sorted(keys):
        name = k.split(":", 1)[1]
        for r in sorted(set(rep.values())):
            other = r.split(":", 1)[1]
            if " " in name and " " in other and fuzz.ratio(name, other) >= 92:
                rep[k] = r
                break
        else:
            rep[k] = k
    return rep


def test_canonical_person_keys_equal_the_pairwise_mapping():
    import random
    from types import SimpleNamespace

    from flows.link.groups import _canonical_keys

    rng = random.Random(16)
    first = ["jermaine", "sarah", "daniel", "joanne", "liam", "mohammed", "katherine", "o'neil"]
    last = ["baker", "whitmore", "hartley", "ellison", "price", "barker", "mcdonald", "smith"]
    names = [f"{a} {b}" for a in first for b in last] + first + ["jermain baker", "jermaine bakers"]
    for _ in range(300):  # spelling variants: one letter dropped, doubled or swapped
        n = list(rng.choice(names))
        i = rng.randrange(len(n))
        op = rng.choice(("drop", "double", "swap"))
        if op == "drop":
            del n[i]
        elif op == "double":
            n.insert(i, n[i])
        elif i + 1 < len(n):
            n[i], n[i + 1] = n[i + 1], n[i]
        names.append("".join(n))
    keys = [f"subject:{n}" for n in names] + ["event:operation elveden", "officer:pc baker"]
    mentions = [SimpleNamespace(link_keys=keys[i : i + 3]) for i in range(0, len(keys), 3)]
    mapping = _canonical_keys(mentions)  # type: ignore[arg-type]
    expected = _canonical_keys_pairwise([k for k in keys if k.startswith("subject:")])
    assert mapping == expected
    assert sum(1 for k, r in mapping.items() if k != r) > 50  # variants were merged


def test_sqlite_rows_go_in_one_transaction_per_table(tmp_path: Path):
    """Every row of a table in one transaction, no journal (the staging folder is fsynced whole):
    the same database as sqlite_utils' batched inserts, without a commit per 500 rows."""
    import sqlite3

    import pandas as pd
    import sqlite_utils
    from test_site_data import sample_tables

    from flows.site.sqlite_export import (
        CREATE_ORDER,
        FTS_COLUMNS,
        SQL_TYPES,
        table_rows,
        write_sqlite,
    )
    from schemas.export import columns

    tables, _ = sample_tables()
    one = tables["articles"].iloc[[0]]
    extra = pd.concat([one] * 3000, ignore_index=True)
    extra["article_id"] = [f"art_{i:016x}" for i in range(len(extra))]
    extra["source_path"] = [f"bulk/{i}.txt" for i in range(len(extra))]
    extra["status"], extra["incident_count"] = "no_incident", 0
    tables = {**tables, "articles": pd.concat([tables["articles"], extra], ignore_index=True)}

    path = write_sqlite(tmp_path / "new.sqlite", tables)
    reference = sqlite_utils.Database(tmp_path / "reference.sqlite")
    for table in CREATE_ORDER:  # the batched writer this replaced
        cols = columns(table)
        pks = [c["name"] for c in cols if c["primary_key"]]
        t = reference.table(table)
        t.create(
            {c["name"]: SQL_TYPES[c["arrow"]] for c in cols},
            pk=pks[0] if len(pks) == 1 else tuple(pks),
            foreign_keys=[
                (c["name"], *c["foreign_key"].split(".")) for c in cols if c["foreign_key"]
            ]
            or None,
            not_null={c["name"] for c in cols if not c["nullable"]},
        )
        t.insert_all(table_rows(table, tables[table]), batch_size=500)
        for c in cols:
            if c["foreign_key"]:
                t.create_index([c["name"]], if_not_exists=True)
        if table in FTS_COLUMNS:
            t.enable_fts(FTS_COLUMNS[table], create_triggers=False, tokenize="porter")
    reference.conn.commit()
    reference.vacuum()
    reference.close()
    dump = list(sqlite3.connect(path).iterdump())
    assert dump == list(sqlite3.connect(tmp_path / "reference.sqlite").iterdump())
    assert sum(1 for line in dump if line.startswith('INSERT INTO "articles"')) > 3000

    def change_counter(p: Path) -> int:  # bytes 24-27 of the header: one per write transaction
        return int.from_bytes(p.read_bytes()[24:28], "big")

    batched = change_counter(tmp_path / "reference.sqlite")
    assert change_counter(path) <= batched - 5  # at least the 6 batches of 500 articles saved
