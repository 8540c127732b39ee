"""The devdata gold annotations: offsets and hashes only, each one valid against the real text."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.evaluation.devgold import LABELS, cohen_kappa, load_devgold, split_of
from schemas.vocab import ALLEGATION_STATUSES, CATEGORIES, DATE_PRECISIONS

GOLD = Path(__file__).parent / "gold" / "devdata"


def test_gold_files_hold_no_devdata_text(devdata):
    """Only ids, hashes, offsets, codes and canonical names: no sentence of the text itself."""
    docs = load_devgold(GOLD, devdata, "incidents")
    raw = "\n".join(p.read_text(encoding="utf-8") for p in GOLD.glob("*.jsonl"))
    for doc in docs[:80]:
        for inc in doc.incidents:
            for span in inc["evidence"]:
                assert doc.quote(span) not in raw


@pytest.mark.parametrize("annotator", ["p1", "p2"])
def test_incident_gold_is_valid_against_the_text(devdata, annotator):
    docs = load_devgold(GOLD, devdata, "incidents", annotator)
    assert len(docs) >= (250 if annotator == "p1" else 50)
    for doc in docs:
        for inc in doc.incidents:
            assert inc["evidence"], (doc.doc_id, inc["gold_id"])
            for s, e in inc["evidence"]:
                assert 0 <= s < e <= len(doc.text)
            assert set(inc["categories"]) <= set(CATEGORIES), inc["categories"]
            assert inc["date_precision"] in DATE_PRECISIONS
            assert inc["allegation_status"] in ALLEGATION_STATUSES
            assert {p["role"] for p in inc["people"]} <= {
                "subject",
                "officer",
                "commentator",
                "other",
            }


def test_article_labels_cover_every_daily_mail_article_and_agree(devdata):
    first = load_devgold(GOLD, devdata, "labels", "p1")
    second = {d.doc_id: d.label for d in load_devgold(GOLD, devdata, "labels", "p2")}
    assert len(first) == 400 and {d.label for d in first} <= set(LABELS)
    assert len(second) >= 80
    pairs = [(d.label, second[d.doc_id]) for d in first if d.doc_id in second]
    assert cohen_kappa([a for a, _ in pairs], [b for _, b in pairs]) >= 0.8


def test_splits_are_stable_and_by_document():
    assert split_of("dm-anything") == split_of("dm-anything")
    shares = [split_of(f"doc-{i}") for i in range(2000)]
    assert 0.55 < shares.count("train") / 2000 < 0.65
    assert 0.15 < shares.count("test") / 2000 < 0.25


def test_kappa_is_one_for_identical_and_low_for_unrelated_labels():
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == 1.0
    assert cohen_kappa(["a", "b"] * 10, ["a"] * 10 + ["b"] * 10) < 0.2
