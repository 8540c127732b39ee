"""Corrections: strict loading with specific errors, and deterministic application of each action."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.core.ids import evidence_id, split_incident_id
from flows.curate.corrections import (
    Correction,
    CorrectionsError,
    apply_corrections,
    load_corrections,
    parse_corrections,
    retired_ids,
)
from schemas.tables import Evidence, Incidents

ROOT = Path(__file__).resolve().parents[1]
A, B, C = ("inc_" + c * 12 for c in "abc")
ART1, ART2, ART3 = ("art_" + c * 16 for c in "123")


def _incident(iid, categories, arts, n_ev, **fields):
    row = {
        "incident_id": iid,
        "title": f"Incident {iid[-4:]}",
        "categories": categories,
        "date_start": pd.NaT,
        "date_end": pd.NaT,
        "date_precision": "unknown",
        "date_text": None,
        "first_reported": pd.NaT,
        "police_forces": ["Metropolitan Police Service"],
        "location": None,
        "country": None,
        "region": None,
        "subjects": [],
        "officers": [],
        "outcome": None,
        "outcome_text": None,
        "allegation_status": "alleged",
        "source_count": len(set(arts)),
        "article_ids": sorted(set(arts)),
        "evidence_count": n_ev,
    }
    row.update(fields)
    return row


def _evidence(iid, art, start, end, quote="A sentence."):
    return {
        "evidence_id": evidence_id(iid, art, start, end),
        "incident_id": iid,
        "article_id": art,
        "char_start": start,
        "char_end": end,
        "quote": quote,
        "is_redacted": False,
        "redaction_reason": None,
        "rule_id": "test.v1",
        "classifier_score": None,
    }


@pytest.fixture
def tables():
    incidents = pd.DataFrame(
        [
            _incident(
                A,
                ["strip_search"],
                [ART1, ART2],
                3,
                date_start=pd.Timestamp("2021-03-01"),
                date_end=pd.Timestamp("2021-03-31"),
                date_precision="month",
                date_text="In March 2021",
                outcome="investigation_ongoing",
                outcome_text="an investigation is under way",
            ),
            _incident(
                B,
                ["excessive_force", "strip_search"],
                [ART3],
                1,
                date_start=pd.Timestamp("2021-03-12"),
                date_end=pd.Timestamp("2021-03-12"),
                date_precision="day",
                date_text="on 12 March 2021",
                location="Hackney",
                officers=["PC Jo Bloggs"],
                outcome="gross_misconduct_found",
                outcome_text="found to have committed gross misconduct",
                allegation_status="established",
            ),
            _incident(C, ["dishonesty"], [ART3], 1),
        ]
    )
    evidence = pd.DataFrame(
        [
            _evidence(A, ART1, 0, 40),
            _evidence(A, ART1, 41, 90),
            _evidence(A, ART2, 10, 60),
            _evidence(B, ART3, 0, 50),
            _evidence(C, ART3, 60, 120),
        ]
    )
    Incidents.validate(incidents)
    Evidence.validate(evidence)
    return incidents, evidence


def _c(**kw) -> Correction:
    entry = {"id": "C0001", "date": "2024-05-01", "reason": "reviewed"} | kw
    return parse_corrections([entry])[0]


def test_retract_removes_incident_and_evidence_and_retires_id(tables):
    inc, ev, records = apply_corrections(*tables, [_c(action="retract", incident_id=C)])
    assert C not in set(inc["incident_id"]) and C not in set(ev["incident_id"])
    assert records[0]["status"] == "applied"
    assert retired_ids(records) == {C}
    Incidents.validate(inc)


def test_fix_field_sets_value_and_reports_old_one(tables):
    corr = _c(action="fix_field", incident_id=A, field="outcome", value="dismissed")
    inc, ev, records = apply_corrections(*tables, [corr])
    assert inc.set_index("incident_id").at[A, "outcome"] == "dismissed"
    assert "investigation_ongoing" in records[0]["detail"]
    pd.testing.assert_frame_equal(ev, tables[1])

    dated = _c(action="fix_field", incident_id=C, field="date_start", value="2022-01-05")
    inc, _, _ = apply_corrections(*tables, [dated])
    assert inc.set_index("incident_id").at[C, "date_start"] == pd.Timestamp("2022-01-05")


def test_merge_moves_evidence_recounts_and_combines_fields(tables):
    inc, ev, records = apply_corrections(*tables, [_c(action="merge", incident_ids=[A, B])])
    assert set(inc["incident_id"]) == {A, C}
    merged = inc.set_index("incident_id").loc[A]
    assert merged["evidence_count"] == 4
    assert merged["article_ids"] == [ART1, ART2, ART3]
    assert merged["source_count"] == 3
    assert merged["categories"] == ["excessive_force", "strip_search"]  # vocabulary order
    assert merged["date_precision"] == "day" and merged["date_text"] == "on 12 March 2021"
    assert merged["outcome"] == "gross_misconduct_found"  # the most advanced outcome wins
    assert merged["allegation_status"] == "established"
    assert merged["location"] == "Hackney" and merged["officers"] == ["PC Jo Bloggs"]
    moved = ev[ev["article_id"] == ART3].set_index("incident_id")
    assert moved.loc[A, "evidence_id"] == evidence_id(A, ART3, 0, 50)  # id follows the incident
    assert retired_ids(records) == {B}
    Incidents.validate(inc)
    Evidence.validate(ev)


def test_split_by_articles_creates_deterministic_new_incident(tables):
    corr = _c(id="C0007", action="split", incident_id=A, articles=[ART2])
    inc, ev, records = apply_corrections(*tables, [corr])
    new_id = "inc_" + hashlib.sha256(b"split:C0007").hexdigest()[:12]
    assert split_incident_id("C0007") == new_id == records[0]["new_incident_id"]
    by_id = inc.set_index("incident_id")
    assert by_id.at[new_id, "article_ids"] == [ART2] and by_id.at[new_id, "evidence_count"] == 1
    assert by_id.at[A, "article_ids"] == [ART1] and by_id.at[A, "evidence_count"] == 2
    assert by_id.at[new_id, "categories"] == ["strip_search"]  # fields copied for review
    Incidents.validate(inc)
    Evidence.validate(ev)
    again = apply_corrections(*tables, [corr])
    pd.testing.assert_frame_equal(inc, again[0])  # deterministic


def test_split_by_evidence_ids(tables):
    chosen = evidence_id(A, ART1, 41, 90)
    inc, ev, _ = apply_corrections(
        *tables, [_c(action="split", incident_id=A, evidence_ids=[chosen])]
    )
    new_id = split_incident_id("C0001")
    assert ev[ev["incident_id"] == new_id][["char_start", "char_end"]].values.tolist() == [[41, 90]]
    assert inc.set_index("incident_id").at[A, "evidence_count"] == 2


def test_split_that_would_empty_the_incident_is_not_applicable(tables):
    inc, ev, records = apply_corrections(
        *tables, [_c(action="split", incident_id=B, articles=[ART3])]
    )
    assert records[0]["status"] == "not applicable"
    assert "nothing would remain" in records[0]["detail"]
    pd.testing.assert_frame_equal(inc, tables[0])


def test_merge_then_split_round_trips(tables):
    merge = _c(id="C0001", date="2024-05-01", action="merge", incident_ids=[A, B])
    split = _c(id="C0002", date="2024-05-02", action="split", incident_id=A, articles=[ART3])
    inc, ev, records = apply_corrections(*tables, [split, merge])  # applied in date order
    assert [r["id"] for r in records] == ["C0001", "C0002"]
    assert all(r["status"] == "applied" for r in records)
    new_id = split_incident_id("C0002")
    original = tables[1]
    restored = ev[ev["incident_id"] == new_id][["article_id", "char_start", "char_end"]]
    expected = original[original["incident_id"] == B][["article_id", "char_start", "char_end"]]
    assert restored.values.tolist() == expected.values.tolist()
    kept = ev[ev["incident_id"] == A][["article_id", "char_start", "char_end"]]
    assert (
        kept.values.tolist()
        == original[original["incident_id"] == A][
            ["article_id", "char_start", "char_end"]
        ].values.tolist()
    )
    assert B in retired_ids(records) and new_id != B  # the retired id is never reused
    Incidents.validate(inc)
    Evidence.validate(ev)


def test_correction_for_missing_incident_is_not_applicable(tables):
    gone = "inc_" + "f" * 12
    corrections = [
        _c(id="C0001", action="retract", incident_id=gone),
        _c(id="C0002", action="merge", incident_ids=[A, gone]),
    ]
    inc, ev, records = apply_corrections(*tables, corrections)
    assert [r["status"] for r in records] == ["not applicable"] * 2
    assert gone in records[0]["detail"]
    pd.testing.assert_frame_equal(inc, tables[0])
    pd.testing.assert_frame_equal(ev, tables[1])
    assert retired_ids(records) == set()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {
                "action": "fix_field",
                "incident_id": A,
                "field": "outcome",
                "value": "dismissed",
                "foo": 1,
            },
            "corrections.yaml entry 1 (C0001): unknown field 'foo' for fix_field",
        ),
        ({"action": "retract", "incident_id": A, "reason": "  "}, "'reason' is required"),
        ({"action": "delete", "incident_id": A}, "action must be one of"),
        ({"action": "retract", "incident_id": "inc_XYZ"}, "'incident_id' must look like"),
        (
            {"action": "retract", "incident_id": A, "date": "01/05/2024"},
            "'date' must be an ISO date",
        ),
        (
            {"action": "fix_field", "incident_id": A, "field": "source_count", "value": 3},
            "field 'source_count' cannot be corrected",
        ),
        (
            {"action": "fix_field", "incident_id": A, "field": "categories", "value": ["rudeness"]},
            "unknown category ['rudeness']",
        ),
        (
            {
                "action": "fix_field",
                "incident_id": A,
                "field": "allegation_status",
                "value": "proven",
            },
            "'proven' is not one of",
        ),
        ({"action": "merge", "incident_ids": [A]}, "at least two incidents"),
        ({"action": "merge", "incident_ids": [A, A]}, "repeats an incident"),
        (
            {"action": "split", "incident_id": A, "articles": [ART1], "evidence_ids": []},
            "exactly one of 'evidence_ids' or 'articles'",
        ),
        ({"action": "split", "incident_id": A, "articles": ["art_1"]}, "every 'articles' entry"),
    ],
)
def test_invalid_entries_give_specific_errors(entry, message):
    full = {"id": "C0001", "date": "2024-05-01", "reason": "reviewed"} | entry
    with pytest.raises(CorrectionsError) as err:
        parse_corrections([full])
    assert message in str(err.value)


def test_invalid_file_errors_name_the_entry(tmp_path):
    path = tmp_path / "corrections.yaml"
    path.write_text(
        "- {id: C0001, date: 2024-05-01, reason: ok, action: retract, incident_id: " + A + "}\n"
        "- {id: C0001, date: 2024-05-02, reason: dup, action: retract, incident_id: " + B + "}\n"
        "- {id: C0003, date: 2024-05-03, reason: x, action: fix_field, incident_id: "
        + A
        + ", field: title, value: ok, foo: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(CorrectionsError) as err:
        load_corrections(path)
    assert "corrections.yaml entry 2 (C0001): id C0001 already used by entry 1" in err.value.errors
    assert "corrections.yaml entry 3 (C0003): unknown field 'foo' for fix_field" in err.value.errors
    path.write_text("retract: everything\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match="expected a list of corrections"):
        load_corrections(path)
    path.write_text("- [unclosed\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match="not valid YAML"):
        load_corrections(path)


def test_repository_corrections_file_is_valid():
    corrections = load_corrections(ROOT / "dataset" / "corrections.yaml")
    assert all(isinstance(c.date, dt.date) for c in corrections)
    assert load_corrections(ROOT / "dataset" / "no-such-file.yaml") == []


_names = st.sampled_from(["Jane Doe", "PC A", "Child Q", "Sam Roe"])


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=5),
    subjects=st.lists(_names, max_size=3),
    evidence_per_incident=st.integers(min_value=1, max_value=3),
)
def test_empty_corrections_list_is_identity(n, subjects, evidence_per_incident):
    ids = [f"inc_{i:012x}" for i in range(n)]
    art = [f"art_{i:016x}" for i in range(n)]
    incidents = pd.DataFrame(
        [
            _incident(
                iid, ["other_misconduct"], [a], evidence_per_incident, subjects=list(subjects)
            )
            for iid, a in zip(ids, art, strict=True)
        ]
    )
    evidence = pd.DataFrame(
        [
            _evidence(iid, a, 10 * k, 10 * k + 5)
            for iid, a in zip(ids, art, strict=True)
            for k in range(evidence_per_incident)
        ]
    )
    inc, ev, records = apply_corrections(incidents, evidence, [])
    assert records == []
    pd.testing.assert_frame_equal(inc, incidents)
    pd.testing.assert_frame_equal(ev, evidence)
