"""Incident ids stay stable across releases and retired ids are never reused."""

from __future__ import annotations

import hashlib
import json

import pytest
from publish_fixtures import DOCS, INCIDENTS, Doc, Inc, build_tables, keyed_frames

from flows.publish import (
    assign_incident_ids,
    diff_tables,
    load_latest_release,
    next_version,
    retired_incident_ids,
    write_release,
)
from schemas.export import schema_fingerprint

NEW_DOC = Doc("003_d.txt", ["Police restrained a man in Hackney, the IOPC confirmed on Tuesday."])


def publish(dataset, tables):
    prev = load_latest_release(dataset)
    changes = diff_tables(prev.tables if prev else None, tables)
    version = next_version(prev, schema_fingerprint(), changes)
    write_release(dataset, version, tables, changes, created_at="2024-06-01T00:00:00Z")
    return load_latest_release(dataset)


def test_new_ids_are_hashes_of_incident_keys():
    inc_k, ev_k = keyed_frames(DOCS, INCIDENTS)
    inc, ev = assign_incident_ids(inc_k, ev_k, None, set())
    expected = ["inc_" + hashlib.sha256(k.encode()).hexdigest()[:12] for k in inc_k["incident_key"]]
    assert list(inc["incident_id"]) == expected
    assert "incident_key" not in inc and "incident_key" not in ev
    assert list(inc.columns)[0] == "incident_id" and list(ev.columns)[0] == "incident_id"
    assert set(ev["incident_id"]) == set(expected)


def test_id_survives_new_article_adding_evidence(tmp_path):
    dataset = tmp_path / "dataset"
    first = publish(dataset, build_tables())
    old_ids = set(first.tables["incidents"]["incident_id"])
    docs = [*DOCS, NEW_DOC]
    # The new article's sentence is now the incident's first evidence, so its key changes.
    incs = [
        Inc([(3, 0), (0, 0), (0, 1)], outcome="investigation_ongoing", location="Hackney"),
        INCIDENTS[1],
    ]
    inc_k, _ = keyed_frames(docs, incs)
    assert inc_k["incident_key"][0].startswith(NEW_DOC.article_id)
    second = publish(dataset, build_tables(docs, incs, previous=first))
    assert second.version == "1.1.0"
    assert set(second.tables["incidents"]["incident_id"]) == old_ids
    changes = json.loads((second.path / "changes.json").read_text(encoding="utf-8"))
    assert changes["incidents_added"] == [] and changes["counts"]["incidents_changed"] == 1
    assert set(changes["incidents_changed"][0]["fields"]) == {
        "article_ids",
        "source_count",
        "evidence_count",
    }
    assert changes["articles_added"] == [NEW_DOC.article_id] and changes["evidence_added"] == 1


def test_retired_id_is_never_reused(tmp_path):
    dataset = tmp_path / "dataset"
    first = publish(dataset, build_tables())
    dropped = first.tables["incidents"]["incident_id"][
        first.tables["incidents"]["location"].isna()
    ].item()
    second = publish(dataset, build_tables(DOCS, INCIDENTS[:1], previous=first))
    assert second.version == "1.0.1"
    assert retired_incident_ids(dataset) == {dropped}
    ids = json.loads((dataset / "ids.json").read_text(encoding="utf-8"))
    assert ids == {
        "version": "1.0.1",
        "issued": sorted(first.tables["incidents"]["incident_id"]),
        "retired": [dropped],
    }
    # The same incident comes back with exactly the same key: its hash is the retired id.
    third = publish(
        dataset, build_tables(previous=second, never_reuse=retired_incident_ids(dataset))
    )
    new_ids = set(third.tables["incidents"]["incident_id"])
    assert dropped not in new_ids and len(new_ids) == 2
    assert retired_incident_ids(dataset) == {dropped}


def test_retired_ids_recomputed_when_registry_is_stale(tmp_path):
    dataset = tmp_path / "dataset"
    first = publish(dataset, build_tables())
    publish(dataset, build_tables(DOCS, INCIDENTS[:1], previous=first))
    expected = retired_incident_ids(dataset)
    (dataset / "ids.json").unlink()
    assert retired_incident_ids(dataset) == expected and len(expected) == 1


def test_merge_keeps_id_with_most_shared_evidence(tmp_path):
    dataset = tmp_path / "dataset"
    first = publish(dataset, build_tables())
    by_loc = first.tables["incidents"].set_index("location", drop=False)
    hackney = by_loc.loc["Hackney", "incident_id"]
    merged = [Inc([(1, 0), (0, 0), (0, 1)], outcome="dismissed", location="Hackney")]
    inc_k, ev_k = keyed_frames(DOCS, merged)
    inc, ev = assign_incident_ids(inc_k, ev_k, first, set())
    assert list(inc["incident_id"]) == [hackney]  # 2 shared sentences beat 1
    assert set(ev["incident_id"]) == {hackney}


def test_split_gives_old_id_to_one_claimant_deterministically(tmp_path):
    dataset = tmp_path / "dataset"
    first = publish(dataset, build_tables())
    hackney = first.tables["incidents"].set_index("location").loc["Hackney", "incident_id"]
    split = [Inc([(0, 1)]), Inc([(0, 0)]), INCIDENTS[1]]
    inc_k, ev_k = keyed_frames(DOCS, split)
    a, _ = assign_incident_ids(inc_k, ev_k, first, set())
    b, _ = assign_incident_ids(inc_k.iloc[::-1], ev_k.iloc[::-1], first, set())
    assert dict(zip(a["incident_id"], a["categories"].map(tuple), strict=True)) == dict(
        zip(b["incident_id"], b["categories"].map(tuple), strict=True)
    )
    # equal shared evidence (1 each): the smaller incident_key keeps the old id
    winner_key = min(inc_k["incident_key"][:2])
    got = dict(zip(inc_k["incident_key"], a["incident_id"], strict=True))
    assert got[winner_key] == hackney
    loser = next(k for k in inc_k["incident_key"][:2] if k != winner_key)
    assert got[loser] != hackney and got[loser].startswith("inc_") and len(set(got.values())) == 3


def test_new_id_avoids_ids_of_previous_release(tmp_path):
    dataset = tmp_path / "dataset"
    first = publish(dataset, build_tables())
    # An unrelated incident whose key hashes to an id already in use must be rehashed.
    inc_k, ev_k = keyed_frames(DOCS, INCIDENTS)
    clash = inc_k["incident_key"][0]
    other_k = inc_k.iloc[[0]].copy()
    other_ev = ev_k[ev_k["incident_key"] == clash].copy()
    other_ev["char_start"] += 1  # no shared sentence with the previous release
    inc, _ = assign_incident_ids(other_k, other_ev, first, set())
    assert inc["incident_id"].item() not in set(first.tables["incidents"]["incident_id"])


def test_bad_keys_are_rejected():
    inc_k, ev_k = keyed_frames(DOCS, INCIDENTS)
    with pytest.raises(ValueError, match="duplicate incident_key"):
        assign_incident_ids(inc_k.iloc[[0, 0]], ev_k, None, set())
    with pytest.raises(ValueError, match="unknown incident_key"):
        assign_incident_ids(inc_k.iloc[[0]], ev_k, None, set())
