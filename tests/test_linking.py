"""Linking mentions into incidents within and across articles."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from flows.extract import extract_articles, link_mentions
from flows.link.keys import EVIDENCE_COLUMNS, INCIDENT_COLUMNS
from schemas.tables import Incidents
from tests.extract_helpers import make_article

A1 = (
    "Family demands answers over death of Kwame Osei\n"
    "Kwame Osei, 24, died after being restrained by Essex Police officers outside a shop in Basildon "
    "in April 2023, an inquest heard.\n"
    "The IOPC said it had served misconduct notices on three officers."
)
A2 = (
    "Three Essex Police officers will face a gross misconduct hearing over the death of Mr Kwame Osei "
    "in Basildon, the watchdog said.\n"
    "Mr Osei's family said they were relieved."
)
STATION_1 = "Officers at Brixton police station strip-searched 15-year-old Leah Morgan without an appropriate adult present."
STATION_2 = "A custody sergeant at Brixton police station was sacked after he punched detainee Omar Haddad in 2019."
LIST = (
    "Campaigners cited the shooting of Dalian Price by a Met officer, the death of Rhys Carter in "
    "Met custody, and the strip search of Child R by Met officers."
)


@pytest.fixture(scope="module")
def linked(nlp):
    articles = [
        make_article(t, f"{i}.txt") for i, t in enumerate((A1, A2, STATION_1, STATION_2, LIST))
    ]
    extractions = extract_articles(articles, nlp)
    return articles, extractions, *link_mentions(extractions)


def _rows_with(incidents, name):
    return incidents[incidents["subjects"].map(lambda s: any(name in x for x in s))]


def test_same_incident_across_two_articles(linked):
    articles, _, incidents, evidence = linked
    osei = _rows_with(incidents, "Kwame Osei")
    assert len(osei) == 1
    row = osei.iloc[0]
    assert sorted(row["article_ids"]) == sorted([articles[0].article_id, articles[1].article_id])
    assert row["source_count"] == 2
    assert row["police_forces"] == ["Essex Police"]
    assert row["date_text"] == "in April 2023"
    assert (
        len(evidence[evidence["incident_key"] == row["incident_key"]]) == row["evidence_count"] >= 3
    )


def test_different_incidents_at_the_same_station_stay_separate(linked):
    _, _, incidents, _ = linked
    leah, omar = _rows_with(incidents, "Leah Morgan"), _rows_with(incidents, "Omar Haddad")
    assert len(leah) == len(omar) == 1
    assert leah.iloc[0]["incident_key"] != omar.iloc[0]["incident_key"]
    assert leah.iloc[0]["location"] == omar.iloc[0]["location"] == "Brixton police station"
    assert "strip_search" in leah.iloc[0]["categories"]
    assert omar.iloc[0]["outcome"] == "dismissed"


def test_list_sentence_gives_several_incidents(linked):
    articles, _, incidents, evidence = linked
    listed = evidence[evidence["article_id"] == articles[4].article_id]
    assert listed["incident_key"].nunique() == 3
    assert listed["quote"].nunique() == 1
    for name in ("Dalian Price", "Rhys Carter", "Child R"):
        assert len(_rows_with(incidents, name)) == 1


def test_frames_match_the_architecture(linked):
    _, _, incidents, evidence = linked
    assert list(incidents.columns) == INCIDENT_COLUMNS
    assert list(evidence.columns) == EVIDENCE_COLUMNS
    expected = [c for c in Incidents.to_schema().columns if c not in ("incident_id", "title")]
    assert ["incident_key", *expected] == INCIDENT_COLUMNS
    assert incidents["incident_key"].is_unique
    assert set(evidence["incident_key"]) == set(incidents["incident_key"])
    assert str(incidents["date_start"].dtype).startswith("datetime64")
    assert (incidents["source_count"] == incidents["article_ids"].map(len)).all()


def test_linking_is_deterministic_in_any_order(linked):
    _, extractions, incidents, evidence = linked
    shuffled = list(extractions)
    random.Random(7).shuffle(shuffled)
    inc2, ev2 = link_mentions(shuffled)
    pd.testing.assert_frame_equal(incidents, inc2)
    pd.testing.assert_frame_equal(evidence, ev2)


def test_no_mentions_gives_empty_frames():
    incidents, evidence = link_mentions([])
    assert incidents.empty and evidence.empty
    assert list(incidents.columns) == INCIDENT_COLUMNS


def test_incident_frame_validates_against_the_published_schema(linked):
    _, _, incidents, _ = linked
    table = incidents.drop(columns=["incident_key"])
    table.insert(0, "incident_id", [f"inc_{i:012x}" for i in range(len(table))])
    table.insert(1, "title", "placeholder title")
    Incidents.validate(table, lazy=True)
