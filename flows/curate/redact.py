"""Legal redaction of a release: sexual-offence victims and children are never named.

Decisions come from the words around each name (flows/extract/identity.py), never from the
incident's category. `redact` withholds every protected name from every field; `leaked_names`
is the release gate that fails validation when a protected name survives anywhere.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, MutableMapping
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from flows.extract.identity import (
    CANDIDATE_NAME,
    REASON_CHILD,
    REASON_SEXUAL,
    REASON_UNDECIDED,
    PersonFindings,
    ProtectedName,
    _gap,
    assess_person,
    identity_rules,
    is_personal_name,
    is_pseudonym,
    name_regex,
    name_variants,
    protected_names,
)

MARKER = "[REDACTED]"
TEXT_FIELDS = ("title", "location", "date_text", "outcome_text")
LIST_FIELDS = ("subjects", "officers")
REASON_SEXUAL_SHORT = "victim of a sexual offence"
REASON_UNDECIDED_SHORT = "named beside a sexual-offence report (withheld by default)"


class RedactionDecision(NamedTuple):
    """One reviewable decision about one name in one incident."""

    name: str
    decision: str  # withheld | named | kept
    reason: str
    incident_id: str


def _short_reason(reason: str) -> str:
    if reason.startswith(REASON_CHILD):
        return REASON_CHILD
    if reason.startswith(REASON_UNDECIDED):
        return REASON_UNDECIDED_SHORT
    return REASON_SEXUAL_SHORT


def decide(name: str, findings: PersonFindings, incident_id: str, discovered: bool = False):
    """Turn findings into a decision with a reason that a reviewer can check."""
    how = " (found in the evidence text)" if discovered else ""
    protected = []
    if findings.child:
        protected.append(REASON_CHILD)
    if findings.sexual_victim:
        protected.append(f"{REASON_SEXUAL} [{findings.sexual_victim}]")
    if not protected:
        return RedactionDecision(
            name, "named", "no child or sexual-offence victim cue" + how, incident_id
        )
    why = "; ".join(protected)
    if findings.deceased:
        return RedactionDecision(
            name, "named", f"deceased and named by the sources ({why}){how}", incident_id
        )
    if findings.waived and not findings.child:
        return RedactionDecision(
            name, "named", f"publicly identified by own choice ({why}){how}", incident_id
        )
    if findings.waived:
        why += "; a child's waiver is not accepted"
    return RedactionDecision(name, "withheld", why + how, incident_id)


# ---------------------------------------------------------------- frames


def _id_col(frame: pd.DataFrame) -> str:
    for col in ("incident_id", "incident_key"):
        if col in frame.columns:
            return col
    raise ValueError("frame needs an incident_id (or incident_key) column")


def _as_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [str(v) for v in list(value)]


def _sentences_by_incident(evidence: pd.DataFrame, col: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, quote in zip(evidence[col], evidence["quote"], strict=True):
        if isinstance(quote, str):
            out.setdefault(key, []).append(quote)
    return out


def _discover(sentences: list[str], known: set[str], rules) -> list[str]:
    """Names in the evidence text (not listed as subjects) that a child or sexual-offence cue touches."""
    stop = rules.not_name_words | rules.titles
    names: list[str] = []
    for sentence in sentences:
        cues = [
            m.span() for p in rules.age_patterns + rules.child_terms for m in p.finditer(sentence)
        ]
        if any(t.search(sentence) for t in rules.offence_terms):
            cues.append((0, len(sentence)))
        if not cues:
            continue
        for m in CANDIDATE_NAME.finditer(sentence):
            if not any(_gap(m.span(), c) <= max(rules.discovery_window, 60) for c in cues):
                continue
            tokens = m.group(0).split()
            while tokens and tokens[0] in stop:
                tokens.pop(0)
            while tokens and tokens[-1] in stop:
                tokens.pop()
            cand = " ".join(tokens)
            if any(p.search(cand) for p in rules.child_terms):
                continue  # "Proud Boys", "Spice Girls": a name containing a child word is no person
            if len(tokens) >= 2 and cand not in known and cand not in names:
                names.append(cand)
    out = []
    for cand in names:
        f = assess_person(cand, sentences, discovery=True)
        if f.child or f.sexual_victim:
            out.append(cand)
    return out


def _quotes_by_article(
    evidence: pd.DataFrame, col: str
) -> dict[str, dict[str, list[tuple[int, str]]]]:
    """incident -> article -> [(char_start, quote)] in text order."""
    out: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for key, aid, start, quote in zip(
        evidence[col],
        evidence["article_id"],
        evidence["char_start"],
        evidence["quote"],
        strict=True,
    ):
        if isinstance(quote, str):
            out.setdefault(key, {}).setdefault(aid, []).append((int(start), quote))
    return {k: {a: sorted(v) for a, v in arts.items()} for k, arts in out.items()}


def _text_decisions(key: str, by_article: dict[str, list[tuple[int, str]]], officers: list[str]):
    """Fail-closed decisions from the quotes of one incident read as one text per article."""
    out = []
    listed = {o.lower() for o in officers}
    for quotes in by_article.values():
        text = "\n".join(q for _, q in quotes)
        spans, at = [], 0
        for _, q in quotes:
            spans.append((at, at + len(q)))
            at += len(q) + 1
        for p in protected_names(text, spans):
            if not p.withheld:
                out.append(RedactionDecision(p.name, "named", p.reason + " (evidence text)", key))
                continue
            if p.name.lower() in listed and p.reason == REASON_UNDECIDED:
                continue  # listed as an officer of this incident: a role that may be published
            out.append(RedactionDecision(p.name, "withheld", p.reason + " (evidence text)", key))
    return out


def redaction_decisions(
    incidents: pd.DataFrame,
    evidence: pd.DataFrame,
    article_protected: dict[str, list[ProtectedName]] | None = None,
    memo: MutableMapping[str, list[tuple[str, str, str]]] | None = None,
) -> list[RedactionDecision]:
    """Every decision about every subject, and every protected person found in the text.

    Protection is decided from the words around each name, never from the incident's category:
    the subjects' own sentences, the incident's quotes read in order (fail closed next to a
    sexual-offence word), and `article_protected`, what extraction decided from each whole
    article (article id -> names), which applies to every incident citing that article.

    An incident's own decisions depend only on its subjects, officers, quotes and its articles'
    protected names: with `memo` (a store that lives as long as the code that decides, e.g.
    `flows.runtime.cache.StageMemo`), they are looked up by a digest of those inputs and only an
    incident whose inputs changed is assessed again. The cross-incident rules (officers named
    elsewhere, shared exemptions) always run over every decision.
    """
    rules = identity_rules()
    col = _id_col(incidents)
    ecol = _id_col(evidence)
    sentences = _sentences_by_incident(evidence, ecol)
    quotes = _quotes_by_article(evidence, ecol)
    protected = article_protected or {}
    decisions: list[RedactionDecision] = []
    for key, subjects_v, officers_v in zip(
        incidents[col],
        incidents["subjects"] if "subjects" in incidents else [None] * len(incidents),
        incidents["officers"] if "officers" in incidents else [None] * len(incidents),
        strict=True,
    ):
        subjects, officers = _as_list(subjects_v), _as_list(officers_v)
        sents = sentences.get(key, [])
        by_article = quotes.get(key, {})
        found = None
        if memo is not None:
            digest = _incident_digest(subjects, officers, sents, by_article, protected)
            found = memo.get(digest)
        if found is None:
            found = _incident_decisions(subjects, officers, sents, by_article, protected, rules)
            if memo is not None:
                memo[digest] = found
        decisions += [RedactionDecision(n, d, r, key) for n, d, r in found]
    return _share_exemptions(_officers_elsewhere(incidents, decisions))


def _incident_digest(
    subjects: list[str],
    officers: list[str],
    sents: list[str],
    by_article: dict[str, list[tuple[int, str]]],
    protected: dict[str, list[ProtectedName]],
) -> str:
    """SHA-256 of everything one incident's decisions are made from, in the order they are read."""
    parts = [
        subjects,
        officers,
        sents,
        [
            [aid, quotes, [[p.name, p.reason, p.withheld] for p in protected.get(aid, [])]]
            for aid, quotes in by_article.items()
        ],
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def _incident_decisions(
    subjects: list[str],
    officers: list[str],
    sents: list[str],
    by_article: dict[str, list[tuple[int, str]]],
    protected: dict[str, list[ProtectedName]],
    rules,
) -> list[tuple[str, str, str]]:
    """(name, decision, reason) for one incident, before the cross-incident rules."""
    out: list[RedactionDecision] = []
    for name in subjects:
        if is_pseudonym(name, rules):
            out.append(RedactionDecision(name, "kept", "pseudonym used by the sources", ""))
        elif not is_personal_name(name, rules):
            out.append(RedactionDecision(name, "kept", "a description, not a name", ""))
        else:
            out.append(decide(name, assess_person(name, sents), ""))
    for name in _discover(sents, set(subjects), rules):
        out.append(decide(name, assess_person(name, sents, True), "", True))
    out += _text_decisions("", by_article, officers)
    for aid in by_article:
        for p in protected.get(aid, []):
            decision = "withheld" if p.withheld else "named"
            out.append(RedactionDecision(p.name, decision, p.reason + " (article text)", ""))
    return [(d.name, d.decision, d.reason) for d in out]


def _officers_elsewhere(incidents: pd.DataFrame, decisions: list[RedactionDecision]):
    """A name withheld only because its role was unsettled is published when the release lists
    that person as an officer of an incident (another article settled the role)."""
    officers = {o.lower() for v in incidents.get("officers", []) for o in _as_list(v)}
    out = []
    for d in decisions:
        undecided = d.decision == "withheld" and d.reason.startswith(REASON_UNDECIDED)
        if undecided and d.name.lower() in officers:
            d = d._replace(decision="named", reason="an officer in this release: " + d.reason)
        out.append(d)
    return out


def _share_exemptions(decisions: list[RedactionDecision]) -> list[RedactionDecision]:
    """A person reported dead or self-identified in one incident is named in all of them."""
    exempt = {
        d.name: d
        for d in decisions
        if d.decision == "named" and d.reason.startswith(("deceased", "publicly identified"))
    }
    out = []
    for d in decisions:
        e = exempt.get(d.name)
        if (
            d.decision == "withheld"
            and e
            and not (d.reason.startswith(REASON_CHILD) and e.reason.startswith("publicly"))
        ):
            d = d._replace(decision="named", reason=f"{e.reason} (per incident {e.incident_id})")
        out.append(d)
    return out


_WORD = re.compile(r"\w+")


class _NameIndex:
    """Name variants by their first word, so that a text is matched only against the variants
    that can occur in it. A variant matches only where its first word stands as a whole word
    (name_regex: no word character or hyphen before it, whitespace, an apostrophe, a hyphen or
    the end after it), so a variant whose first word the text lacks cannot match: the result is
    the one of matching all of them, and a release with thousands of withheld names costs a set
    look-up per text instead of one scan per name list."""

    def __init__(self, variants: Iterable[str]) -> None:
        self.by_first: dict[str, list[str]] = {}
        self.always: list[str] = []  # no word character to index by
        for v in sorted(set(variants)):
            m = _WORD.search(v)
            if m is None:
                self.always.append(v)
            else:
                self.by_first.setdefault(m.group(), []).append(v)

    def __bool__(self) -> bool:
        return bool(self.by_first or self.always)

    def in_text(self, text: str) -> list[str]:
        """The variants that can match in `text`, in sorted order."""
        words = self.by_first.keys() & set(_WORD.findall(text))
        return sorted([*self.always, *(v for w in words for v in self.by_first[w])])


def _replace(text: str, variants: list[str]) -> str:
    if not variants:
        return text
    return _name_pattern(tuple(sorted(set(variants), key=len, reverse=True))).sub(MARKER, text)


@lru_cache(maxsize=1 << 16)
def _name_pattern(variants: tuple[str, ...]) -> re.Pattern[str]:
    """The compiled name_regex of these variants: the same few name lists are matched against
    every quote of a release, more distinct lists than `re`'s own cache of 512 patterns holds."""
    return re.compile(name_regex(list(variants)))


def redact(
    incidents: pd.DataFrame,
    evidence: pd.DataFrame,
    decisions: list[RedactionDecision] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Withhold protected names from subjects/officers, text fields and quotes; offsets are kept.

    Full names are removed everywhere in the release; surname-only and first-name-only mentions
    are removed within the incidents the person belongs to. Redacted quotes get is_redacted True
    and a redaction_reason; rows already redacted keep their flag and reason.
    """
    rules = identity_rules()
    decisions = redaction_decisions(incidents, evidence) if decisions is None else decisions
    withheld = [d for d in decisions if d.decision == "withheld"]
    full_names = sorted({v for d in withheld for v in name_variants(d.name, rules, partial=False)})
    full_index = _NameIndex(full_names)
    # incident -> (variants, reason) of each person withheld in it, once each: an incident told
    # by many articles holds many decisions about the same person
    local: dict[str, list[tuple[list[str], str]]] = {}
    for d in withheld:
        reason = _short_reason(d.reason)
        variants = name_variants(d.name, rules, partial="found in the evidence" not in d.reason)
        entries = local.setdefault(d.incident_id, [])
        if (variants, reason) not in entries:
            entries.append((variants, reason))
    # incident -> every variant withheld in it: one scan tells whether a quote names any of them
    local_any = {
        k: tuple(sorted({n for vs, _ in entries for n in vs})) for k, entries in local.items()
    }

    inc = incidents.copy()
    col = _id_col(inc)
    for field in LIST_FIELDS:
        if field in inc.columns:
            inc[field] = [
                _redact_list(_as_list(v), full_index, local.get(k, []))
                for k, v in zip(inc[col], inc[field], strict=True)
            ]
    for field in TEXT_FIELDS:
        if field in inc.columns:
            inc[field] = [
                _replace(v, full_index.in_text(v) + [n for vs, _ in local.get(k, []) for n in vs])
                if isinstance(v, str)
                else v
                for k, v in zip(inc[col], inc[field], strict=True)
            ]

    ev = evidence.copy()
    ecol = _id_col(ev)
    flags = (
        ev["is_redacted"].fillna(False).astype(bool).tolist()
        if "is_redacted" in ev
        else [False] * len(ev)
    )
    reasons = ev["redaction_reason"].tolist() if "redaction_reason" in ev else [None] * len(ev)
    quotes = ev["quote"].tolist()
    full_reason = {
        n: reason
        for d in withheld
        for n in name_variants(d.name, rules, partial=False)
        for reason in [_short_reason(d.reason)]
    }
    for i, (key, quote) in enumerate(zip(ev[ecol], quotes, strict=True)):
        if not isinstance(quote, str):
            continue
        found: list[str] = []
        new = quote
        entries = local.get(key, [])
        if entries and not _name_pattern(local_any[key]).search(new):
            entries = []
        for variants, reason in entries:
            replaced = _replace(new, variants)
            if replaced != new:
                found.append(reason)
                new = replaced
        # Most quotes name none of the withheld full names: only those that can occur are tried.
        if full_index:
            for n in full_index.in_text(new):
                replaced = _replace(new, [n])
                if replaced != new:
                    found.append(full_reason[n])
                new = replaced
        if found:
            quotes[i] = new
            flags[i] = True
            old = (
                [r for r in (reasons[i] or "").split("; ") if r]
                if isinstance(reasons[i], str)
                else []
            )
            reasons[i] = "; ".join(dict.fromkeys(old + found))
    ev["quote"] = quotes
    ev["is_redacted"] = pd.Series(flags, index=ev.index, dtype=bool)
    ev["redaction_reason"] = pd.Series(
        [r if f and isinstance(r, str) else None for r, f in zip(reasons, flags, strict=True)],
        index=ev.index,
        dtype=object,
    )
    return inc, ev


def _redact_list(values: list[str], full_index: _NameIndex, local) -> list[str]:
    names = {n for vs, _ in local for n in vs}
    out = []
    for v in values:
        candidates = names | set(full_index.in_text(v))
        if v in candidates or _replace(v, sorted(candidates)) != v:
            out.append(MARKER)
        else:
            out.append(v)
    return out


# ---------------------------------------------------------------- the release gate


def leaked_names(
    incidents: pd.DataFrame, evidence: pd.DataFrame, decisions: list[RedactionDecision]
) -> list[str]:
    """Every place where a withheld name still stands in a release (empty when none).

    A withheld person's full name may appear nowhere (any quote, title, subject, officer or
    text field of any incident); their surname or first name nowhere in the incidents they
    belong to. Validation fails the release on any finding.
    """
    rules = identity_rules()
    withheld = [d for d in decisions if d.decision == "withheld"]
    if not withheld:
        return []
    everywhere = _NameIndex(
        v for d in withheld for v in name_variants(d.name, rules, partial=False)
    )
    local: dict[str, set[str]] = {}
    for d in withheld:
        partial = "found in the evidence" not in d.reason
        local.setdefault(d.incident_id, set()).update(name_variants(d.name, rules, partial=partial))
    found: list[str] = []

    def check(where: str, key: str, value: str) -> None:
        names = everywhere.in_text(value) + sorted(local.get(key, ()))
        if names and _replace(value, names) != value:
            found.append(f"{where}: a withheld name survives in {value[:80]!r}")

    col = _id_col(incidents)
    for _, row in incidents.iterrows():
        key = row[col]
        for field in TEXT_FIELDS:
            if isinstance(row.get(field), str):
                check(f"incident {key} {field}", key, row[field])
        for field in LIST_FIELDS:
            for value in _as_list(row.get(field)):
                check(f"incident {key} {field}", key, value)
    ecol = _id_col(evidence)
    for key, eid, quote in zip(
        evidence[ecol], evidence.get("evidence_id", evidence[ecol]), evidence["quote"], strict=True
    ):
        if isinstance(quote, str):
            check(f"evidence {eid} quote", key, quote)
    return found


def protected_by_article(extractions) -> dict[str, list[ProtectedName]]:
    """article id -> the people extraction found the whole article says must be withheld."""
    return {x.article_id: list(x.protected) for x in extractions if x.protected}
