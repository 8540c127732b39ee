"""The linking review queue (issue 15.4): pairs alike but not linked, published for a reviewer.

Fixture articles are written for these tests; they go through the real extraction, linking,
stable ids, the published table writer and the release page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from flows.curate.review import key_to_id, review_table
from flows.curate.stable_ids import assign_incident_ids
from flows.extract import extract_articles
from flows.link.keys import link_mentions_review
from flows.publish.release import write_auxiliary_table
from flows.site.page import render_page
from schemas.tables import REVIEW_REASONS, LinkReview
from tests.extract_helpers import make_article
from tests.test_site_data import sample_context, sample_tables

SPRING = (
    "Officers shot and killed Marcus Delaney, 34, outside a grocery store in Duluth, Minnesota, "
    "police said."
)
AUTUMN = (
    "Officers fired at Delaney after he ran at them with a knife outside a bar in Duluth, "
    "Minnesota, on Sunday night. Delaney died at the scene, police said."
)


@pytest.fixture(scope="module")
def queued(nlp):
    arts = [
        make_article(
            SPRING, "spring.txt", published_date=dt.date(2023, 5, 8), date_source="metadata"
        ),
        make_article(
            AUTUMN, "autumn.txt", published_date=dt.date(2023, 10, 2), date_source="metadata"
        ),
    ]
    extractions = extract_articles(arts, nlp)
    incidents_k, evidence_k, review_k = link_mentions_review(extractions)
    incidents, evidence = assign_incident_ids(incidents_k, evidence_k, None, set())
    review = review_table(
        review_k, key_to_id(evidence_k, evidence), incidents, evidence, "2023-10-03"
    )
    return arts, incidents, evidence, review


def test_a_surname_months_apart_is_a_question_not_a_link(queued):
    arts, incidents, evidence, review = queued
    assert len(incidents) == 2  # not linked: five months apart, only a surname in common
    assert len(review) == 1
    row = review.iloc[0]
    assert row["reason"] == "surname_only_far_apart"
    assert 0 < row["agreement"] < 1
    spring = evidence.loc[evidence["article_id"] == arts[0].article_id, "incident_id"].iloc[0]
    assert row["incident_id"] == spring  # the older incident: the id a merge keeps
    assert "Delaney" in row["quote"] and "Delaney" in row["other_quote"]
    LinkReview.validate(review)


def test_the_merge_line_is_a_valid_correction(queued):
    _, _, _, review = queued
    entry = yaml.safe_load(review.iloc[0]["merge_correction"])
    assert entry["action"] == "merge"
    assert entry["incident_ids"] == [
        review.iloc[0]["incident_id"],
        review.iloc[0]["other_incident_id"],
    ]
    assert str(entry["date"]) == "2023-10-03"


def test_pairs_a_correction_merged_leave_the_queue(queued):
    _, incidents, evidence, review = queued
    keep, other = review.iloc[0]["incident_id"], review.iloc[0]["other_incident_id"]
    merged = evidence.assign(incident_id=evidence["incident_id"].replace({other: keep}))
    review_k = pd.DataFrame(
        [
            {
                "incident_key": "a",
                "other_incident_key": "b",
                "agreement": 0.5,
                "reason": REVIEW_REASONS[0],
            }
        ]
    )
    left = review_table(
        review_k,
        {"a": keep, "b": other},
        incidents[incidents["incident_id"] == keep],
        merged,
        "2023-10-03",
    )
    assert left.empty and list(left.columns) == list(review.columns)


def test_the_queue_is_written_beside_the_tables_and_shown_on_the_page(queued, tmp_path):
    _, _, _, review = queued
    written = write_auxiliary_table(tmp_path, "link_review", review)
    assert written == ["link_review.parquet", "link_review.csv"]
    back = pq.read_table(tmp_path / "link_review.parquet").to_pandas()
    assert back["merge_correction"].tolist() == review["merge_correction"].tolist()
    assert "merge_correction" in (tmp_path / "link_review.csv").read_text(encoding="utf-8")
    tables, _ = sample_tables()
    html = render_page(tmp_path, tables, {**sample_context(), "link_review": review}, [])
    assert "Linking review queue" in html and review.iloc[0]["incident_id"] in html
    assert "Linking review queue" not in render_page(tmp_path, tables, sample_context(), [])


def test_a_changed_or_missing_queue_makes_a_patch_release(queued, tmp_path):
    from types import SimpleNamespace

    from flows.publish.diff import Changes
    from flows.publish.release import review_differs
    from flows.publish.version import next_version

    _, _, _, review = queued
    assert review_differs(tmp_path, review)  # a release from before the queue existed
    write_auxiliary_table(tmp_path, "link_review", review)
    assert not review_differs(tmp_path, review)
    assert review_differs(tmp_path, review.iloc[0:0])
    assert review_differs(tmp_path, review.assign(agreement=0.1))
    previous = SimpleNamespace(version="2.1.0", fingerprint="f")
    assert next_version(previous, "f", Changes()) is None
    assert next_version(previous, "f", Changes(link_review_changed=True)) == "2.1.1"
