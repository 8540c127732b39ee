"""Linking Mentions into incidents within and across articles (incidents_k and evidence_k frames)."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
from rapidfuzz import fuzz, process

from flows.core.model import ArticleExtraction, Mention
from flows.core.util import unique_in_order
from flows.link.persons import DAYS_APART, link_same_incident
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
_ADJACENT_GAP = 3  # characters between two sentences that follow each other


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> int:
        """Join the sets of a and b; the surviving root (the smaller)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
        return min(ra, rb)


def _canonical_keys(mentions: list[Mention]) -> dict[str, str]:
    """Map near-identical person keys (spelling variants) onto one representative key.

    Keys are read in sorted order; a name of several words joins the first representative (in
    sorted order) whose name is 92 % similar, else it becomes a representative. The similar
    representatives are found by one rapidfuzz scan per key (C), not one Python call per pair:
    the same mapping, but no longer quadratic Python as distinct names grow with the corpus."""
    keys = sorted({k for m in mentions for k in m.link_keys if k.startswith("subject:")})
    rep: dict[str, str] = {}
    # Representatives whose name has a space (only those can match), in sorted key order:
    # keys arrive sorted, so appending keeps both lists sorted.
    spaced_keys: list[str] = []
    spaced_names: list[str] = []
    for k in keys:
        name = k.split(":", 1)[1]
        match = None
        if " " in name and spaced_names:
            hits = process.extract(
                name, spaced_names, scorer=fuzz.ratio, score_cutoff=92, limit=None
            )
            if hits:
                match = spaced_keys[min(h[2] for h in hits)]
        if match is not None:
            rep[k] = match
            continue
        rep[k] = k
        if " " in name:
            spaced_keys.append(k)
            spaced_names.append(name)
    return rep


def _sort_key(m: Mention):
    return (
        m.article_id,
        m.char_start,
        m.char_end,
        tuple(m.link_keys),
        tuple(m.categories),
        m.rule_id,
    )


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
    mentions = sorted((m for e in extractions for m in e.mentions), key=_sort_key)
    uf = _UnionFind(len(mentions))
    rep = _canonical_keys(mentions)
    owner: dict[str, int] = {}
    for i, m in enumerate(mentions):
        for k in m.link_keys:
            k = rep.get(k, k)
            if k in owner:
                uf.union(owner[k], i)
            else:
                owner[k] = i
    for i, m in enumerate(mentions):
        if m.link_keys:
            continue
        prev = mentions[i - 1] if i > 0 else None
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        after_prev = prev is not None and _follows(prev, m) and _related(prev, m)
        before_next = nxt is not None and _follows(m, nxt) and _related(m, nxt)
        joined = after_prev or before_next
        if (
            after_prev
            and prev is not None
            and (prev.link_keys or nxt is None or not before_next or not nxt.link_keys)
        ):
            uf.union(
                i - 1, i
            )  # never bridge two neighbours: prefer the one before ("This case...")
        elif before_next:
            uf.union(i, i + 1)
        if not joined:
            _join_same_place(mentions, i, uf)
    _absorb_into_operations(mentions, uf)
    _attach_headlines(mentions, uf)
    pairs: list[tuple[int, int, float, str]] = []
    link_same_incident(_groups(mentions, uf), uf, pairs)
    groups = _groups(mentions, uf)
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
    pairs: list[tuple[int, int, float, str]], key_of: dict[int, str], uf: _UnionFind
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


def _groups(mentions: list[Mention], uf: _UnionFind) -> dict[int, list[Mention]]:
    groups: dict[int, list[Mention]] = {}
    for i, m in enumerate(mentions):
        groups.setdefault(uf.find(i), []).append(m)
    return groups


def _join_same_place(mentions: list[Mention], i: int, uf: _UnionFind) -> None:
    """A keyless mention joins an earlier keyless one of the same article naming the same place."""
    m = mentions[i]
    for j in range(i - 1, -1, -1):
        other = mentions[j]
        if other.article_id != m.article_id:
            return
        if (
            m.location
            and not other.link_keys
            and other.location == m.location
            and not _days_apart(other, m)
        ):
            uf.union(j, i)
            return


def _absorb_into_operations(mentions: list[Mention], uf: _UnionFind) -> None:
    """In an article about exactly one named operation, keyless mentions sharing a category join it."""
    by_article: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_article.setdefault(m.article_id, []).append(i)
    for idx in by_article.values():
        ops = {k for i in idx for k in mentions[i].link_keys if k.startswith("event:operation ")}
        if len(ops) != 1:
            continue
        anchor = next(i for i in idx if ops & set(mentions[i].link_keys))
        changed = True
        while changed:
            changed = False
            group = [i for i in idx if uf.find(i) == uf.find(anchor)]
            cats = {c for i in group for c in mentions[i].categories}
            keyed_roots = {uf.find(i) for i in idx if mentions[i].link_keys}
            for i in idx:
                if uf.find(i) in keyed_roots or not cats & set(mentions[i].categories):
                    continue
                uf.union(anchor, i)
                changed = True


def _attach_headlines(mentions: list[Mention], uf: _UnionFind) -> None:
    """A keyless first sentence (headline) joins the article's next mention sharing a category."""
    for i, m in enumerate(mentions):
        if m.link_keys or (i > 0 and mentions[i - 1].article_id == m.article_id):
            continue
        for j in range(i + 1, len(mentions)):
            other = mentions[j]
            if other.article_id != m.article_id:
                break
            if set(other.categories) & set(m.categories):
                if not _days_apart(m, other):
                    uf.union(i, j)
                break


def _related(a: Mention, b: Mention) -> bool:
    """Neighbouring sentences continue one incident only when they share a category
    (a generic 'other_misconduct' sentence continues anything) and are not dated to days apart."""
    if _days_apart(a, b):
        return False  # each dated to its own day, days apart: two incidents however close the text
    ca, cb = set(a.categories), set(b.categories)
    if ca & cb or ca <= _GENERIC_CATS or cb <= _GENERIC_CATS:
        return True
    return bool(_ANAPHORA.match(b.quote))  # "This treatment came after...", "The list goes on"


def _days_apart(a: Mention, b: Mention) -> bool:
    if a.date_precision != "day" or b.date_precision != "day" or not a.date_start:
        return False
    return b.date_start is not None and abs((a.date_start - b.date_start).days) > DAYS_APART


_GENERIC_CATS = {"other_misconduct"}
_CLEARING = {"no_case_to_answer", "no_further_action", "acquitted", "management_action"}
_ESTABLISHING = {
    "misconduct_found",
    "written_warning",
    "gross_misconduct_found",
    "dismissed",
    "convicted",
    "apology",
}
_ANAPHORA = re.compile(
    r"\s*(?:(?:And|But|Then|Later|Afterwards),?\s+)?(?:This(?!\s+(?:year|week|month|morning|weekend))|It|"
    r"He|She|They|The list|The officers?|The incident)\b"
)


def _follows(a: Mention, b: Mention) -> bool:
    """b is the sentence right after a (or the same sentence) in the same article."""
    return (
        a.article_id == b.article_id
        and -1 <= b.char_start - a.char_end <= _ADJACENT_GAP
        or (a.article_id == b.article_id and a.char_start == b.char_start)
    )


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
