"""Assembling published tables: duplicates, article statuses, counts, titles."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flows.core.model import Article, ArticleExtraction
from flows.curate.assemble import articles_frame, dedupe_articles, finish_tables
from flows.curate.titles import incident_title


def _article(path: str, aid: str, **kw) -> Article:
    return Article(
        article_id=aid, source_path=path, format="txt", text_sha256="0" * 64, word_count=10, **kw
    )


def test_second_copy_of_a_text_is_a_duplicate_of_the_first_in_path_order():
    a = _article("b/later.txt", "art_00000000000000aa")
    b = _article("a/first.txt", "art_00000000000000aa")
    q = _article(
        "c/bad.bin", "art_00000000000000bb", status="quarantined", status_reason="binary content"
    )
    out = {x.source_path: x for x in dedupe_articles([a, b, q])}
    assert out["a/first.txt"].status is None
    assert out["b/later.txt"].status == "duplicate"
    assert out["b/later.txt"].duplicate_of == "art_00000000000000aa"
    assert out["b/later.txt"].article_id != "art_00000000000000aa"
    assert out["c/bad.bin"].status == "quarantined"


def test_a_published_original_stays_the_original_when_an_earlier_sorting_copy_arrives():
    """A copy collected later must not take the content id from the file an earlier release
    published with it (the scheduled soak met this: the original became a 'duplicate')."""
    published = _article("northern-courier/story.html", "art_00000000000000aa")
    copy = _article("capital-gazette/story.html", "art_00000000000000aa")
    kept = {"art_00000000000000aa": "northern-courier/story.html"}
    out = {x.source_path: x for x in dedupe_articles([published, copy], kept)}
    assert out["northern-courier/story.html"].status is None
    assert out["northern-courier/story.html"].article_id == "art_00000000000000aa"
    assert out["capital-gazette/story.html"].status == "duplicate"
    assert out["capital-gazette/story.html"].duplicate_of == "art_00000000000000aa"
    # the published original gone: the first copy in path order takes over, as before
    again = dedupe_articles([_article("capital-gazette/story.html", "art_00000000000000aa")], kept)
    assert again[0].status is None


def test_article_status_follows_final_evidence_and_inferred_dates():
    arts = [_article("x.txt", "art_0000000000000001"), _article("y.txt", "art_0000000000000002")]
    ev = pd.DataFrame({"incident_id": ["inc_000000000001"], "article_id": ["art_0000000000000001"]})
    ext = {
        "art_0000000000000002": ArticleExtraction(
            "art_0000000000000002",
            reference_date=dt.date(2022, 2, 3),
            date_source="inferred",
            date_inference="latest year in text",
            status_reason="police mentioned but no misconduct incident",
        )
    }
    df = articles_frame(arts, ext, ev).set_index("source_path")
    assert df.loc["x.txt", "status"] == "incidents_found"
    assert df.loc["x.txt", "incident_count"] == 1
    assert df.loc["y.txt", "status"] == "no_incident"
    assert df.loc["y.txt", "status_reason"] == "police mentioned but no misconduct incident"
    assert df.loc["y.txt", "date_source"] == "inferred"
    assert df.loc["y.txt", "published_date"] == pd.Timestamp("2022-02-03")


def test_finish_tables_recomputes_counts_and_drops_incidents_without_evidence():
    inc = pd.DataFrame(
        [
            {
                "incident_id": iid,
                "categories": ["strip_search"],
                "date_start": pd.NaT,
                "date_end": pd.NaT,
                "date_precision": "unknown",
                "date_text": None,
                "first_reported": pd.NaT,
                "police_forces": ["Police Scotland"],
                "location": None,
                "country": None,
                "region": None,
                "subjects": [],
                "officers": [],
                "outcome": None,
                "outcome_text": None,
                "allegation_status": "alleged",
                "source_count": 9,
                "article_ids": [],
                "evidence_count": 9,
            }
            for iid in ("inc_000000000001", "inc_000000000002")
        ]
    )
    ev = pd.DataFrame(
        {
            "incident_id": ["inc_000000000001"] * 2,
            "article_id": ["art_0000000000000001", "art_0000000000000002"],
            "char_start": [0, 5],
            "char_end": [4, 9],
            "quote": ["abcd", "efgh"],
            "rule_id": ["r", "r"],
        }
    )
    inc2, ev2 = finish_tables(inc, ev)
    assert list(inc2["incident_id"]) == ["inc_000000000001"]
    assert inc2.loc[0, "source_count"] == 2 and inc2.loc[0, "evidence_count"] == 2
    assert ev2["evidence_id"].str.match(r"^ev_[0-9a-f]{16}$").all()
    assert not ev2["is_redacted"].any()
    assert inc2.loc[0, "title"] == "Strip search (Police Scotland)"


def test_titles_name_category_subjects_force_and_date():
    row = {
        "categories": ["investigative_failure", "death_following_police_contact"],
        "subjects": ["Jane Roe"],
        "police_forces": ["West Midlands Police"],
        "date_start": pd.Timestamp("2021-03-01"),
        "date_precision": "month",
    }
    assert (
        incident_title(row)
        == "Death following police contact involving Jane Roe (West Midlands Police, March 2021)"
    )
