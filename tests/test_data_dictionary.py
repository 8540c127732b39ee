"""Generated docs never drift from the schemas: regenerate and compare with what is committed."""

from __future__ import annotations

from pathlib import Path

from schemas.export import columns, data_dictionary_markdown
from schemas.tables import TABLES


def test_committed_data_dictionary_matches_the_schemas(root: Path):
    committed = (root / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown(), (
        "run `pmd docs` and commit docs/data_dictionary.md"
    )


def test_every_column_is_described_with_a_type():
    for table in TABLES:
        for col in columns(table):
            assert col["description"].strip(), f"{table}.{col['name']} has no description"
            assert col["arrow"] in {"string", "int64", "float64", "bool", "date32", "list<string>"}


def test_contract_columns_are_present():
    names = {t: {c["name"] for c in columns(t)} for t in TABLES}
    assert {
        "article_id",
        "source_path",
        "url",
        "publisher",
        "title",
        "published_date",
        "date_source",
        "word_count",
        "status",
        "status_reason",
    } <= names["articles"]
    assert {
        "incident_id",
        "title",
        "categories",
        "date_start",
        "date_end",
        "date_precision",
        "date_text",
        "first_reported",
        "police_forces",
        "location",
        "country",
        "region",
        "subjects",
        "officers",
        "outcome",
        "allegation_status",
        "source_count",
        "article_ids",
    } <= names["incidents"]
    assert {"incident_id", "article_id", "char_start", "char_end", "quote"} <= names["evidence"]
