"""SemVer rules of releases: first 1.0.0, MINOR on new records, PATCH on corrections, MAJOR on schema change."""

from __future__ import annotations

import dataclasses

import pytest
from publish_fixtures import DOCS, INCIDENTS, Doc, Inc, build_tables

from flows.publish import (
    diff_tables,
    load_latest_release,
    next_version,
    write_release,
)
from schemas.export import schema_fingerprint

FP = schema_fingerprint()


def publish(dataset, tables, previous=None, **kw):
    changes = diff_tables(previous.tables if previous else None, tables)
    version = next_version(previous, FP, changes)
    if version is None:
        return None, changes
    write_release(dataset, version, tables, changes, created_at="2024-05-01T12:00:00Z", **kw)
    return version, changes


@pytest.fixture
def first(tmp_path):
    dataset = tmp_path / "dataset"
    version, _ = publish(dataset, build_tables())
    assert version == "1.0.0"
    return dataset, load_latest_release(dataset)


def test_first_release_is_1_0_0():
    changes = diff_tables(None, build_tables())
    assert next_version(None, FP, changes) == "1.0.0"
    assert len(changes.incidents_added) == 2 and len(changes.articles_added) == 3


def test_unchanged_inputs_publish_nothing(first):
    dataset, prev = first
    again = build_tables(previous=prev)
    changes = diff_tables(prev.tables, again)
    assert changes.is_empty, changes
    assert next_version(prev, FP, changes) is None
    assert sorted(p.name for p in dataset.iterdir() if not p.name.startswith(".")) == [
        "1.0.0",
        "ids.json",
        "index.json",
    ]


def test_reloaded_release_diffs_empty_against_written_tables(first):
    _, prev = first
    assert diff_tables(prev.tables, build_tables()).is_empty


def test_new_article_is_minor(first):
    dataset, prev = first
    docs = [*DOCS, Doc("003_d.txt", ["Officers used a taser on a teenager in Croydon."])]
    incs = [*INCIDENTS, Inc([(3, 0)], location="Croydon")]
    version, changes = publish(dataset, build_tables(docs, incs, previous=prev), prev)
    assert version == "1.1.0"
    assert len(changes.incidents_added) == 1 and changes.articles_added == [docs[3].article_id]


def test_correction_alone_is_patch(first):
    dataset, prev = first
    incs = [dataclasses.replace(INCIDENTS[0], outcome="misconduct_found"), INCIDENTS[1]]
    version, changes = publish(
        dataset,
        build_tables(DOCS, incs, previous=prev),
        prev,
        corrections=[{"incident_id": "x", "field": "outcome", "reason": "IOPC report"}],
    )
    assert version == "1.0.1"
    assert changes.incidents_added == [] and len(changes.incidents_changed) == 1
    change = changes.incidents_changed[0]
    assert change["fields"] == {
        "outcome": {"old": "investigation_ongoing", "new": "misconduct_found"}
    }
    log = (dataset / "1.0.1" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 1.0.1" in log and "IOPC report" in log and "## 1.0.0" in log
    assert log.index("## 1.0.1") < log.index("## 1.0.0")


def test_removal_only_is_patch(first):
    dataset, prev = first
    docs = DOCS
    version, changes = publish(dataset, build_tables(docs, INCIDENTS[:1], previous=prev), prev)
    assert version == "1.0.1"
    assert len(changes.incidents_removed) == 1 and changes.evidence_removed == 1
    # the article that lost its only incident changed status: counted as a changed article
    assert changes.articles_changed == [DOCS[1].article_id]


def test_schema_change_is_major(first):
    _, prev = first
    changes = diff_tables(prev.tables, build_tables(previous=prev))
    assert next_version(dataclasses.replace(prev, fingerprint="0" * 16), FP, changes) == "2.0.0"


def test_version_must_increase(first):
    dataset, prev = first
    tables = build_tables(DOCS, INCIDENTS[:1], previous=prev)
    with pytest.raises(ValueError, match="not after the latest"):
        write_release(dataset, "0.9.0", tables, diff_tables(prev.tables, tables), created_at="2024")


def test_changes_json_dict_is_json_safe(first):
    import json

    _, prev = first
    incs = [dataclasses.replace(INCIDENTS[0], officers=["PC Someone"]), INCIDENTS[1]]
    changes = diff_tables(prev.tables, build_tables(DOCS, incs, previous=prev))
    data = json.loads(json.dumps(changes.to_json_dict()))
    assert data["counts"]["incidents_changed"] == 1
    assert data["incidents_changed"][0]["fields"]["officers"] == {"old": [], "new": ["PC Someone"]}


def test_changelog_names_the_columns_that_changed(first):
    """A retrained classifier changes every evidence row's score and nothing else: the changelog
    says which column changed, not only how many rows."""
    dataset, prev = first
    tables = build_tables(previous=prev)
    evidence = tables["evidence"].copy()
    evidence["classifier_score"] = (evidence["classifier_score"].fillna(0.5) * 0.5).astype(
        evidence["classifier_score"].dtype
    )
    tables = {**tables, "evidence": evidence}
    version, changes = publish(dataset, tables, prev)
    assert version == "1.0.1"
    assert changes.evidence_columns_changed == {"classifier_score": len(evidence)}
    assert changes.articles_columns_changed == {}
    log = (dataset / "1.0.1" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"Changed evidence columns (rows): `classifier_score` ({len(evidence)})." in log
