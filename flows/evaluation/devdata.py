"""Extraction measured on real text written by others (../shared/devdata), per kind of text.

Measures (issue 13's table), each on the documents of one split (`test` by default; thresholds
are chosen on `dev`, never on `test`):
- Daily Mail articles, by their hand label: share of `police_not_misconduct` articles yielding an
  incident (false alarms), share of `misconduct` articles yielding one, share of `no_police`;
- Daily Mail incident gold: incident recall and precision (a system incident matches a gold
  incident when they share an evidence sentence);
- IOPC, Mapping Police Violence (MPV), 2020PB, Star Tribune (link_dev): share of documents
  yielding an incident; 2020PB: share of gold `excessive_force` incidents found with that code;
- BBC ordinary news: share yielding an incident;
- linking (flows/evaluation/linkage.py): link_dev deaths told twice whose tellings are one
  incident, and Daily Mail gold incidents told by several articles, with the false merges.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flows.core.model import Article, ArticleExtraction
from flows.evaluation.devgold import (
    GoldDoc,
    load_devgold,
    make_article,
    ratio,
    read_devdata,
    split_of,
)
from flows.evaluation.linkage import link_dev_scores, news_gold_scores

Extractor = Callable[[list[Article]], list[ArticleExtraction]]


def _default_extractor() -> Extractor:
    from flows.extract import extract_articles, load_nlp

    nlp = load_nlp()
    return lambda articles: extract_articles(articles, nlp)


def _yield_share(rows: Iterable[dict], extractor: Extractor, published_key: str | None) -> dict:
    rows = list(rows)
    arts = [
        make_article(r["id"], r["text"], r.get(published_key) if published_key else None)
        for r in rows
    ]
    found = extractor(arts)
    hits = sum(1 for x in found if x.mentions)
    return {"documents": len(rows), "yielding": hits, "share": ratio(hits, len(rows))}


def _bbc_rows(devdata: Path) -> list[dict]:
    rows = []
    for path in sorted((devdata / "bbc_dev").glob("*/*.txt")):
        rel = path.relative_to(devdata).as_posix()
        rows.append({"id": rel, "text": path.read_text(encoding="utf-8", errors="replace")})
    return rows


def _overlaps(a: tuple[int, int], b: list[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _incident_scores(docs: list[GoldDoc], extractor: Extractor) -> dict[str, Any]:
    """Incident recall / precision on hand-annotated documents, matched by shared evidence."""
    from flows.extract import link_mentions

    arts = [make_article(d.doc_id, d.text, d.record.get("published")) for d in docs]
    extractions = extractor(arts)
    by_article = {a.article_id: d for a, d in zip(arts, docs, strict=True)}
    gold_total = gold_found = sys_total = sys_ok = 0
    for x in extractions:
        doc = by_article[x.article_id]
        incidents, evidence = link_mentions([x])
        spans: dict[str, list[tuple[int, int]]] = {}
        key = "incident_key" if "incident_key" in evidence.columns else "incident_id"
        for k, s, e in zip(
            evidence[key], evidence["char_start"], evidence["char_end"], strict=True
        ):
            spans.setdefault(k, []).append((int(s), int(e)))
        gold = doc.incidents
        matched_gold = set()
        for spans_k in spans.values():
            sys_total += 1
            hit = [
                i
                for i, g in enumerate(gold)
                if any(_overlaps(s, ge) for s in spans_k for ge in g["evidence"])
            ]
            if hit:
                sys_ok += 1
                matched_gold.update(hit)
        for i, g in enumerate(gold):
            if g.get("optional"):
                continue
            gold_total += 1
            gold_found += i in matched_gold
    return {
        "documents": len(docs),
        "gold_incidents": gold_total,
        "system_incidents": sys_total,
        "recall": ratio(gold_found, gold_total),
        "precision": ratio(sys_ok, sys_total),
    }


def evaluate_devdata(
    devdata: Path, gold_dir: Path, split: str = "test", extractor: Extractor | None = None
) -> dict[str, Any]:
    """Every measure of the module docstring on one split of the development data."""
    extractor = extractor or _default_extractor()
    out: dict[str, Any] = {"split": split}

    labels = [d for d in load_devgold(gold_dir, devdata, "labels") if d.split == split]
    by_label: dict[str, Any] = {}
    for label in ("misconduct", "police_not_misconduct", "no_police"):
        docs = [d for d in labels if d.label == label]
        rows = [
            {"id": d.doc_id, "text": d.text, "published": d.record.get("published")} for d in docs
        ]
        by_label[label] = _yield_share(rows, extractor, "published")
    out["dailymail_articles"] = by_label

    gold = [d for d in load_devgold(gold_dir, devdata, "incidents") if d.split == split]
    out["dailymail_incidents"] = _incident_scores(
        [d for d in gold if d.source == "dailymail"], extractor
    )

    for source, published in (("iopc", None), ("mpv", None), ("2020pb", None)):
        rows = [r for r in read_devdata(devdata, source).values() if split_of(r["id"]) == split]
        out[source] = _yield_share(rows, extractor, published)
    link = [r for r in read_devdata(devdata, "link").values() if split_of(r["id"]) == split]
    out["startribune"] = _yield_share(
        [r for r in link if r.get("writer") == "Star Tribune"], extractor, None
    )
    out["bbc"] = _yield_share(
        [r for r in _bbc_rows(devdata) if split_of(r["id"]) == split], extractor, None
    )
    out["2020pb_force"] = _force_recall([d for d in gold if d.source == "2020pb"], extractor)
    out["link_dev"] = link_dev_scores(devdata, extractor, split)
    out["news_linking"] = news_gold_scores(
        [d for d in load_devgold(gold_dir, devdata, "incidents") if d.source == "dailymail"],
        extractor,
    )
    return out


def _force_recall(docs: list[GoldDoc], extractor: Extractor) -> dict[str, Any]:
    """Of 2020PB gold incidents coded excessive_force, the share found with that code."""
    want = [d for d in docs if any("excessive_force" in i["categories"] for i in d.incidents)]
    arts = [make_article(d.doc_id, d.text) for d in want]
    found = extractor(arts)
    ok = sum(1 for x in found if any("excessive_force" in m.categories for m in x.mentions))
    return {"documents": len(want), "with_excessive_force": ok, "share": ratio(ok, len(want))}


def main() -> None:  # pragma: no cover - a convenience for developers
    import sys

    root = Path(__file__).resolve().parents[2]
    split = sys.argv[1] if len(sys.argv) > 1 else "dev"
    print(
        json.dumps(
            evaluate_devdata(
                root.parent / "shared" / "devdata", root / "tests/gold/devdata", split
            ),
            indent=1,
        )
    )


if __name__ == "__main__":  # pragma: no cover
    main()
