"""Which mentions are one incident: the grouping step of linking, in plain Python.

`group_mentions` joins mentions that share a key, neighbouring sentences that continue one
incident, headlines and an article's single named operation, then hands the groups to the record
linkage of `flows/link/persons.py`. It needs no data frames, so extraction can ask whether an
article's mentions form one incident without loading pandas in every worker process;
`flows/link/keys.py` turns the groups into the incidents_k and evidence_k frames."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from flows.core.model import ArticleExtraction, Mention
from flows.link.persons import DAYS_APART, link_same_incident

_ADJACENT_GAP = 3  # characters between two sentences that follow each other


class UnionFind:
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


@dataclass
class Grouping:
    """Mentions in their sorted order, the union-find over them, the record-linkage review pairs
    (indexes into `mentions`, score, reason) and the groups (root index -> members)."""

    mentions: list[Mention]
    uf: UnionFind
    pairs: list[tuple[int, int, float, str]]
    groups: dict[int, list[Mention]]


def group_mentions(extractions: list[ArticleExtraction]) -> Grouping:
    """The mentions of all `extractions` grouped into incidents (docs/architecture.md, 'How
    linking decides'); deterministic in any input order."""
    mentions = sorted((m for e in extractions for m in e.mentions), key=_sort_key)
    uf = UnionFind(len(mentions))
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
    return Grouping(mentions, uf, pairs, _groups(mentions, uf))


def _groups(mentions: list[Mention], uf: UnionFind) -> dict[int, list[Mention]]:
    groups: dict[int, list[Mention]] = {}
    for i, m in enumerate(mentions):
        groups.setdefault(uf.find(i), []).append(m)
    return groups


def _join_same_place(mentions: list[Mention], i: int, uf: UnionFind) -> None:
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


def _absorb_into_operations(mentions: list[Mention], uf: UnionFind) -> None:
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


def _attach_headlines(mentions: list[Mention], uf: UnionFind) -> None:
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
