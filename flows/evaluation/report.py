"""Per-kind scores on the development data's test split, the annotators' agreement, and floors.

`pmd evaluate` (flows/evaluation/run.py) calls `devdata_block` to measure, `render_markdown` to write
the tables of docs/evaluation.md, and `check_floors` against the `devdata` section of
tests/gold/floors.json: `min` scores (higher is better) and `max` scores (false-alarm shares,
lower is better), each set 0.03 worse than the score measured when it was set.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flows.evaluation.devgold import cohen_kappa, load_devgold

# key -> (kind of text, measure, target, higher is better)
MEASURES: dict[str, tuple[str, str, str, bool]] = {
    "dm_police_not_misconduct_share": (
        "Daily Mail: police news that is not misconduct",
        "share of articles yielding an incident",
        "≤ 0.05",
        False,
    ),
    "dm_misconduct_share": (
        "Daily Mail: articles about police misconduct",
        "share of articles yielding an incident",
        "≥ 0.95",
        True,
    ),
    "dm_no_police_share": (
        "Daily Mail: articles not about the police",
        "share of articles yielding an incident",
        "≈ 0",
        False,
    ),
    "dm_incident_recall": (
        "Daily Mail: hand-annotated incidents",
        "incident recall",
        "≥ 0.90",
        True,
    ),
    "dm_incident_precision": (
        "Daily Mail: hand-annotated incidents",
        "incident precision",
        "≥ 0.90",
        True,
    ),
    "iopc_share": ("IOPC case summaries", "share yielding an incident", "≥ 0.95", True),
    "mpv_share": (
        "Mapping Police Violence descriptions (deaths)",
        "share yielding an incident",
        "≥ 0.95",
        True,
    ),
    "startribune_share": (
        "Star Tribune narratives (deaths)",
        "share yielding an incident",
        "≥ 0.95",
        True,
    ),
    "2020pb_share": ("2020PB protest reports", "share yielding an incident", "≥ 0.90", True),
    "2020pb_excessive_force_share": (
        "2020PB protest reports describing force",
        "share found as `excessive_force`",
        "≥ 0.90",
        True,
    ),
    "bbc_share": ("BBC ordinary news", "share yielding an incident", "< 0.01", False),
    "link_dev_pairs_linked": (
        "Star Tribune and MPV: one death told by two writers",
        "share of the pairs that are one incident",
        "≥ 0.90",
        True,
    ),
    "link_dev_linked_where_both_yield": (
        "Star Tribune and MPV: one death told by two writers",
        "the same, among pairs where both tellings yield an incident",
        "≥ 0.90",
        True,
    ),
    "link_dev_pair_precision": (
        "Star Tribune and MPV: one death told by two writers",
        "pair precision: share of the pairs put in one incident that are one death",
        "1.0",
        True,
    ),
    "link_dev_false_merges": (
        "Star Tribune and MPV: one death told by two writers",
        "pairs of different deaths in one incident",
        "0",
        False,
    ),
    "news_pairs_linked": (
        "Daily Mail gold: an incident told by several articles (all splits)",
        "share of the article pairs where both yield it that are one incident",
        "≥ 0.90",
        True,
    ),
    "news_false_merges": (
        "Daily Mail gold: an incident told by several articles (all splits)",
        "pairs of gold incidents in one incident",
        "0",
        False,
    ),
}
FLOOR_MARGIN = 0.03


def summarize(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Flat per-measure rows {key: {score, documents}} of evaluate_devdata's output."""
    arts, inc = results["dailymail_articles"], results["dailymail_incidents"]
    rows = {
        "dm_police_not_misconduct_share": arts["police_not_misconduct"],
        "dm_misconduct_share": arts["misconduct"],
        "dm_no_police_share": arts["no_police"],
        "iopc_share": results["iopc"],
        "mpv_share": results["mpv"],
        "startribune_share": results["startribune"],
        "2020pb_share": results["2020pb"],
        "2020pb_excessive_force_share": results["2020pb_force"],
        "bbc_share": results["bbc"],
    }
    out = {k: {"score": v["share"], "documents": v["documents"]} for k, v in rows.items()}
    out["dm_incident_recall"] = {"score": inc["recall"], "gold_incidents": inc["gold_incidents"]}
    out["dm_incident_precision"] = {
        "score": inc["precision"],
        "system_incidents": inc["system_incidents"],
    }
    link, news = results["link_dev"], results["news_linking"]
    out["link_dev_pairs_linked"] = {"score": link["pairs_linked"], "pairs": link["pairs"]}
    out["link_dev_linked_where_both_yield"] = {
        "score": link["linked_where_both_yield"],
        "pairs": link["both_yield"],
    }
    out["link_dev_pair_precision"] = {"score": link["pair_precision"], "pairs": link["linked"]}
    out["link_dev_false_merges"] = {"score": link["false_merges"], "documents": link["documents"]}
    out["news_pairs_linked"] = {
        "score": news["linked_where_both_yield"],
        "pairs": news["both_yield"],
    }
    out["news_false_merges"] = {"score": news["false_merges"], "documents": news["documents"]}
    return {k: out[k] for k in MEASURES}


