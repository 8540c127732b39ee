"""Scoring one system output against the gold: evidence matching, incidents, linking, fields, dates."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from flows.evaluation.gold import GoldArticle, Incident, Span

REPO_ROOT = Path(__file__).resolve().parents[2]
FORCE_GAZETTEER = REPO_ROOT / "flows" / "extract" / "gazetteers" / "uk_police_forces.v1.jsonl"
TITLES = frozenset(  # honorifics and ranks dropped before comparing names
    "pc wpc ps pcso sgt sergeant dc ds di dci det detective insp inspector ch chief supt "  # noqa: SIM905
    "superintendent constable commander commissioner dame sir lord lady mr mrs ms miss dr".split()
)


# ---------------------------------------------------------------- system output


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def _as_list(value: Any) -> list[str]:
    if value is None or isinstance(value, str):
        return [value] if value else []
    try:
        return [str(v) for v in value if v is not None and str(v).strip()]
    except TypeError:
        return []


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def system_incidents(incidents, evidence, names: Mapping[str, str]) -> list[Incident]:
    """Turn link_mentions' (incidents, evidence) frames into Incidents keyed by raw file name."""
    out: dict[str, Incident] = {}
    for row in incidents.to_dict("records"):
        start, end = _as_date(row.get("date_start")), _as_date(row.get("date_end"))
        out[row["incident_key"]] = Incident(
            str(row["incident_key"]),
            fields={
                "categories": _as_list(row.get("categories")),
                "date": (start, end, _as_str(row.get("date_precision")) or "unknown"),
                "police_forces": _as_list(row.get("police_forces")),
                "location": _as_str(row.get("location")),
                "subjects": _as_list(row.get("subjects")),
                "officers": _as_list(row.get("officers")),
                "outcome": _as_str(row.get("outcome")),
                "allegation_status": _as_str(row.get("allegation_status")) or "unknown",
            },
        )
    for row in evidence.to_dict("records"):
        inc = out.get(row["incident_key"])
        name = names.get(row["article_id"], row["article_id"])
        if inc is not None:
            inc.spans.setdefault(name, []).append((int(row["char_start"]), int(row["char_end"])))
    return list(out.values())


# ---------------------------------------------------------------- matching and scoring


def _overlaps(a: Span, spans: Iterable[Span]) -> bool:
    return any(a[0] < b[1] and b[0] < a[1] for b in spans)


def overlap_weight(system: Incident, gold: Incident) -> int:
    """Number of the gold incident's evidence spans touched by the system incident's evidence."""
    return sum(
        _overlaps(g, system.spans.get(art, [])) for art, spans in gold.spans.items() for g in spans
    )


def match(system: list[Incident], gold: Mapping[str, Incident]) -> dict[str, str]:
    """Greedy one-to-one assignment by evidence overlap: {system key: gold id}."""
    pairs = [
        (-w, g.key, s.key) for s in system for g in gold.values() if (w := overlap_weight(s, g))
    ]
    out: dict[str, str] = {}
    taken: set[str] = set()
    for _, gid, skey in sorted(pairs):
        if skey not in out and gid not in taken:
            out[skey] = gid
            taken.add(gid)
    return out


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def set_f1(gold: list[str], system: list[str], same: Callable[[str, str], bool]) -> float:
    """F1 of two lists of names under a matching predicate; two empty lists score 1."""
    if not gold and not system:
        return 1.0
    left, tp = list(system), 0
    for g in gold:
        hit = next((s for s in left if same(g, s)), None)
        if hit is not None:
            left.remove(hit)
            tp += 1
    p, r = tp / len(system) if system else 0.0, tp / len(gold) if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).replace("\u00a0", " ").lower()
    tokens = re.sub(r"[^\w\s]", " ", text).split()
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def same_person(a: str, b: str) -> bool:
    """Equal normalised names, or one name's words within the other's with the same last word."""
    ta, tb = norm_name(a).split(), norm_name(b).split()
    if not ta or not tb:
        return False
    return ta == tb or (ta[-1] == tb[-1] and (set(ta) <= set(tb) or set(tb) <= set(ta)))


def _force_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    if FORCE_GAZETTEER.is_file():
        for line in FORCE_GAZETTEER.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                canon = norm_name(rec["canonical"])
                for alias in [rec["canonical"], *rec.get("aliases", [])]:
                    out[norm_name(alias)] = canon
                for alias in rec.get("context_aliases", []):
                    out[norm_name(alias)] = canon
    return out


def same_force(a: str, b: str, aliases: Mapping[str, str]) -> bool:
    na, nb = norm_name(a), norm_name(b)
    return aliases.get(na, na) == aliases.get(nb, nb)


