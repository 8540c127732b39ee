"""The learned decision: the committed misconduct classifier, its validation, its use in
extraction, and its reproducibility (`pmd train`)."""

from __future__ import annotations

import json
import shutil

import pytest
import spacy

from flows.core.model import Article
from flows.extract.classifier import (
    MODEL_DIR,
    MODEL_VERSION,
    ClassifierError,
    committed_classifier,
    load_classifier,
    validate_meta,
    window_span,
)

# Stated tolerance of `pmd train` against the committed model on the dev windows: training is
# seeded and bit-identical on one machine; other CPUs/BLAS may differ in the last float bits.
MAX_MEAN_ABS_DIFF = 0.01
MIN_DECISION_AGREEMENT = 0.99


def test_committed_model_is_small_valid_and_carries_its_card():
    clf = committed_classifier()
    assert clf.meta["version"] == MODEL_VERSION
    assert 0.0 < clf.threshold < 1.0 and clf.threshold <= clf.alone_threshold <= 1.0
    assert 0.0 < clf.article_threshold <= 1.0
    assert 0.0 < clf.oversight_floor < clf.context_threshold <= 1.0
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 5_000_000
    card = (MODEL_DIR / "README.md").read_text(encoding="utf-8")
    for needle in ("Threshold", "split_of", "seed", "Dev windows"):
        assert needle in card
    assert json.loads((MODEL_DIR / "card.json").read_text())["threshold"] == clf.threshold


def test_committed_model_stores_no_training_text():
    """Bag-of-words features are hashes: the string store is a blank pipeline's."""
    stored = set(json.loads((MODEL_DIR / "vocab" / "strings.json").read_text(encoding="utf-8")))
    assert stored <= set(spacy.blank("en").vocab.strings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": "0.0.1"}, "version"),
        ({"name": "other"}, "name"),
        ({"labels": {"textcat": ["A", "B"]}}, "labels"),
        ({"pmd": {"threshold": 0.5}}, "alone_threshold"),
        ({"spacy_version": ">=2.0.0,<2.1.0"}, "spaCy"),
    ],
)
def test_a_model_that_does_not_match_the_code_is_refused(tmp_path, change, message):
    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    validate_meta(meta)
    with pytest.raises(ClassifierError, match=message):
        validate_meta({**meta, **change})
    bad = tmp_path / "model"
    shutil.copytree(MODEL_DIR, bad)
    (bad / "meta.json").write_text(json.dumps({**meta, **change}), encoding="utf-8")
    with pytest.raises(ClassifierError, match=message):
        load_classifier(bad)
    with pytest.raises(ClassifierError, match="pmd train"):
        load_classifier(tmp_path / "absent")


def test_scores_separate_misconduct_from_police_news_and_other_news():
    clf = committed_classifier()
    high, police, other = clf.score(
        [
            "Officers fired several shots and struck the man, who died at the scene. The "
            "deputy who fired has been placed on administrative leave.",
            "Police appealed for witnesses after a shop was burgled overnight. Anyone with "
            "information is asked to call the force.",
            "The club confirmed the signing of the midfielder on a three-year contract. He "
            "joins from a rival team.",
        ]
    )
    assert high >= clf.threshold > other
    assert high > police + 0.3  # routine police news scores far below misconduct


def test_windows_take_one_sentence_either_side():
    spans = [(0, 10), (11, 20), (21, 30)]
    assert window_span(spans, 0) == (0, 20)
    assert window_span(spans, 1) == (0, 30)
    assert window_span(spans, 2) == (11, 30)


def _article(text: str) -> Article:
    return Article(article_id="art_00000000000000aa", source_path="x.txt", format="txt", text=text)


def test_evidence_rows_carry_the_score(nlp):
    from flows.extract import extract_articles, link_mentions

    text = (
        "A man died after being restrained by officers in Leeds on 3 March 2021, the "
        "police watchdog said.\n\nThe IOPC has launched an investigation into West Yorkshire "
        "Police officers over the restraint of Daniel Reeve."
    )
    (x,) = extract_articles([_article(text)], nlp)
    assert x.mentions
    assert all(m.classifier_score is None or 0 <= m.classifier_score <= 1 for m in x.mentions)
    assert any(m.classifier_score is not None for m in x.mentions)
    _, evidence = link_mentions([x])
    assert "classifier_score" in evidence.columns
    assert evidence["classifier_score"].dtype == "float64"