def _overlaps(a: list[int], b: list[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def agreement(gold_dir: Path, devdata: Path) -> dict[str, Any]:
    """How far the two independent annotation passes agree.

    - article labels: Cohen's kappa of p1 and p2 over the doubly-labelled Daily Mail articles;
    - incidents: of the doubly-annotated documents, kappa of "reports an incident" (yes/no), and
      the F1 of the two passes' incidents matched by a shared evidence sentence;
    - evidence: the F1 of the two passes' evidence sentences (overlap)."""
    first = {d.doc_id: d.label for d in load_devgold(gold_dir, devdata, "labels", "p1")}
    second = {d.doc_id: d.label for d in load_devgold(gold_dir, devdata, "labels", "p2")}
    both = [k for k in second if k in first]
    a = [str(first[k]) for k in both]
    b = [str(second[k]) for k in both]
    p1 = {d.doc_id: d for d in load_devgold(gold_dir, devdata, "incidents", "p1")}
    p2 = [d for d in load_devgold(gold_dir, devdata, "incidents", "p2") if d.doc_id in p1]
    has1 = ["yes" if p1[d.doc_id].incidents else "no" for d in p2]
    has2 = ["yes" if d.incidents else "no" for d in p2]
    inc_match = inc_1 = inc_2 = ev_match1 = ev_match2 = ev_1 = ev_2 = 0
    for d in p2:
        g1, g2 = p1[d.doc_id].incidents, d.incidents
        inc_1, inc_2 = inc_1 + len(g1), inc_2 + len(g2)
        used: set[int] = set()
        for x in g1:
            for i, y in enumerate(g2):
                if i not in used and any(
                    _overlaps(s, t) for s in x["evidence"] for t in y["evidence"]
                ):
                    used.add(i)
                    inc_match += 1
                    break
        e1 = [s for x in g1 for s in x["evidence"]]
        e2 = [s for y in g2 for s in y["evidence"]]
        ev_1, ev_2 = ev_1 + len(e1), ev_2 + len(e2)
        ev_match1 += sum(1 for s in e1 if any(_overlaps(s, t) for t in e2))
        ev_match2 += sum(1 for t in e2 if any(_overlaps(s, t) for s in e1))

    def f1(m1: int, n1: int, m2: int, n2: int) -> float | None:
        if not n1 and not n2:
            return None
        p = m2 / n2 if n2 else 0.0
        r = m1 / n1 if n1 else 0.0
        return round(2 * p * r / (p + r), 3) if p + r else 0.0

    return {
        "label_documents": len(both),
        "label_kappa": round(cohen_kappa(a, b), 3) if both else None,
        "incident_documents": len(p2),
        "has_incident_kappa": round(cohen_kappa(has1, has2), 3) if p2 else None,
        "incident_f1": f1(inc_match, inc_1, inc_match, inc_2),
        "evidence_f1": f1(ev_match1, ev_1, ev_match2, ev_2),
    }


def devdata_block(
    devdata: Path, gold_dir: Path, split: str = "test", extractor=None
) -> dict[str, Any]:
    """Everything docs/evaluation.{json,md} report about the development data."""
    from flows.evaluation.devdata import evaluate_devdata

    results = evaluate_devdata(devdata, gold_dir, split, extractor)
    return {
        "split": split,
        "measures": summarize(results),
        "agreement": agreement(gold_dir, devdata),
        "raw": results,
    }


def _n(row: Mapping[str, Any]) -> str:
    for key, word in (
        ("documents", "documents"),
        ("gold_incidents", "gold incidents"),
        ("system_incidents", "found"),
        ("pairs", "pairs"),
    ):
        if key in row:
            return f"{row[key]} {word}"
    return ""


def rows(block: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(kind of text, measure, score, target, n) for each measure, in reading order."""
    out = []
    for key, (kind, measure, target, _) in MEASURES.items():
        row = block["measures"].get(key)
        if row is None:
            continue
        score = row["score"]
        score = "n/a" if score is None else str(score) if isinstance(score, int) else f"{score:.2f}"
        out.append((kind, measure, score, target, _n(row)))
    return out


def agreement_rows(block: Mapping[str, Any]) -> list[tuple[str, str]]:
    ag = block.get("agreement") or {}
    return [
        (
            f"Daily Mail article label (Cohen's kappa, {ag.get('label_documents')} articles labelled twice)",
            str(ag.get("label_kappa")),
        ),
        (
            f"document reports an incident (kappa, {ag.get('incident_documents')} documents annotated twice)",
            str(ag.get("has_incident_kappa")),
        ),
        ("incidents matched between the two passes (F1)", str(ag.get("incident_f1"))),
        ("evidence sentences matched between the two passes (F1)", str(ag.get("evidence_f1"))),
    ]


def render_markdown(block: Mapping[str, Any], when: str) -> str:
    lines = [
        "## Real news and case text (development data, test split)",
        "",
        f"Measured on {when} on the `{block['split']}` split of `../shared/devdata` (documents the",
        "classifier's training and threshold choice never saw; `split_of` in",
        "flows/evaluation/devgold.py), against the hand annotations in `tests/gold/devdata`.",
        "Shares count documents for which the extraction yields at least one incident.",
        "",
        "| text | measure | score | target | n |",
        "|---|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows(block)],
        "",
        "Daily Mail gold linking counts only the article pairs where both articles yield the gold",
        "incident. Since 2026-12-03 sentences about people in general ('justice for people who were",
        "killed by police') are no longer incidents: they had matched several gold incidents at once",
        "(a passing list of names), so those pairs fell from 22 to 10 and the false merges from 6",
        "to 2, and the gold incidents they stood for are found in fewer of the articles that mention",
        "them only in passing.",
        "",
        "Agreement of the two independent annotation passes (a bound on how exactly the scores",
        "above can be measured):",
        "",
        "| agreement | value |",
        "|---|---|",
        *[f"| {a} | {b} |" for a, b in agreement_rows(block)],
        "",
        "`pmd evaluate` exits 1 when a score is worse than its floor (`devdata` in",
        "`tests/gold/floors.json`: measured score minus 0.03, or plus 0.03 for false-alarm shares).",
        "",
    ]
    return "\n".join(lines)


def floors_for(block: Mapping[str, Any], margin: float = FLOOR_MARGIN) -> dict[str, Any]:
    """Floors 0.03 worse than the measured scores (what tests/gold/floors.json holds)."""
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    for key, (_, _, _, higher) in MEASURES.items():
        score = block["measures"][key]["score"]
        if score is None:
            continue
        if higher:
            low[key] = round(max(0.0, score - margin), 3)
        else:
            high[key] = round(min(1.0, score + margin), 3)
    return {"split": block["split"], "min": low, "max": high}


def check_floors(block: Mapping[str, Any], floors: Mapping[str, Any]) -> list[str]:
    """Messages for every score worse than its floor (an unknown key is an error too)."""
    out = []
    measures = block["measures"]
    for side, worse in (("min", lambda s, f: s < f), ("max", lambda s, f: s > f)):
        for key, floor in (floors.get(side) or {}).items():
            if key not in measures:
                out.append(f"devdata {key}: no such score (known: {', '.join(measures)})")
                continue
            score = measures[key]["score"]
            if score is None or worse(score, floor):
                word = "below the floor" if side == "min" else "above the ceiling"
                out.append(f"devdata {key}: {score} is {word} {floor}")
    return out
