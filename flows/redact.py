"""Legal redaction (sexual-offence victims, children), commentator attribution and allegation status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml

RULES_DIR = Path(__file__).parent / "redaction"
MARKER = "[REDACTED]"
TEXT_FIELDS = ("title", "location", "date_text", "outcome_text")
LIST_FIELDS = ("subjects", "officers")
REASON_CHILD = "child involved in proceedings"
REASON_SEXUAL = "victim of a sexual offence (lifelong anonymity)"
REASON_SEXUAL_SHORT = "victim of a sexual offence"
_TOKEN = r"[A-Z](?:[a-z]+|['’][A-Z][a-z]+)(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
CANDIDATE_NAME = re.compile(rf"(?<![\w-])(?<!\w['’]){_TOKEN}(?:\s+{_TOKEN}){{1,2}}(?![\w-])")


class RedactionDecision(NamedTuple):
    """One reviewable decision about one name in one incident."""

    name: str
    decision: str  # withheld | named | kept
    reason: str
    incident_id: str


# ---------------------------------------------------------------- rules (data files) loading


def _load_yaml(stem: str) -> dict[str, Any]:
    path = RULES_DIR / f"{stem}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = stem.rsplit(".v", 1)[0]
    if not isinstance(data, dict) or data.get("name") != stem or not stem.startswith(base + ".v"):
        raise ValueError(f"{path}: expected a mapping whose name is {stem!r}")
    return data


def _compile(pattern: str, where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"{where}: invalid regular expression: {exc}") from exc


def _require(data: dict, key: str, kind: type, where: str):
    value = data.get(key)
    if not isinstance(value, kind) or not value:
        raise ValueError(f"{where}: '{key}' must be a non-empty {kind.__name__}")
    return value


@dataclass(frozen=True)
class IdentityRules:
    sexual_category: str
    attach_window: int
    discovery_window: int
    child_max_age: int
    victim_templates: tuple[tuple[str, str], ...]
    deceased_templates: tuple[str, ...]
    offence_terms: tuple[re.Pattern[str], ...]
    age_patterns: tuple[re.Pattern[str], ...]
    number_words: dict[str, int]
    child_terms: tuple[re.Pattern[str], ...]
    waiver_cues: tuple[re.Pattern[str], ...]
    pseudonyms: tuple[re.Pattern[str], ...]
    titles: frozenset[str]
    not_name_words: frozenset[str]


@cache
def identity_rules(stem: str = "protected_identity.v1") -> IdentityRules:
    """Load and validate the protected-identity rules (patterns as data)."""
    data = _load_yaml(stem)
    where = f"{stem}.yaml"
    macros = _require(data, "macros", dict, where)

    def expand(template: str, label: str) -> str:
        for key, value in macros.items():
            template = template.replace("{" + key + "}", value)
        if "{NAME}" not in template:
            raise ValueError(f"{where}: {label} has no {{NAME}} placeholder")
        _compile(template.replace("{NAME}", "Jane Roe"), f"{where}: {label}")
        return template

    victims = []
    for i, entry in enumerate(_require(data, "victim_patterns", list, where)):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("pattern"):
            raise ValueError(f"{where}: victim_patterns[{i}] needs 'id' and 'pattern'")
        victims.append((entry["id"], expand(entry["pattern"], f"victim pattern {entry['id']}")))
    listed = {
        key: tuple(_compile(p, f"{where}: {key}") for p in _require(data, key, list, where))
        for key in ("offence_terms", "age_patterns", "child_terms", "waiver_cues")
    }
    return IdentityRules(
        sexual_category=_require(data, "sexual_category", str, where),
        attach_window=int(_require(data, "attach_window", int, where)),
        discovery_window=int(_require(data, "discovery_window", int, where)),
        child_max_age=int(_require(data, "child_max_age", int, where)),
        victim_templates=tuple(victims),
        deceased_templates=tuple(
            expand(p, f"deceased pattern {i}")
            for i, p in enumerate(_require(data, "deceased_patterns", list, where))
        ),
        offence_terms=listed["offence_terms"],
        age_patterns=listed["age_patterns"],
        number_words={str(k).lower(): int(v) for k, v in data.get("number_words", {}).items()},
        child_terms=listed["child_terms"],
        waiver_cues=listed["waiver_cues"],
        pseudonyms=tuple(
            _compile(p, f"{where}: pseudonym_patterns", 0)
            for p in _require(data, "pseudonym_patterns", list, where)
        ),
        titles=frozenset(_require(data, "titles", list, where)),
        not_name_words=frozenset(_require(data, "not_name_words", list, where)),
    )


# ---------------------------------------------------------------- names and mentions


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"\s+", name.strip()) if t]


def is_pseudonym(name: str, rules: IdentityRules | None = None) -> bool:
    """True for names the sources already anonymise ("Child Q", "Officer A") and for the marker."""
    rules = rules or identity_rules()
    return any(p.search(name.strip()) for p in rules.pseudonyms)


def is_personal_name(name: str, rules: IdentityRules | None = None) -> bool:
    """A personal name has at least one capitalised token that is not a title ("an autistic boy" has none)."""
    rules = rules or identity_rules()
    return any(t[:1].isupper() and t.strip(".,") not in rules.titles for t in _tokens(name))


def name_variants(name: str, rules: IdentityRules | None = None, partial: bool = True) -> list[str]:
    """The full name without titles, then its surname and first name (longest first)."""
    rules = rules or identity_rules()
    tokens = [t for t in _tokens(name) if t.strip(".,") not in rules.titles]
    if not tokens:
        return [name.strip()] if name.strip() else []
    variants = [" ".join(tokens)]
    if name.strip() != variants[0]:
        variants.insert(0, name.strip())
    if partial and len(tokens) >= 2:
        for t in (tokens[-1], tokens[0]):
            if len(t) >= 2 and t[:1].isupper() and t not in variants:
                variants.append(t)
    return variants


def _name_regex(variants: list[str]) -> str:
    alts = "|".join(r"\s+".join(re.escape(t) for t in v.split()) for v in variants)
    return rf"(?-i:(?<![\w-])(?<!\w['’])(?:{alts})(?![\w-]))"


@cache
def _person_patterns(variants: tuple[str, ...], stem: str) -> dict[str, Any]:
    rules = identity_rules(stem)
    name = _name_regex(list(variants))
    return {
        "mention": re.compile(name, re.IGNORECASE),
        "victim": [
            (vid, re.compile(t.replace("{NAME}", name), re.IGNORECASE))
            for vid, t in rules.victim_templates
        ],
        "deceased": [
            re.compile(t.replace("{NAME}", name), re.IGNORECASE) for t in rules.deceased_templates
        ],
    }


def _age_value(raw: str, rules: IdentityRules) -> int | None:
    raw = raw.lower()
    if raw.isdigit():
        return int(raw)
    if "-" in raw:  # "fifteen" only; compound words above twenty are adults anyway
        return None
    return rules.number_words.get(raw)


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(b[0] - a[1], a[0] - b[1], 0)


_POSSESSIVE_BEFORE = re.compile(r"\b(?:her|his|their|whose|own|my|our|your|of)\s+$", re.IGNORECASE)


def _attached_ages_and_terms(sentence: str, spans: list[tuple[int, int]], window: int, rules):
    ages: list[int] = []
    child_term = False
    for pattern in rules.age_patterns:
        for m in pattern.finditer(sentence):
            value = _age_value(m.group("age"), rules)
            if value is not None and any(_gap(m.span(), s) <= window for s in spans):
                ages.append(value)
    for pattern in rules.child_terms:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue  # the child word is part of the name itself
            if _POSSESSIVE_BEFORE.search(sentence[max(0, m.start() - 12) : m.start()]):
                continue
            if any(_gap(m.span(), s) <= window for s in spans):
                child_term = True
    return ages, child_term


@dataclass
class PersonFindings:
    mentioned: bool = False
    child: bool = False
    sexual_victim: str | None = None  # id of the victim pattern that matched
    waived: bool = False
    deceased: bool = False


def assess_person(
    name: str,
    categories: list[str],
    sentences: list[str],
    discovery: bool = False,
    stem: str = "protected_identity.v1",
) -> PersonFindings:
    """What the evidence sentences say about one person: child, sexual-offence victim, waiver, death."""
    rules = identity_rules(stem)
    variants = tuple(name_variants(name, rules, partial=not discovery))
    pats = _person_patterns(variants, stem)
    window = rules.discovery_window if discovery else rules.attach_window
    found = PersonFindings()
    child_ages: list[int] = []
    adult_ages: list[int] = []
    for sentence in sentences:
        spans = [m.span() for m in pats["mention"].finditer(sentence)]
        if not spans:
            continue
        found.mentioned = True
        ages, term = _attached_ages_and_terms(sentence, spans, window, rules)
        child_ages += [a for a in ages if a <= rules.child_max_age]
        adult_ages += [a for a in ages if a > rules.child_max_age]
        found.child = found.child or term
        if (
            found.sexual_victim is None
            and rules.sexual_category in categories
            and any(t.search(sentence) for t in rules.offence_terms)
        ):
            for vid, pattern in pats["victim"]:
                if pattern.search(sentence):
                    found.sexual_victim = vid
                    break
        found.waived = found.waived or any(c.search(sentence) for c in rules.waiver_cues)
        found.deceased = found.deceased or any(p.search(sentence) for p in pats["deceased"])
    found.child = bool(child_ages) or (found.child and not adult_ages)
    return found


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


def _discover(categories: list[str], sentences: list[str], known: set[str], rules) -> list[str]:
    sexual = rules.sexual_category in categories
    stop = rules.not_name_words | rules.titles
    names: list[str] = []
    for sentence in sentences:
        cues = [
            m.span() for p in rules.age_patterns + rules.child_terms for m in p.finditer(sentence)
        ]
        if sexual and any(t.search(sentence) for t in rules.offence_terms):
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
        f = assess_person(cand, categories, sentences, discovery=True)
        if f.child or f.sexual_victim:
            out.append(cand)
    return out


def redaction_decisions(incidents: pd.DataFrame, evidence: pd.DataFrame) -> list[RedactionDecision]:
    """Every decision about every subject (and every protected person found only in the text)."""
    rules = identity_rules()
    col = _id_col(incidents)
    sentences = _sentences_by_incident(evidence, _id_col(evidence))
    decisions: list[RedactionDecision] = []
    for _, row in incidents.iterrows():
        key = row[col]
        cats = _as_list(row.get("categories"))
        sents = sentences.get(key, [])
        subjects = _as_list(row.get("subjects"))
        for name in subjects:
            if is_pseudonym(name, rules):
                decisions.append(
                    RedactionDecision(name, "kept", "pseudonym used by the sources", key)
                )
            elif not is_personal_name(name, rules):
                decisions.append(RedactionDecision(name, "kept", "a description, not a name", key))
            else:
                decisions.append(decide(name, assess_person(name, cats, sents), key))
        for name in _discover(cats, sents, set(subjects), rules):
            decisions.append(decide(name, assess_person(name, cats, sents, True), key, True))
    return _share_exemptions(decisions)


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


def _replace(text: str, variants: list[str]) -> str:
    if not variants:
        return text
    return re.sub(_name_regex(sorted(set(variants), key=len, reverse=True)), MARKER, text)


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
    local: dict[str, list[tuple[list[str], str]]] = {}
    for d in withheld:
        reason = REASON_CHILD if d.reason.startswith(REASON_CHILD) else REASON_SEXUAL_SHORT
        variants = name_variants(d.name, rules, partial="found in the evidence" not in d.reason)
        local.setdefault(d.incident_id, []).append((variants, reason))

    inc = incidents.copy()
    col = _id_col(inc)
    for field in LIST_FIELDS:
        if field in inc.columns:
            inc[field] = [
                _redact_list(_as_list(v), full_names, local.get(k, []))
                for k, v in zip(inc[col], inc[field], strict=True)
            ]
    for field in TEXT_FIELDS:
        if field in inc.columns:
            inc[field] = [
                _replace(v, full_names + [n for vs, _ in local.get(k, []) for n in vs])
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
        for reason in [REASON_CHILD if d.reason.startswith(REASON_CHILD) else REASON_SEXUAL_SHORT]
    }
    for i, (key, quote) in enumerate(zip(ev[ecol], quotes, strict=True)):
        if not isinstance(quote, str):
            continue
        found: list[str] = []
        new = quote
        for variants, reason in local.get(key, []):
            replaced = _replace(new, variants)
            if replaced != new:
                found.append(reason)
                new = replaced
        for n in full_names:
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


def _redact_list(values: list[str], full_names: list[str], local) -> list[str]:
    names = set(full_names) | {n for vs, _ in local for n in vs}
    out = []
    for v in values:
        if v in names or _replace(v, sorted(names)) != v:
            out.append(MARKER)
        else:
            out.append(v)
    return out


# ---------------------------------------------------------------- attribution and allegation status
# Implemented in flows/attribution.py (kept apart for size); exposed here for the pipeline.


def check_attribution(incidents: pd.DataFrame, evidence: pd.DataFrame):
    """Remove officers whose name only appears as the speaker of a statement; report why."""
    from flows.attribution import check_attribution as impl

    return impl(incidents, evidence)


def enforce_allegation_status(incidents: pd.DataFrame, evidence: pd.DataFrame):
    """Downgrade 'established' to 'alleged' where no evidence sentence reports a finding."""
    from flows.attribution import enforce_allegation_status as impl

    return impl(incidents, evidence)
