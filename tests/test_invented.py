"""The invented news corpus (tests/gold/invented): its format is checked on load, and the
extraction is measured on its test split (articles never used to train or tune)."""

from __future__ import annotations

import json

import pytest

from flows.evaluation.invented import InventedCorpusError, load_invented
from tests.extract_helpers import make_article

GOOD = {
    "id": "inv-x1",
    "label": "misconduct",
    "kind": "k",
    "text": "An officer hit him.",
    "evidence": [[0, 19]],
}


def _write(tmp_path, *rows) -> object:
    path = tmp_path / "news.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def test_committed_corpus_loads_with_every_split():
    docs = load_invented()
    assert len({d.doc_id for d in docs}) == len(docs)
    assert {d.split for d in docs} == {"train", "dev", "test"}
    for d in docs:
        assert all(d.text[s:e].strip() for s, e in d.evidence)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((GOOD, GOOD), "repeated id"),
        (({**GOOD, "label": "maybe"},), "label"),
        (({**GOOD, "evidence": [[0, 999]]},), "outside the text"),
        (({**GOOD, "label": "police_not_misconduct"},), "only it has any"),
        (({**GOOD, "evidence": []},), "needs evidence"),
        (({**GOOD, "evidence": [["a", 3]]},), "pairs"),
        (({**GOOD, "text": "  "},), "empty text"),
        (("{not json",), "not JSON"),
        (("[1, 2]",), "not a JSON object"),
    ],
)
def test_a_broken_line_is_a_clear_error(tmp_path, rows, message):
    with pytest.raises(InventedCorpusError, match=message):
        load_invented(_write(tmp_path, *rows))


def test_test_split_police_news_rarely_yields_an_incident(nlp):
    from flows.extract import extract_articles

    docs = [d for d in load_invented() if d.split == "test" and d.label == "police_not_misconduct"]
    assert len(docs) >= 10
    extractions = extract_articles([make_article(d.text, f"{d.doc_id}.txt") for d in docs], nlp)
    share = sum(bool(x.mentions) for x in extractions) / len(docs)
    assert share <= 0.125  # measured 2/16 when the corpus was added; lower is better
