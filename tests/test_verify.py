"""verify_release / verify_dataset find every kind of damage to a published release."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from publish_fixtures import DOCS, build_tables, write_raw

from flows.publish import diff_tables, verify_dataset, verify_release, write_release
from flows.publish.release import read_tables, write_csv, write_sums
from schemas.export import to_arrow


@pytest.fixture
def release(tmp_path):
    tables = build_tables()
    path = write_release(
        tmp_path / "dataset", "1.0.0", tables, diff_tables(None, tables), created_at="2024-01-01"
    )
    assert verify_release(path).ok
    return path


def rewrite_table(path, table, df):
    """Rewrite one table consistently (Parquet + CSV + SHA256SUMS): only deeper checks can notice."""
    pq.write_table(to_arrow(table, df), path / f"{table}.parquet", compression="zstd")
    write_csv(table, df, path / f"{table}.csv")
    (path / "SHA256SUMS").unlink()
    write_sums(path)


def test_flipped_byte_in_parquet(release):
    target = release / "evidence.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    problems = verify_release(release).problems
    assert any(p.startswith("evidence.parquet: sha256 mismatch (expected ") for p in problems), (
        problems
    )
    assert any("index.json: evidence.parquet sha256" in p for p in problems)


def test_deleted_file(release):
    (release / "articles.csv").unlink()
    problems = verify_release(release).problems
    assert "articles.csv: missing" in problems
    assert any(p.startswith("articles.csv: cannot be read") for p in problems)
    assert not verify_dataset(release.parent).ok


def test_extra_file(release):
    (release / "notes.txt").write_text("added later\n")
    problems = verify_release(release).problems
    assert "extra file not in SHA256SUMS: notes.txt" in problems


def test_csv_edited_by_hand(release):
    csv = release / "incidents.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("Hackney", "Hackney Wick"), encoding="utf-8"
    )
    problems = verify_release(release).problems
    assert any(p.startswith("incidents.csv: sha256 mismatch") for p in problems)
    assert any(
        p.startswith("incidents.csv: row ")
        and "column location disagrees with incidents.parquet" in p
        and "Hackney Wick" in p
        for p in problems
    ), problems


def test_csv_edit_caught_even_with_recomputed_checksums(release):
    csv = release / "incidents.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("Hackney", "Hackney Wick"), encoding="utf-8"
    )
    (release / "SHA256SUMS").unlink()
    write_sums(release)
    problems = verify_release(release).problems
    assert any("column location disagrees" in p for p in problems)
    assert any(p.startswith("index.json: incidents.csv sha256") for p in problems)


def test_schema_invalid_row(release):
    tables = read_tables(release)
    ev = tables["evidence"]
    ev.loc[0, "char_end"] = ev.loc[0, "char_start"]  # empty span
    rewrite_table(release, "evidence", ev)
    problems = verify_release(release).problems
    assert any(
        p.startswith("schema: evidence row 0: ") and "char_end must be greater" in p
        for p in problems
    ), problems
    assert not any("sha256 mismatch" in p for p in problems)


def test_cross_table_failure_reported(release):
    tables = read_tables(release)
    rewrite_table(release, "incidents", tables["incidents"].iloc[:1])
    problems = verify_release(release).problems
    assert any(p.startswith("schema: evidence") and "unknown incident_id" in p for p in problems), (
        problems
    )
    assert any(
        "index.json: counts.incidents = 2 but incidents.parquet has 1 rows" in p for p in problems
    )


def test_quotes_rechecked_against_raw_files(release, tmp_path):
    raw = tmp_path / "raw"
    write_raw(DOCS, raw)
    assert verify_release(release, raw_dir=raw).ok
    tables = read_tables(release)
    ev = tables["evidence"]
    ev.loc[0, "quote"] = ev.loc[0, "quote"].replace("officers", "police officers")
    rewrite_table(release, "evidence", ev)
    problems = verify_release(release, raw_dir=raw).problems
    assert any(
        p.startswith(f"evidence {ev.loc[0, 'evidence_id']}: quote differs from ") for p in problems
    ), problems
    # without raw files the altered quote is not detectable by the other checks
    assert all("quote differs" not in p for p in verify_release(release).problems)


def test_raw_file_with_other_text_is_not_used(release, tmp_path):
    raw = tmp_path / "raw"
    write_raw(DOCS, raw)
    (raw / DOCS[0].source_path).write_text("Completely different text now.", encoding="utf-8")
    assert verify_release(release, raw_dir=raw).ok


def test_index_must_point_at_existing_release(release):
    index_path = release.parent / "index.json"
    index = json.loads(index_path.read_text())
    index["latest"] = "1.1.0"
    index_path.write_text(json.dumps(index))
    problems = verify_dataset(release.parent).problems
    assert "index.json: latest '1.1.0' is not a listed release" in problems


def test_unparseable_index(release):
    (release.parent / "index.json").write_text("{not json")
    problems = verify_dataset(release.parent).problems
    assert len(problems) == 1 and "cannot be read as JSON" in problems[0]
