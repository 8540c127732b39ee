"""The field measures of issue 14 on the development data (skipped without ../shared/devdata)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.evaluation.fields import _month_of, _surname

ROOT = Path(__file__).resolve().parents[1]
DEVDATA = ROOT.parent / "shared" / "devdata"
FLOORS = ROOT / "tests" / "gold" / "field_floors.json"


def test_helpers():
    assert _surname("William Howard Green Jr.") == "green"
    assert _month_of("April 2021") == (2021, 4)
    assert _month_of(None) is None


@pytest.mark.skipif(not DEVDATA.exists(), reason="../shared/devdata is not on this machine")
def test_field_measures_hold_their_floors_on_the_test_split(nlp):
    from flows.evaluation.fields import evaluate_fields
    from flows.extract import extract_articles

    scores = evaluate_fields(
        DEVDATA, ROOT / "tests/gold/devdata", "test", lambda arts: extract_articles(arts, nlp)
    )
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    low = []
    for path, floor in floors.items():
        if path.startswith("_"):
            continue
        value = scores
        for part in path.split("."):
            value = value[part]
        if value is None or (value > floor if path.endswith("per_document") else value < floor):
            low.append(f"{path}: {value} (floor {floor})")
    assert not low, low
