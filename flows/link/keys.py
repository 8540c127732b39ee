"""Linking Mentions into incidents within and across articles (incidents_k and evidence_k frames)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from flows.core.model import ArticleExtraction, Mention
from flows.core.util import unique_in_order
from flows.link.groups import UnionFind, group_mentions
from schemas.export import columns
from schemas.vocab import CATEGORIES, outcome_rank

# The published incident columns, keyed by incident_key until publish assigns ids; the title is
# generated after redaction.
INCIDENT_COLUMNS = [
    "incident_key",
    *(c["name"] for c in columns("incidents") if c["name"] not in ("incident_id", "title")),
]
EVIDENCE_COLUMNS = [
    "incident_key",
    "article_id",
    "char_start",
    "char_end",
    "quote",
    "rule_id",
    "classifier_score",
]
_PRECISION = {"day": 3, "month": 2, "year": 1, "unknown": 0}


REVIEW_COLUMNS = ["incident_key", "other_incident_key", "agreement", "reason"]


def link_mentions(extractions: list[ArticleExtraction]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """incidents_k and evidence_k frames (see docs/architecture.md); deterministic in any input order."""
    incidents, evidence, _ = link_mentions_review(extractions)
    return incidents, evidence


def link_mentions_review(
    extractions: list[ArticleExtraction],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`link_mentions`, and the review frame: pairs of incidents alike but not linked
    (`REVIEW_COLUMNS`; flows/link/persons.py says which), one row per pair, by incident_key."""
    grouping = group_mentions(extractions)
    uf, pairs, groups = grouping.uf, grouping.pairs, grouping.groups
    incidents, evidence = [], []
    used_keys: set[str] = set()
    key_of: dict[int, str] = {}
    for root, members in groups.items():
        first = members[0]
        key = f"{first.article_id}:{first.char_start}"
        n = 1
        while key in used_keys:  # several incidents named in one sentence
            n += 1
            key = f"{first.article_id}:{first.char_start}:{n}"
        used_keys.add(key)
        key_of[root] = key
        incidents.append(_incident(key, members))
        seen = set()
        for m in members:
            ev = (m.article_id, m.char_start, m.char_end)
            if ev not in seen:
                seen.add(ev)
                evidence.append(
                    {
                        "incident_key": key,
                        "article_id": m.article_id,
                        "char_start": m.char_start,
                        "char_end": m.char_end,
                        "quote": m.quote,
                        "rule_id": m.rule_id,
                        "classifier_score": m.classifier_score,
                    }
                )
    inc = pd.DataFrame(incidents, columns=INCIDENT_COLUMNS)
    ev = pd.DataFrame(evidence, columns=EVIDENCE_COLUMNS)
    inc = inc.sort_values("incident_key", kind="stable").reset_index(drop=True)
    ev = ev.sort_values(["incident_key", "article_id", "char_start"], kind="stable").reset_index(
        drop=True
    )
    for col in ("date_start", "date_end", "first_reported"):
        inc[col] = (
            pd.to_datetime(inc[col]).astype("datetime64[ns]")
            if len(inc)
            else pd.Series(dtype="datetime64[ns]")
        )
    for col in ("char_start", "char_end", "source_count", "evidence_count"):
        frame = ev if col.startswith("char") else inc
        frame[col] = frame[col].astype("int64")
    ev["classifier_score"] = ev["classifier_score"].astype("float64")
    return inc, ev, _review_frame(pairs, key_of, uf)


def _review_frame(
    pairs: list[tuple[int, int, float, str]], key_of: dict[int, str], uf: UnionFind
) -> pd.DataFrame:
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for a, b, score, reason in pairs:
        ka, kb = key_of[uf.find(a)], key_of[uf.find(b)]
        if ka == kb:
            continue  # linked after all, through another pair
        pair = (min(ka, kb), max(ka, kb))
        if pair not in best or score > best[pair][0]:
            best[pair] = (score, reason)
    rows = [(a, b, score, reason) for (a, b), (score, reason) in sorted(best.items())]
    frame = pd.DataFrame(rows, columns=REVIEW_COLUMNS)
    frame["agreement"] = frame["agreement"].astype("float64")
    return frame


_CLEARING = {"no_case_to_answer", "no_further_action", "acquitted", "management_action"}
_ESTABLISHING = {
    "misconduct_found",
    "written_warning",
    "gross_misconduct_found",
    "dismissed",
    "convicted",
    "apology",
}


