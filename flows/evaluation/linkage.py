"""Linking measured on real text (issue 15): one incident however many writers tell it.

Both measures run the real extraction and `link_mentions` over all the documents of a measure
together, as a build does:
- `link_dev.jsonl`: deaths in Minnesota told twice (a Star Tribune narrative and a Mapping Police
  Violence description) among other deaths in the same state. Split by case (both tellings in one
  split). Each document is read as published on its labelled date: the records carry no
  publication date, and a news report appears within days of a death. `pairs_linked` is the share
  of the told-twice deaths whose two tellings share an incident; `linked_where_both_yield` the same
  among the pairs where extraction found an incident in both tellings (what linking can reach);
  `false_merges` the pairs of different deaths put in one incident.
- the Daily Mail incident gold: an incident told by several articles carries one `gold_id`. For
  each such incident, every pair of its articles where both yield a system incident matching it
  (by a shared evidence sentence) counts; `pairs_linked` is the share of those pairs whose
  incidents are one; `false_merges` the pairs of gold incidents whose evidence ends up in one
  system incident. The pairs cross the document splits, so all gold documents are used; no
  linking threshold was chosen on them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from flows.core.model import Article, ArticleExtraction
from flows.evaluation.devgold import GoldDoc, make_article, ratio, read_devdata, split_of

Extractor = Callable[[list[Article]], list[ArticleExtraction]]


def _incidents_by_article(evidence: pd.DataFrame) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, art in zip(evidence["incident_key"], evidence["article_id"], strict=True):
        out.setdefault(str(art), set()).add(str(key))
    return out


def _false_merges(evidence: pd.DataFrame, label_of: Callable[[str, int, int], set[str]]) -> int:
    """Pairs of different true incidents whose evidence sits in one system incident."""
    labels: dict[str, set[str]] = {}
    for key, art, s, e in zip(
        evidence["incident_key"],
        evidence["article_id"],
        evidence["char_start"],
        evidence["char_end"],
        strict=True,
    ):
        labels.setdefault(str(key), set()).update(label_of(str(art), int(s), int(e)))
    return sum(len(v) * (len(v) - 1) // 2 for v in labels.values())


def link_dev_scores(devdata: Path, extractor: Extractor, split: str) -> dict[str, Any]:
    """The link_dev measure (module docstring) on the cases of one split ('all': every case)."""
    from flows.extract import link_mentions

    rows = [
        r
        for r in read_devdata(devdata, "link").values()
        if split == "all" or split_of(r["case"]) == split
    ]
    arts = [make_article(r["id"], r["text"], r.get("date")) for r in rows]
    _, evidence = link_mentions(extractor(arts))
    case_of = {a.article_id: r["case"] for a, r in zip(arts, rows, strict=True)}
    incidents = _incidents_by_article(evidence)
    by_case: dict[str, list[str]] = {}
    for art, case in case_of.items():
        by_case.setdefault(case, []).append(art)
    pairs = [v for v in by_case.values() if len(v) == 2]
    both = [p for p in pairs if all(incidents.get(a) for a in p)]
    linked = [p for p in both if incidents[p[0]] & incidents[p[1]]]
    false = _false_merges(evidence, lambda art, s, e: {case_of[art]})
    return {
        "documents": len(rows),
        "pairs": len(pairs),
        "both_yield": len(both),
        "linked": len(linked),
        "pairs_linked": ratio(len(linked), len(pairs)),
        "linked_where_both_yield": ratio(len(linked), len(both)),
        "false_merges": false,
        "pair_precision": ratio(len(linked), len(linked) + false),
    }


def _gold_at(gold: dict[str, list[dict]]) -> Callable[[str, int, int], set[str]]:
    def label_of(art: str, start: int, end: int) -> set[str]:
        return {
            g["gold_id"]
            for g in gold.get(art, [])
            if any(start < ge and gs < end for gs, ge in g["evidence"])
        }

    return label_of


def news_gold_scores(docs: Iterable[GoldDoc], extractor: Extractor) -> dict[str, Any]:
    """The news-gold measure (module docstring) over the given gold documents."""
    from flows.extract import link_mentions

    docs = list(docs)
    arts = [make_article(d.doc_id, d.text, d.record.get("published")) for d in docs]
    _, evidence = link_mentions(extractor(arts))
    gold = {a.article_id: d.incidents for a, d in zip(arts, docs, strict=True)}
    label_of = _gold_at(gold)
    # (gold incident, article) -> the system incidents holding its evidence in that article
    found: dict[tuple[str, str], set[str]] = {}
    for key, art, s, e in zip(
        evidence["incident_key"],
        evidence["article_id"],
        evidence["char_start"],
        evidence["char_end"],
        strict=True,
    ):
        for gid in label_of(str(art), int(s), int(e)):
            found.setdefault((gid, str(art)), set()).add(str(key))
    told_by: dict[str, list[str]] = {}
    for art, incidents in gold.items():
        for g in incidents:
            told_by.setdefault(g["gold_id"], []).append(art)
    pairs = both = linked = 0
    for gid, articles in told_by.items():
        for a, b in itertools.combinations(sorted(set(articles)), 2):
            pairs += 1
            fa, fb = found.get((gid, a)), found.get((gid, b))
            if fa and fb:
                both += 1
                linked += bool(fa & fb)
    return {
        "documents": len(docs),
        "incidents_told_several_times": sum(1 for v in told_by.values() if len(set(v)) > 1),
        "pairs": pairs,
        "both_yield": both,
        "linked": linked,
        "pairs_linked": ratio(linked, pairs),
        "linked_where_both_yield": ratio(linked, both),
        "false_merges": _false_merges(evidence, label_of),
    }