def _same_location(gold: str | None, system: str | None) -> bool:
    if not gold or not system:
        return not gold and not system
    g, s = norm_name(gold), norm_name(system)
    return g in s or s in g


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def score_fields(pairs: list[tuple[Incident, Incident]]) -> dict[str, Any]:
    """Per-field agreement over matched (gold, system) pairs."""
    aliases = _force_aliases()
    cats, jac, forces, subj, offi = [], [], [], [], []
    date = {"correct": 0, "wrong": 0, "empty": 0}
    outcome = status = location = 0
    for g, s in pairs:
        gf, sf = g.fields, s.fields
        gc, sc = set(gf["categories"]), set(sf["categories"])
        cats.append(set_f1(sorted(gc), sorted(sc), str.__eq__))
        jac.append(len(gc & sc) / len(gc | sc) if gc | sc else 1.0)
        if sf["date"] == gf["date"]:
            date["correct"] += 1
        elif sf["date"][2] == "unknown" or sf["date"][0] is None:
            date["empty"] += 1
        else:
            date["wrong"] += 1
        forces.append(
            set_f1(gf["police_forces"], sf["police_forces"], lambda a, b: same_force(a, b, aliases))
        )
        subj.append(set_f1(gf["subjects"], sf["subjects"], same_person))
        offi.append(set_f1(gf["officers"], sf["officers"], same_person))
        outcome += gf["outcome"] == sf["outcome"]
        status += gf["allegation_status"] == sf["allegation_status"]
        location += _same_location(gf["location"], sf["location"])
    n = len(pairs)
    return {
        "matched": n,
        "categories_f1": _mean(cats),
        "categories_jaccard": _mean(jac),
        "date_exact": _ratio(date["correct"], n),
        "date_wrong": _ratio(date["wrong"], n),
        "date_empty": _ratio(date["empty"], n),
        "date_counts": date,
        "police_forces_f1": _mean(forces),
        "subjects_f1": _mean(subj),
        "officers_f1": _mean(offi),
        "outcome_exact": _ratio(outcome, n),
        "allegation_status_exact": _ratio(status, n),
        "location_match": _ratio(location, n),
    }


def _distinctive(gold: Mapping[str, Incident]) -> dict[str, dict[str, list[Span]]]:
    """Each gold incident's evidence spans that are evidence of no other gold incident."""
    out: dict[str, dict[str, list[Span]]] = {}
    for g in gold.values():
        out[g.key] = {
            art: [
                sp
                for sp in spans
                if not any(
                    _overlaps(sp, o.spans.get(art, [])) for o in gold.values() if o.key != g.key
                )
            ]
            for art, spans in g.spans.items()
        }
    return out


def score_linking(
    system: list[Incident], gold: Mapping[str, Incident], assignment: Mapping[str, str]
) -> dict[str, Any]:
    """Cross-article linking of multi-article gold incidents, and wrong merges of gold incidents.

    A gold incident reported in several articles is linked correctly when its matched system
    incident has evidence in every one of those articles and no other system incident holds
    any of its distinctive sentences (those that are evidence of no other gold incident)."""
    multi = [g for g in gold.values() if not g.optional and len(g.articles) >= 2]
    matched = {gid: key for key, gid in assignment.items()}
    distinct = _distinctive(gold)
    linked = []
    for g in multi:
        s = next((x for x in system if x.key == matched.get(g.key)), None)
        covers = s is not None and all(
            any(_overlaps(sp, s.spans.get(art, [])) for sp in g.spans[art]) for art in g.articles
        )
        split = any(
            _overlaps(sp, o.spans.get(art, []))
            for o in system
            if s is None or o.key != s.key
            for art, sps in distinct[g.key].items()
            for sp in sps
        )
        if covers and not split:
            linked.append(g.key)
    merges = []
    for s in system:
        contained = sorted(
            gid
            for gid, per_art in distinct.items()
            if any(
                _overlaps(sp, s.spans.get(art, [])) for art, sps in per_art.items() for sp in sps
            )
        )
        if len(contained) >= 2:
            merges.append(contained)
    return {
        "multi_article_gold": len(multi),
        "linked_correctly": len(linked),
        "linked_share": _ratio(len(linked), len(multi)),
        "not_linked": sorted(g.key for g in multi if g.key not in linked),
        "wrong_merges": len(merges),
        "wrongly_merged_gold": sum(len(m) - 1 for m in merges),
        "merged_groups": merges,
    }


def score_reference_dates(
    articles: Mapping[str, GoldArticle], found: Mapping[str, dt.date | None]
) -> dict[str, Any]:
    counts = {"correct": 0, "wrong": 0, "empty": 0}
    years = 0
    for name, art in articles.items():
        got = found.get(name)
        if art.window is None:
            counts["correct" if got is None else "wrong"] += 1
            years += got is None
        elif got is None:
            counts["empty"] += 1
        else:
            counts["correct" if art.window[0] <= got <= art.window[1] else "wrong"] += 1
            ref = art.reference_date
            years += ref is not None and got.year == ref.year
    n = len(articles)
    return {
        "articles": n,
        "accuracy": _ratio(counts["correct"], n),
        "year_accuracy": _ratio(years, n),
        "counts": counts,
    }


