"""Evaluation harness: gold files well-formed, matching and scoring on synthetic outputs, real floors."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from flows.evaluation.gold import GoldError, Incident, load_gold, locate
from flows.evaluation.run import check_floors, render_markdown
from flows.evaluation.score import match, same_person, score, summary, system_incidents
from flows.ingest import read_file

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
RAW = ROOT / "raw"


@pytest.fixture(scope="module")
def ingested():
    return {p.name: read_file(p, RAW)[0] for p in sorted(RAW.glob("*.txt"))}


@pytest.fixture(scope="module")
def gold(ingested):
    return load_gold(GOLD, {name: a.text for name, a in ingested.items()})


def perfect(gold_incidents) -> list[Incident]:
    """A system output identical to the gold (optional incidents included)."""
    return [
        Incident(f"sys:{g.key}", spans=copy.deepcopy(g.spans), fields=copy.deepcopy(g.fields))
        for g in gold_incidents.values()
    ]


def gold_refs(articles):
    return {name: a.reference_date for name, a in articles.items()}


# ---------------------------------------------------------------- gold files


def test_every_sample_article_has_a_gold_file(gold, ingested):
    articles, incidents = gold
    assert set(articles) == set(ingested)
    assert len(incidents) >= 25
    per_article = {name: 0 for name in articles}
    for g in incidents.values():
        for name in g.articles:
            per_article[name] += 1
    assert all(n >= 3 for n in per_article.values()), per_article


def test_gold_evidence_is_verbatim_and_outside_boilerplate(gold, ingested):
    _, incidents = gold
    for g in incidents.values():
        for name, spans in g.spans.items():
            article = ingested[name]
            for start, end in spans:
                quote = article.text[start:end]
                assert quote.strip() and quote == quote.strip(), (g.key, quote)
                inside = [b for b in article.boilerplate if b[0] < end and start < b[1]]
                assert not inside, f"{g.key}: gold evidence {quote[:50]!r} marked as boilerplate"


def test_shared_gold_ids_merge_across_articles(gold):
    _, incidents = gold
    everard = incidents["sarah_everard_murder"]
    assert len(everard.articles) >= 3
    assert everard.fields["date"] == (dt.date(2021, 3, 1), dt.date(2021, 3, 31), "month")
    assert "Wayne Couzens" in everard.fields["officers"]
    hotton = incidents["charing_cross_messages_operation_hotton"]
    assert hotton.articles == {
        "000_3a6a4115694bcdfb.txt",
        "001_3ca771552f29339b.txt",
        "003_236086816305dda7.txt",
    }
    # the outcome with the highest rank wins: the report's findings over the dismissals
    assert hotton.fields["outcome"] == "inquiry_conclusion"
    assert hotton.fields["allegation_status"] == "established"
    # a different event at the same station is a different incident
    assert "charing_cross_panorama_undercover" in incidents


def _write_gold(tmp_path: Path, incident: dict) -> Path:
    text = "Officers at the station shared racist messages. The force apologised.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    base = {
        "gold_id": "x",
        "evidence": ["Officers at the station shared racist messages."],
        "categories": ["discriminatory_conduct"],
        "date_precision": "unknown",
        "allegation_status": "established",
    }
    base.update(incident)
    doc = {"article": "a.txt", "reference_date": None, "incidents": [base]}
    (tmp_path / "a.yaml").write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"evidence": ["Officers shared messages."]}, "not found"),
        ({"categories": ["racism"]}, "not in the vocabulary"),
        ({"outcome": "sacked"}, "not in the vocabulary"),
        ({"allegation_status": "proven"}, "allegation_status"),
        (
            {"date_start": "2021-03-01", "date_end": "2021-03-30", "date_precision": "month"},
            "disagrees",
        ),
        ({"gold_id": "Bad Id"}, "bad gold_id"),
    ],
)
def test_malformed_gold_is_rejected_with_a_reason(tmp_path, change, message):
    folder = _write_gold(tmp_path, change)
    texts = {"a.txt": (folder / "a.txt").read_text(encoding="utf-8")}
    with pytest.raises(GoldError, match=message):
        load_gold(folder, texts)


def test_valid_synthetic_gold_loads(tmp_path):
    folder = _write_gold(tmp_path, {"outcome": "apology"})
    texts = {"a.txt": (folder / "a.txt").read_text(encoding="utf-8")}
    _, incidents = load_gold(folder, texts)
    assert incidents["x"].spans == {"a.txt": [(0, 47)]}


def test_locate_accepts_plain_spaces_for_non_breaking_ones():
    assert locate("strip search of\u00a0Child\u00a0Q today", "of Child Q") == (13, 23)
    with pytest.raises(ValueError, match="not found"):
        locate("nothing here", "Child Q")


# ---------------------------------------------------------------- scoring synthetic outputs


def test_perfect_output_scores_one(gold):
    articles, incidents = gold
    scores = score(articles, incidents, perfect(incidents), gold_refs(articles))
    head = summary(scores)
    assert all(v == 1.0 for v in head.values()), head
    assert scores["linking"]["wrong_merges"] == 0
    assert scores["commentator_as_person_errors"] == 0
    assert scores["incidents"]["false_positives"] == 0


def test_missing_one_incident_loses_recall_only(gold):
    articles, incidents = gold
    system = [s for s in perfect(incidents) if s.key != "sys:jermaine_baker_shooting"]
    scores = score(articles, incidents, system, gold_refs(articles))
    inc = scores["incidents"]
    assert inc["missed"] == ["jermaine_baker_shooting"]
    assert inc["recall"] == round((inc["gold"] - 1) / inc["gold"], 4)
    assert inc["precision"] == 1.0
    assert scores["evidence"]["recall"] < 1.0


def test_extra_incident_and_split_duplicate_lose_precision(gold, ingested):
    articles, incidents = gold
    system = perfect(incidents)
    text = ingested["001_3ca771552f29339b.txt"].text
    commentary = locate(text, "The police can’t keep us or our communities safe.")
    system.append(Incident("sys:extra", spans={"001_3ca771552f29339b.txt": [commentary]}))
    system.append(
        Incident(
            "sys:dup",
            spans={
                "000_3a6a4115694bcdfb.txt": incidents["viral_clip_black_girl_knelt_on"].spans[
                    "000_3a6a4115694bcdfb.txt"
                ][:1]
            },
        )
    )
    for s in system[-2:]:
        s.fields = copy.deepcopy(system[0].fields)
    scores = score(articles, incidents, system, gold_refs(articles))
    assert scores["incidents"]["false_positives"] == 2
    assert scores["incidents"]["split_duplicates"] == 1
    assert scores["incidents"]["recall"] == 1.0
    assert scores["incidents"]["precision"] < 1.0
    assert scores["evidence"]["precision"] < 1.0


def test_wrong_merge_is_counted(gold):
    articles, incidents = gold
    system = perfect(incidents)
    by_key = {s.key: s for s in system}
    selfies, response = (
        by_key["sys:henry_smallman_selfies"],
        by_key["sys:henry_smallman_missing_response"],
    )
    for art, spans in selfies.spans.items():
        response.spans.setdefault(art, []).extend(spans)
    system.remove(selfies)
    scores = score(articles, incidents, system, gold_refs(articles))
    assert scores["linking"]["wrong_merges"] == 1
    assert scores["linking"]["merged_groups"] == [
        ["henry_smallman_missing_response", "henry_smallman_selfies"]
    ]
    assert "henry_smallman_selfies" in scores["incidents"]["missed"]


def test_unlinked_multi_article_incident_is_reported(gold):
    articles, incidents = gold
    system = [s for s in perfect(incidents) if s.key != "sys:sarah_everard_murder"]
    for art in sorted(incidents["sarah_everard_murder"].articles):
        spans = incidents["sarah_everard_murder"].spans[art]
        system.append(
            Incident(
                f"sys:everard:{art}",
                spans={art: list(spans)},
                fields=copy.deepcopy(incidents["sarah_everard_murder"].fields),
            )
        )
    scores = score(articles, incidents, system, gold_refs(articles))
    link = scores["linking"]
    assert "sarah_everard_murder" in link["not_linked"]
    assert link["linked_share"] < 1.0
    assert scores["incidents"]["recall"] == 1.0  # still found, just not linked


def test_wrong_date_is_wrong_and_missing_date_is_empty(gold):
    articles, incidents = gold
    system = perfect(incidents)
    by_key = {s.key: s for s in system}
    # the report's release date is not the incident's date
    by_key["sys:charing_cross_messages_operation_hotton"].fields["date"] = (
        dt.date(2022, 2, 1),
        dt.date(2022, 2, 1),
        "day",
    )
    by_key["sys:henry_smallman_missing_response"].fields["date"] = (None, None, "unknown")
    fields = score(articles, incidents, system, gold_refs(articles))["fields"]
    assert fields["date_counts"]["wrong"] == 1
    assert fields["date_counts"]["empty"] == 1
    assert fields["date_exact"] == round((fields["matched"] - 2) / fields["matched"], 4)


def test_people_fields_and_commentator_errors(gold):
    articles, incidents = gold
    system = perfect(incidents)
    by_key = {s.key: s for s in system}
    by_key["sys:sarah_everard_murder"].fields["officers"] = ["PC Couzens"]  # same person
    by_key["sys:charing_cross_panorama_undercover"].fields["officers"] = ["Mark Rowley"]
    scores = score(articles, incidents, system, gold_refs(articles))
    assert scores["commentator_as_person_errors"] == 1
    assert scores["fields"]["officers_f1"] < 1.0
    assert same_person("Wayne Couzens", "PC Couzens")
    assert same_person("Child\u00a0Q", "child q")
    assert not same_person("Bibaa Henry", "Nicole Smallman")


def test_reference_dates_guess_is_wrong_and_empty_is_right_when_text_has_none(gold):
    articles, incidents = gold
    refs = gold_refs(articles)
    refs["002_a50e30955eb4a1ca.txt"] = dt.date(2022, 1, 1)  # text gives no date: a guess
    refs["000_3a6a4115694bcdfb.txt"] = None
    ref = score(articles, incidents, perfect(incidents), refs)["reference_date"]
    assert ref["counts"] == {"correct": 3, "wrong": 1, "empty": 1}


def test_system_frames_as_link_mentions_returns_them(gold, ingested):
    articles, incidents = gold
    art = ingested["001_3ca771552f29339b.txt"]
    start, end = incidents["jermaine_baker_shooting"].spans[art.source_path][0]
    inc = pd.DataFrame(
        [
            {
                "incident_key": f"{art.article_id}:{start}",
                "categories": ["death_following_police_contact"],
                "date_start": pd.NaT,
                "date_end": pd.NaT,
                "date_precision": "unknown",
                "police_forces": ["Metropolitan Police Service"],
                "location": None,
                "subjects": ["Jermaine Baker"],
                "officers": [],
                "outcome": "inquiry_conclusion",
                "allegation_status": "established",
            }
        ]
    )
    ev = pd.DataFrame(
        [
            {
                "incident_key": f"{art.article_id}:{start}",
                "article_id": art.article_id,
                "char_start": start,
                "char_end": end,
                "quote": art.text[start:end],
                "rule_id": "x.v1",
            }
        ]
    )
    system = system_incidents(inc, ev, {art.article_id: art.source_path})
    assert match(system, incidents) == {f"{art.article_id}:{start}": "jermaine_baker_shooting"}
    fields = score(articles, incidents, system, {})["fields"]
    assert fields["matched"] == 1 and fields["subjects_f1"] == 1.0 and fields["date_exact"] == 1.0


def test_floors_and_markdown(gold):
    articles, incidents = gold
    scores = score(articles, incidents, perfect(incidents)[:5], gold_refs(articles))
    scores["summary"] = summary(scores)
    assert check_floors(scores, {"incident_precision": 0.9}) == []
    below = check_floors(scores, {"incident_recall": 0.5, "nonsense": 0.1})
    assert len(below) == 2 and "below the floor" in below[0] and "no such score" in below[1]
    md = render_markdown(scores, "2024-01-01")
    assert "pmd evaluate" in md and "2024-01-01" in md and "| Incidents |" in md


# ---------------------------------------------------------------- the real extraction


def _extraction_available() -> str | None:
    try:
        from flows.extract import extract_articles, link_mentions, load_nlp  # noqa: F401
    except ImportError as exc:
        return f"extraction modules do not import yet: {exc}"
    return None


@pytest.mark.slow
def test_real_extraction_meets_the_floors(request):
    reason = _extraction_available()
    if reason:
        pytest.skip(reason)
    from flows.evaluation.run import evaluate

    nlp = request.getfixturevalue("nlp")

    scores = evaluate(GOLD, RAW, nlp=nlp)
    floors = json.loads((GOLD / "floors.json").read_text(encoding="utf-8"))
    assert check_floors(scores, floors) == [], scores["summary"]
