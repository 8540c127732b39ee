"""Per-kind scores on the development data's test split: reporting, agreement, floors in CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.evaluation.report import (
    MEASURES,
    agreement,
    check_floors,
    floors_for,
    render_markdown,
    rows,
)

GOLD = Path(__file__).parent / "gold"


def _block(**scores) -> dict:
    measures = {k: {"score": 0.5, "documents": 10} for k in MEASURES}
    for k, v in scores.items():
        measures[k]["score"] = v
    return {"split": "test", "measures": measures, "agreement": {"label_kappa": 0.9}}


def test_floors_are_three_points_worse_than_the_scores_on_the_right_side():
    block = _block(iopc_share=0.9, bbc_share=0.0)
    floors = floors_for(block)
    assert floors["min"]["iopc_share"] == 0.87
    assert floors["max"]["bbc_share"] == 0.03
    assert "bbc_share" not in floors["min"] and "iopc_share" not in floors["max"]
    assert check_floors(block, floors) == []
    worse = _block(iopc_share=0.8, bbc_share=0.05)
    msgs = check_floors(worse, floors)
    assert any("iopc_share" in m and "below the floor" in m for m in msgs)
    assert any("bbc_share" in m and "above the ceiling" in m for m in msgs)
    assert "no such score" in check_floors(block, {"min": {"nonsense": 0.1}})[0]


def test_markdown_has_one_row_per_kind_with_target_and_agreement():
    block = _block()
    md = render_markdown(block, "2026-12-01")
    for kind, measure, *_ in rows(block):
        assert f"| {kind} | {measure} |" in md
    assert "Cohen's kappa" in md and "2026-12-01" in md and "test" in md


def test_card_states_the_per_kind_table(tmp_path):
    from flows.site.evaluation import load_evaluation

    path = tmp_path / "evaluation.json"
    path.write_text(
        json.dumps(
            {
                "measured_on": "2026-12-01",
                "summary": {"incident_recall": 0.8, "incident_precision": 0.9},
                "devdata": {**_block(iopc_share=0.93), "measured_on": "2026-12-01"},
            }
        ),
        encoding="utf-8",
    )
    ev = load_evaluation(path)
    assert ev is not None and ev["split"] == "test"
    iopc = next(r for r in ev["kinds"] if r[0].startswith("IOPC"))
    assert iopc[2] == "0.93" and iopc[3] == "≥ 0.95"
    assert "incident recall 0.8" in ev["samples"]


def test_committed_floors_cover_every_measure():
    floors = json.loads((GOLD / "floors.json").read_text(encoding="utf-8"))["devdata"]
    assert floors["split"] == "test"
    assert set(floors["min"]) | set(floors["max"]) == set(MEASURES)


def test_annotators_agree_on_labels_and_evidence(devdata):
    ag = agreement(GOLD / "devdata", devdata)
    assert ag["label_documents"] >= 80 and ag["label_kappa"] >= 0.8
    assert ag["incident_documents"] >= 50
    assert 0.0 <= ag["evidence_f1"] <= 1.0 and 0.0 <= ag["incident_f1"] <= 1.0


@pytest.mark.slow
def test_devdata_test_split_meets_the_floors(devdata, nlp):
    """CI gate: every per-kind score on the test split stays within 0.03 of when it was set."""
    from flows.evaluation.report import devdata_block
    from flows.extract import extract_articles

    block = devdata_block(
        devdata, GOLD / "devdata", "test", lambda arts: extract_articles(arts, nlp)
    )
    floors = json.loads((GOLD / "floors.json").read_text(encoding="utf-8"))["devdata"]
    assert check_floors(block, floors) == [], {k: v["score"] for k, v in block["measures"].items()}