def _commentator_errors(system: list[Incident], articles: Mapping[str, GoldArticle]) -> list[str]:
    errors = []
    for s in system:
        names = {c for art in s.articles if art in articles for c in articles[art].commentators}
        for role in ("subjects", "officers"):
            for person in s.fields[role]:
                if any(same_person(c, person) for c in names):
                    errors.append(f"{role}: {person}")
    return errors


def score(
    articles: Mapping[str, GoldArticle],
    gold: Mapping[str, Incident],
    system: list[Incident],
    reference_dates: Mapping[str, dt.date | None],
) -> dict[str, Any]:
    """Every score of one system output against the gold (pure)."""
    assignment = match(system, gold)
    required = {k: g for k, g in gold.items() if not g.optional}
    hit = {gid for gid in assignment.values() if gid in required}
    optional = {k for k, g in gold.items() if g.optional}
    counted = [s for s in system if assignment.get(s.key) not in optional]
    recall, precision = _ratio(len(hit), len(required)), _ratio(len(hit), len(counted))
    unmatched = [s for s in counted if s.key not in assignment]
    split = [s for s in unmatched if any(overlap_weight(s, g) for g in gold.values())]
    gold_spans = {(a, sp) for g in required.values() for a, sps in g.spans.items() for sp in sps}
    allowed: dict[str, list[Span]] = {}
    for g in gold.values():
        for a in set(g.spans) | set(g.context):
            allowed.setdefault(a, []).extend(g.spans.get(a, []) + g.context.get(a, []))
    sys_spans = {(a, sp) for s in system for a, sps in s.spans.items() for sp in sps}
    by_art: dict[str, list[Span]] = {}
    for a, sp in sys_spans:
        by_art.setdefault(a, []).append(sp)
    ev_hit = sum(_overlaps(sp, by_art.get(a, [])) for a, sp in gold_spans)
    ev_ok = sum(_overlaps(sp, allowed.get(a, [])) for a, sp in sys_spans)
    by_key = {s.key: s for s in system}
    attributed = sum(
        _overlaps(sp, by_key[k].spans.get(a, []))
        for k, gid in assignment.items()
        if gid in required
        for a, sps in gold[gid].spans.items()
        for sp in sps
    )
    total_attr = sum(len(sps) for g in required.values() for sps in g.spans.values())
    pairs = [(gold[gid], by_key[k]) for k, gid in assignment.items() if gid in required]
    ev_r, ev_p = _ratio(ev_hit, len(gold_spans)), _ratio(ev_ok, len(sys_spans))
    commentators = _commentator_errors(system, articles)
    return {
        "incidents": {
            "gold": len(required),
            "gold_optional": len(gold) - len(required),
            "system": len(system),
            "matched": len(hit),
            "recall": recall,
            "precision": precision,
            "f1": _f1(precision, recall),
            "false_positives": len(unmatched),
            "split_duplicates": len(split),
            "missed": sorted(set(required) - hit),
            "unmatched_system": [_first_quote(s) for s in unmatched][:30],
        },
        "evidence": {
            "gold_sentences": len(gold_spans),
            "system_sentences": len(sys_spans),
            "recall": ev_r,
            "precision": ev_p,
            "f1": _f1(ev_p, ev_r),
            "attributed_recall": _ratio(attributed, total_attr),
        },
        "linking": score_linking(system, gold, assignment),
        "fields": score_fields(pairs),
        "matched_pairs": [
            {
                "gold_id": g.key,
                "system": _first_quote(sy),
                "differs": sorted(k for k in g.fields if g.fields[k] != sy.fields.get(k)),
            }
            for g, sy in sorted(pairs, key=lambda p: p[0].key)
        ],
        "commentator_as_person_errors": len(commentators),
        "commentator_errors": commentators,
        "reference_date": score_reference_dates(articles, reference_dates),
    }


def _first_quote(s: Incident) -> str:
    spans = sorted((art, sp) for art, sps in s.spans.items() for sp in sps)
    return f"{spans[0][0]}@{spans[0][1][0]}" if spans else s.key


def summary(scores: Mapping[str, Any]) -> dict[str, float | None]:
    """The headline numbers (the keys floors.json may set)."""
    inc, ev, link, f = scores["incidents"], scores["evidence"], scores["linking"], scores["fields"]
    return {
        "incident_recall": inc["recall"],
        "incident_precision": inc["precision"],
        "incident_f1": inc["f1"],
        "evidence_recall": ev["recall"],
        "evidence_precision": ev["precision"],
        "evidence_attributed_recall": ev["attributed_recall"],
        "linking_share": link["linked_share"],
        "categories_f1": f["categories_f1"],
        "date_exact": f["date_exact"],
        "police_forces_f1": f["police_forces_f1"],
        "subjects_f1": f["subjects_f1"],
        "officers_f1": f["officers_f1"],
        "outcome_exact": f["outcome_exact"],
        "allegation_status_exact": f["allegation_status_exact"],
        "location_match": f["location_match"],
        "reference_date_accuracy": scores["reference_date"]["accuracy"],
    }
