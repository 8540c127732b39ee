"""The trained pipeline is loaded once per process; every stage reads it through views sharing its
components, with the same annotations as a pipeline loaded on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from flows.extract import load_nlp
from flows.extract.resources import TRAINED_NAME, trained_ner, trained_parser, trained_pipeline

pytestmark = pytest.mark.skipif(trained_pipeline() is None, reason="trained pipeline not installed")

RAW = Path(__file__).resolve().parents[1] / "raw"


def _annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_) for t in doc]


def test_the_stages_share_one_loaded_pipeline():
    full = trained_pipeline()
    nlp = load_nlp(entities=True)
    assert nlp.get_pipe("parser") is full.get_pipe("parser")
    assert nlp.get_pipe("ner") is trained_ner().get_pipe("ner") is full.get_pipe("ner")
    assert trained_parser().get_pipe("tagger") is full.get_pipe("tagger")
    assert nlp.vocab is trained_ner().vocab is trained_parser().vocab is full.vocab


def test_views_annotate_as_a_pipeline_loaded_alone():
    text = sorted(RAW.glob("*.txt"))[0].read_text(encoding="utf-8")[:4000]
    alone = spacy.load(TRAINED_NAME, exclude=["lemmatizer", "senter", "attribute_ruler"])
    ner_alone = spacy.load(
        TRAINED_NAME, exclude=["parser", "lemmatizer", "senter", "tagger", "attribute_ruler"]
    )
    assert _annotations(trained_parser()(text)) == _annotations(alone(text))
    assert _annotations(trained_ner()(text)) == _annotations(ner_alone(text))
    assert any(e.label_ == "PERSON" for e in trained_ner()(text).ents)