def _incident(key: str, members: list[Mention]) -> dict:
    counts = Counter(c for m in members for c in m.categories)
    categories = sorted(counts, key=lambda c: (-counts[c], CATEGORIES.index(c)))
    dated = [
        (m, m.date_start, m.date_end)
        for m in members
        if m.date_precision != "unknown" and m.date_start and m.date_end
    ]
    latest = max(
        dated, key=lambda d: (_PRECISION[d[0].date_precision], -d[1].toordinal()), default=None
    )
    best = latest[0] if latest else None
    if latest and not all(start <= latest[2] and latest[1] <= end for _, start, end in dated):
        best = None  # sources disagree on when it happened: unknown beats wrong
    officers = _drop_partial_names(unique_in_order(o for m in members for o in m.officers))
    officer_keys = {o.lower() for o in officers}
    subjects = unique_in_order(
        s for m in members for s in m.subjects if s.lower() not in officer_keys
    )
    subjects = _drop_partial_names(subjects)
    with_outcome = [m for m in members if m.outcome]
    top = max(with_outcome, key=lambda m: outcome_rank(m.outcome), default=None)
    statuses = {m.allegation_status for m in members}
    status = (
        "established"
        if "established" in statuses
        else "alleged"
        if "alleged" in statuses
        else "unknown"
    )
    outcomes = {m.outcome for m in members}
    if outcomes & _CLEARING and not outcomes & _ESTABLISHING:
        status = "alleged"  # investigated and cleared ("no case to answer"), nothing established
    locations = Counter(m.location for m in members if m.location)
    place = place_of(members)
    reported = [m.reported for m in members if m.reported]
    article_ids = sorted({m.article_id for m in members})
    return {
        "incident_key": key,
        "categories": categories,
        "date_start": pd.Timestamp(best.date_start) if best else pd.NaT,
        "date_end": pd.Timestamp(best.date_end) if best else pd.NaT,
        "date_precision": best.date_precision if best else "unknown",
        "date_text": best.date_text if best else None,
        "first_reported": pd.Timestamp(min(reported)) if reported else pd.NaT,
        "police_forces": sorted(unique_in_order(f for m in members for f in m.police_forces)),
        "location": place[0]
        or (min(locations, key=lambda loc: (-locations[loc], loc)) if locations else None),
        "country": place[1],
        "region": place[2],
        "subjects": subjects,
        "officers": officers,
        "outcome": top.outcome if top else None,
        "outcome_text": top.outcome_text if top else None,
        "allegation_status": status,
        "source_count": len(article_ids),
        "article_ids": article_ids,
        "evidence_count": len({(m.article_id, m.char_start, m.char_end) for m in members}),
    }


def _drop_partial_names(names: list[str]) -> list[str]:
    """Drop 'Baker' when 'Jermaine Baker' is also there."""
    out = []
    for n in names:
        if " " not in n and any(n != o and n in o.split() for o in names):
            continue
        out.append(n)
    return out


# rule ids of acts, not continuations, outcomes or findings: `flows.extract.resources.MISCONDUCT_RULES`
# (any version), which linking, below extraction in the import layers, cannot import
ACT_RULES = "misconduct_rules."


def place_of(members) -> tuple[str | None, str | None, str | None]:
    """(location, country, region) of an incident from its mentions' fields (the most common country,
    a region of that country, the most common location of the mentions in that country that tell
    the act, else of any of them)."""
    countries = Counter(m.country for m in members if m.country)
    if not countries:
        return None, None, None
    country = max(countries, key=lambda c: (countries[c], c))
    regions = Counter(m.region for m in members if m.country == country and m.region)
    region = max(regions, key=lambda r: (regions[r], r)) if regions else None
    placed = [
        m for m in members if m.location and m.country == country and m.region in (None, region)
    ]
    # where the act was told, before where a later sentence goes on ('tased ... in Lehigh Acres.
    # He ... died at a hospital in Fort Myers'): the rule mentions' places first
    acts = [m for m in placed if m.rule_id.startswith(ACT_RULES)]
    locs = Counter(m.location for m in (acts or placed))
    location = min(locs, key=lambda loc: (-locs[loc], loc)) if locs else None
    return location, country, region