def test_without_the_classifier_the_rules_decide_alone():
    from flows.extract import extract_articles, load_nlp

    rules_only = load_nlp(trained=False, classifier=False)
    assert "pmd_classifier" not in rules_only.pipe_names
    text = "An officer was sacked after punching a handcuffed man in a police cell in Hull."
    (x,) = extract_articles([_article(text)], rules_only)
    assert all(m.classifier_score is None for m in x.mentions)


CASE_REPORT = (
    "A detainee sustained a serious injury to his hand after his arrest for a public order "
    "offence. He was handcuffed and placed inside a police van, and the cage door was closed on "
    "his fingers."
)


def test_a_case_report_makes_an_injury_in_police_hands_an_incident(nlp):
    """No oversight body is named, but the article reads as a police case (best window at or
    above the model's context_threshold): the injury in custody is evidence."""
    from flows.extract import extract_articles
    from flows.extract.classifier import oversight_context

    (x,) = extract_articles([_article(CASE_REPORT)], nlp)
    assert x.mentions
    assert (
        max(m.classifier_score or 0 for m in x.mentions) >= committed_classifier().context_threshold
    )
    rules_only = spacy.blank("en")
    assert not oversight_context(rules_only, [0.99], False)  # no classifier: only a named body
    assert oversight_context(rules_only, [0.0], True)


def test_only_a_text_in_its_own_voice_is_read_as_a_case_summary(nlp):
    """The same event words told by a news report that quotes and attributes throughout are no
    police case unless it names an oversight body (a crime report's 'the suspect was arrested,
    police said' read like one)."""
    from flows.extract import extract_articles
    from flows.extract.classifier import in_own_voice

    quoted = (
        CASE_REPORT + ' "It was an accident," a force spokesman said. The man told reporters he '
        "was in pain. His sister said he would complain."
    )
    assert in_own_voice(CASE_REPORT) and not in_own_voice(quoted)
    (summary, news) = extract_articles([_article(CASE_REPORT), _article(quoted)], nlp)
    assert summary.mentions and not news.mentions
    (named,) = extract_articles([_article(quoted + " The IOPC is investigating.")], nlp)
    assert named.mentions


def test_police_news_of_a_death_is_not_a_case_report(nlp):
    from flows.extract import extract_articles
    from flows.extract.classifier import oversight_context

    text = (
        "Police were called to a house in Leeds on Sunday morning where a man was found dead. "
        "Detectives are treating the death as unexplained and a post-mortem examination will "
        "take place."
    )
    (x,) = extract_articles([_article(text)], nlp)
    assert not x.mentions
    clf = committed_classifier()
    # the watchdog named in an article the classifier scores as police news is no case report
    assert not oversight_context(nlp, [clf.oversight_floor / 2], True)
    assert oversight_context(nlp, [clf.context_threshold], False)


@pytest.mark.slow
def test_pmd_train_reproduces_the_committed_model(devdata, tmp_path, root):
    """`pmd train` (same config and seed, its own process as a user runs it) agrees with the
    committed model on the dev split."""
    import os
    import subprocess
    import sys

    from flows.evaluation.train import dev_agreement

    fresh = tmp_path / "fresh"
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "train",
            "--devdata",
            str(devdata),
            "--out",
            str(fresh),
        ],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )
    card = json.loads((fresh / "card.json").read_text(encoding="utf-8"))
    committed = json.loads((MODEL_DIR / "card.json").read_text(encoding="utf-8"))
    assert card["data"] == committed["data"]
    agree = dev_agreement(MODEL_DIR, fresh, devdata)
    assert agree["mean_abs_diff"] <= MAX_MEAN_ABS_DIFF, agree
    assert agree["decision_agreement"] >= MIN_DECISION_AGREEMENT, agree
    assert abs(agree["f1_a"] - agree["f1_b"]) <= 0.01, agree
    assert abs(card["threshold"] - committed["threshold"]) <= 0.1
