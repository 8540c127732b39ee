"""Recall and field accuracy on the labelled real devdata (IOPC, MPV, 2020PB), measured at run time.

Floors are what the extraction reached minus a margin; each test skips when devdata is absent."""

from __future__ import annotations

import json
import re

import pytest
from extract_helpers import make_article

from flows.extract import extract_articles, link_mentions

SAMPLE = 300  # documents per file: keeps the suite fast


def _rows(devdata, name):
    path = devdata / name
    if not path.exists():
        pytest.skip(f"{name} absent from devdata")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:SAMPLE]


@pytest.fixture(scope="module")
def iopc(nlp, devdata):
    rows = _rows(devdata, "iopc_recommendations_dev.jsonl")
    return rows, extract_articles([make_article(r["text"], r["id"]) for r in rows], nlp)


def test_iopc_case_summaries_yield_an_incident(iopc):
    """Every IOPC summary describes an investigated incident involving police."""
    rows, extractions = iopc
    found = sum(1 for e in extractions if e.mentions)
    assert found >= 0.81 * len(rows), found  # measured 0.85 (0.64 before oversight wording)


_CLEARED = re.compile(r"\bno case to answer\b|\bno indication\b", re.IGNORECASE)
_FOUND = re.compile(
    r"(?<!no )\bcase to answer\b|\bproven\b|\bwritten warning|\bdismissed\b|\bmanagement action\b",
    re.IGNORECASE,
)


def test_iopc_cleared_cases_are_alleged_not_established(iopc):
    """A summary that only concludes 'no case to answer' / 'no indication' of misconduct is an
    allegation investigated and not established: never 'established'."""
    rows, extractions = iopc
    cleared = established = with_outcome = 0
    for row, ext in zip(rows, extractions, strict=True):
        text = row["text"]
        if not ext.mentions or not _CLEARED.search(text):
            continue
        if _FOUND.search(_CLEARED.sub("", text)):
            continue  # some officers cleared, others not: mixed
        cleared += 1
        incidents = link_mentions([ext])[0]
        established += "established" in set(incidents["allegation_status"])
        with_outcome += "no_case_to_answer" in set(incidents["outcome"].dropna())
    assert cleared >= 50
    assert established <= 0.15 * cleared, (established, cleared)  # measured 0.09
    assert with_outcome >= 0.35 * cleared, (with_outcome, cleared)  # measured 0.45


def test_iopc_outcome_sentences_join_the_incident(iopc):
    """The decision sentence (often a later paragraph) is evidence of the summary's one incident."""
    _, extractions = iopc
    found = [e for e in extractions if e.mentions]
    joined = 0
    for ext in found:
        incidents, evidence = link_mentions([ext])
        outcome_rows = evidence[evidence["rule_id"].str.startswith("outcome_rules")]
        joined += len(outcome_rows) > 0 and len(incidents) == 1
    assert joined >= 0.2 * len(found), (joined, len(found))  # measured 0.24


@pytest.fixture(scope="module")
def mpv(nlp, devdata):
    rows = _rows(devdata, "mpv_dev.jsonl")
    return rows, extract_articles([make_article(r["text"], r["id"]) for r in rows], nlp)


def test_mpv_killings_by_police_yield_an_incident(mpv):
    rows, extractions = mpv
    found = sum(1 for e in extractions if e.mentions)
    assert found >= 0.7 * len(rows), (
        found
    )  # measured 0.72 (0.66 before passive killings after an encounter)


def test_mpv_victim_named_in_a_neighbouring_sentence_is_the_subject(mpv):
    """The victim is often named before the sentence that reports the killing ('... they shot him')."""
    rows, extractions = mpv
    found = hit = 0
    for row, ext in zip(rows, extractions, strict=True):
        if not ext.mentions or not row.get("victim_names"):
            continue
        found += 1
        subjects = [s.lower() for m in ext.mentions for s in m.subjects]
        surnames = [v.split()[-1].lower() for v in row["victim_names"]]
        hit += any(v in s for v in surnames for s in subjects)
    assert hit >= 0.33 * found, (hit, found)  # measured 0.37 of found on this sample


def test_mpv_dates_are_never_wrong(mpv):
    """The summaries carry no year: an incident date is either empty or the labelled day."""
    rows, extractions = mpv
    wrong = 0
    for row, ext in zip(rows, extractions, strict=True):
        for m in ext.mentions:
            if m.date_start and row.get("date") and m.date_precision == "day":
                wrong += m.date_start.isoformat() != row["date"]
    assert wrong <= 2


def test_protest_descriptions_yield_force_incidents(nlp, devdata):
    rows = _rows(devdata, "2020pb_dev.jsonl")
    extractions = extract_articles([make_article(r["text"], r["id"]) for r in rows], nlp)
    found = [e for e in extractions if e.mentions]
    assert len(found) >= 0.55 * len(rows), len(found)  # measured 0.60 (0.47 before)
    categories = {c for e in found for m in e.mentions for c in m.categories}
    assert {"excessive_force", "protest_policing"} <= categories
    forceful = sum(1 for e in found if any("excessive_force" in m.categories for m in e.mentions))
    assert forceful >= 0.75 * len(found)
