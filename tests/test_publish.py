"""Writing releases: files, checksums, index, immutability, extras hook, determinism, recovery."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest
from publish_fixtures import DOCS, INCIDENTS, build_tables

from flows.publish import (
    ReleaseExists,
    diff_tables,
    load_latest_release,
    load_release,
    read_index,
    recover_dataset_dir,
    verify_dataset,
    write_release,
)
from flows.publish.diff import json_value
from schemas.checks import ReleaseInvalid
from schemas.export import schema_fingerprint

CREATED = "2024-07-01T09:30:00Z"


def first_release(dataset, **kw):
    tables = build_tables()
    return write_release(
        dataset, "1.0.0", tables, diff_tables(None, tables), created_at=CREATED, **kw
    )


def test_release_files_and_checksums(tmp_path):
    path = first_release(tmp_path / "dataset")
    names = sorted(p.name for p in path.iterdir())
    assert names == sorted(
        ["CHANGELOG.md", "SHA256SUMS", "changes.json", "datapackage.json"]
        + [f"{t}.{e}" for t in ("incidents", "evidence", "articles") for e in ("parquet", "csv")]
    )
    lines = (path / "SHA256SUMS").read_text().splitlines()
    listed = [line.split("  ", 1)[1] for line in lines]
    assert listed == sorted(n for n in names if n != "SHA256SUMS")
    for line in lines:
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((path / rel).read_bytes()).hexdigest() == digest
    dp = json.loads((path / "datapackage.json").read_text())
    assert dp["version"] == "1.0.0" and dp["schema_fingerprint"] == schema_fingerprint()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".staging-")]


def test_index_and_reload(tmp_path):
    dataset = tmp_path / "dataset"
    path = first_release(dataset)
    index = read_index(dataset)
    assert index["latest"] == "1.0.0"
    (entry,) = index["releases"]
    assert entry["counts"] == {"incidents": 2, "evidence": 3, "articles": 3}
    assert entry["schema_fingerprint"] == schema_fingerprint() and entry["created_at"] == CREATED
    files = {f["path"]: f for f in entry["files"]}
    assert files["incidents.parquet"]["bytes"] == (path / "incidents.parquet").stat().st_size
    release = load_latest_release(dataset)
    assert release.version == "1.0.0" and release.path == path and release.created_at == CREATED
    assert load_release(dataset, "1.0.0").fingerprint == schema_fingerprint()
    built = build_tables()
    got = release.tables["incidents"].set_index("incident_id")
    for row in built["incidents"].to_dict("records"):
        for col, value in row.items():
            if col != "incident_id":
                assert json_value(got.at[row["incident_id"], col]) == json_value(value), col


def test_no_release_yet(tmp_path):
    assert load_latest_release(tmp_path / "dataset") is None


def test_releases_are_immutable(tmp_path):
    dataset = tmp_path / "dataset"
    path = first_release(dataset)
    before = (path / "SHA256SUMS").read_bytes()
    tables = build_tables(DOCS, INCIDENTS[:1])
    with pytest.raises(ReleaseExists):
        write_release(dataset, "1.0.0", tables, diff_tables(None, tables), created_at=CREATED)
    assert (path / "SHA256SUMS").read_bytes() == before
    assert verify_dataset(dataset).ok


def test_invalid_tables_are_refused(tmp_path):
    tables = build_tables()
    tables["incidents"].loc[0, "categories"] = ["not_a_category"]
    with pytest.raises(ReleaseInvalid, match="categories"):
        write_release(
            tmp_path / "dataset", "1.0.0", tables, diff_tables(None, tables), created_at=CREATED
        )
    assert not (tmp_path / "dataset" / "1.0.0").exists()


def test_parquet_and_csv_bytes_are_deterministic(tmp_path):
    a = first_release(tmp_path / "a")
    tables = build_tables()
    shuffled = {t: df.sample(frac=1, random_state=3) for t, df in tables.items()}
    b = write_release(
        tmp_path / "b", "1.0.0", shuffled, diff_tables(None, tables), created_at=CREATED
    )
    for name in ("incidents.parquet", "evidence.parquet", "articles.csv", "SHA256SUMS"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_csv_is_utf8_lists_as_json_and_formulas_neutralised(tmp_path):
    tables = build_tables()
    tables["incidents"].loc[0, "location"] = '=HYPERLINK("http://example.org")'
    tables["incidents"].at[0, "officers"] = ["@officer", "PC Café"]
    dataset = tmp_path / "dataset"
    path = write_release(dataset, "1.0.0", tables, diff_tables(None, tables), created_at=CREATED)
    inc = pd.read_csv(path / "incidents.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    row = inc.set_index("incident_id").loc[tables["incidents"].loc[0, "incident_id"]]
    assert row["location"] == '\'=HYPERLINK("http://example.org")'
    assert json.loads(row["officers"]) == ["'@officer", "PC Café"]
    assert json.loads(row["police_forces"]) == ["Metropolitan Police Service"]
    # Parquet keeps the true values; verify accepts the CSV as the neutralised form of them.
    got = load_latest_release(dataset).tables["incidents"].set_index("incident_id")
    assert got.loc[row.name, "location"] == '=HYPERLINK("http://example.org")'
    assert verify_dataset(dataset).ok
    ev = (path / "evidence.csv").read_text(encoding="utf-8")
    assert ",false,," in ev and "mild" not in ev
    raw = (path / "evidence.csv").read_bytes()
    assert raw.count(b"\r\n") == 4 == len(raw.splitlines())  # RFC 4180 records


def test_extras_hook_files_are_checksummed(tmp_path):
    seen = {}

    def extras(staging, tables, context):
        seen.update(context, staging=staging.name, tables=sorted(tables))
        (staging / "README.md").write_text(f"# Release {context['version']}\n", encoding="utf-8")
        (staging / "site").mkdir()
        (staging / "site" / "index.html").write_text("<html></html>", encoding="utf-8")

    path = first_release(tmp_path / "dataset", notes=["built from 3 files"], extras=extras)
    assert seen["version"] == "1.0.0" and seen["previous_version"] is None
    assert seen["staging"].startswith(".staging-1.0.0-") and seen["tables"] == [
        "articles",
        "evidence",
        "incidents",
    ]
    assert seen["changes"]["counts"]["incidents_added"] == 2 and seen["notes"] == [
        "built from 3 files"
    ]
    sums = (path / "SHA256SUMS").read_text()
    assert "  README.md\n" in sums and "  site/index.html\n" in sums
    assert verify_dataset(tmp_path / "dataset").ok
    assert "built from 3 files" in (path / "CHANGELOG.md").read_text()


def test_failing_extras_leave_nothing_behind(tmp_path):
    dataset = tmp_path / "dataset"

    def boom(staging, tables, context):
        raise RuntimeError("site renderer failed")

    with pytest.raises(RuntimeError, match="site renderer failed"):
        first_release(dataset, extras=boom)
    assert sorted(p.name for p in dataset.iterdir()) == [".lock"]
    assert load_latest_release(dataset) is None


def test_recover_removes_staging_and_completes_unlisted_release(tmp_path):
    dataset = tmp_path / "dataset"
    first_release(dataset)
    # simulate a process killed after the rename but before the index update
    index_before = (dataset / "index.json").read_bytes()
    tables = build_tables(DOCS, INCIDENTS[:1], previous=load_latest_release(dataset))
    prev = load_latest_release(dataset)
    write_release(dataset, "1.0.1", tables, diff_tables(prev.tables, tables), created_at=CREATED)
    (dataset / "index.json").write_bytes(index_before)
    (dataset / ".staging-1.0.2-999").mkdir()
    (dataset / ".staging-1.0.2-999" / "incidents.parquet").write_bytes(b"PAR1 half")
    assert not verify_dataset(dataset).ok
    messages = recover_dataset_dir(dataset)
    assert any("staging" in m for m in messages) and any(
        "1.0.1" in m and "added" in m for m in messages
    )
    assert read_index(dataset)["latest"] == "1.0.1"
    assert json.loads((dataset / "ids.json").read_text())["version"] == "1.0.1"
    assert verify_dataset(dataset).ok
    assert recover_dataset_dir(dataset) == []


def test_recover_moves_broken_unlisted_release_to_orphans(tmp_path):
    dataset = tmp_path / "dataset"
    path = first_release(dataset)
    shutil.copytree(path, dataset / "1.1.0")
    (dataset / "1.1.0" / "evidence.csv").write_text("tampered\n", encoding="utf-8")
    messages = recover_dataset_dir(dataset)
    assert len(messages) == 1 and "orphans" in messages[0] and "evidence.csv" in messages[0]
    assert not (dataset / "1.1.0").exists()
    assert [p.name.split("-")[0] for p in (dataset / ".orphans").iterdir()] == ["1.1.0"]
    assert verify_dataset(dataset).ok and read_index(dataset)["latest"] == "1.0.0"
