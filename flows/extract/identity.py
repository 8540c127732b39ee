"""Protected identities: the rules (patterns as data) and what a text says about a named person.

Shared by extraction (which reads whole articles) and curation (which redacts the release). A
person is protected when the text around the name says they are a child, or a victim of a sexual
offence (unless they waived anonymity or have died). Next to a sexual-offence word, a named person
whose role the text does not settle is protected too: a wrongly withheld name is a correction, a
wrongly published one cannot be undone (docs/policy.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from flows.core.letters import LOWER, UPPER
from flows.core.model import ProtectedName
from flows.extract.resources import trained_ner

RULES_DIR = Path(__file__).resolve().parent / "patterns"
REASON_CHILD = "child involved in proceedings"
REASON_SEXUAL = "victim of a sexual offence (lifelong anonymity)"
REASON_UNDECIDED = (
    "named beside a sexual-offence report, role not established (withheld by default)"
)
_TOKEN = rf"[{UPPER}](?:[{LOWER}]+|['’][{UPPER}][{LOWER}]+)(?:[{UPPER}][{LOWER}]+)?(?:-[{UPPER}][{LOWER}]+)?"
CANDIDATE_NAME = re.compile(rf"(?<![\w-])(?<!\w['’]){_TOKEN}(?:\s+{_TOKEN}){{1,2}}(?![\w-])")

# ---------------------------------------------------------------- rules (data files) loading


def load_rule_file(stem: str, directory: Path = RULES_DIR) -> dict[str, Any]:
    """A versioned YAML rule file `<directory>/<stem>.yaml` whose `name` is its stem."""
    path = directory / f"{stem}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = stem.rsplit(".v", 1)[0]
    if not isinstance(data, dict) or data.get("name") != stem or not stem.startswith(base + ".v"):
        raise ValueError(f"{path}: expected a mapping whose name is {stem!r}")
    return data


def compile_pattern(pattern: str, where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"{where}: invalid regular expression: {exc}") from exc


def require_key(data: dict, key: str, kind: type, where: str):
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
    role_window: int
    accused_templates: tuple[str, ...]


@cache
def identity_rules(stem: str = "protected_identity.v1") -> IdentityRules:
    """Load and validate the protected-identity rules (patterns as data)."""
    data = load_rule_file(stem)
    where = f"{stem}.yaml"
    macros = require_key(data, "macros", dict, where)

    def expand(template: str, label: str) -> str:
        for key, value in macros.items():
            template = template.replace("{" + key + "}", value)
        if "{NAME}" not in template:
            raise ValueError(f"{where}: {label} has no {{NAME}} placeholder")
        compile_pattern(template.replace("{NAME}", "Jane Roe"), f"{where}: {label}")
        return template

    victims = []
    for i, entry in enumerate(require_key(data, "victim_patterns", list, where)):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("pattern"):
            raise ValueError(f"{where}: victim_patterns[{i}] needs 'id' and 'pattern'")
        victims.append((entry["id"], expand(entry["pattern"], f"victim pattern {entry['id']}")))
    listed = {
        key: tuple(
            compile_pattern(p, f"{where}: {key}") for p in require_key(data, key, list, where)
        )
        for key in ("offence_terms", "age_patterns", "child_terms", "waiver_cues")
    }
    return IdentityRules(
        sexual_category=require_key(data, "sexual_category", str, where),
        attach_window=int(require_key(data, "attach_window", int, where)),
        discovery_window=int(require_key(data, "discovery_window", int, where)),
        child_max_age=int(require_key(data, "child_max_age", int, where)),
        victim_templates=tuple(victims),
        deceased_templates=tuple(
            expand(p, f"deceased pattern {i}")
            for i, p in enumerate(require_key(data, "deceased_patterns", list, where))
        ),
        offence_terms=listed["offence_terms"],
        age_patterns=listed["age_patterns"],
        number_words={str(k).lower(): int(v) for k, v in data.get("number_words", {}).items()},
        child_terms=listed["child_terms"],
        waiver_cues=listed["waiver_cues"],
        pseudonyms=tuple(
            compile_pattern(p, f"{where}: pseudonym_patterns", 0)
            for p in require_key(data, "pseudonym_patterns", list, where)
        ),
        titles=frozenset(require_key(data, "titles", list, where)),
        not_name_words=frozenset(require_key(data, "not_name_words", list, where)),
        role_window=int(require_key(data, "role_window", int, where)),
        accused_templates=tuple(
            expand(p, f"accused pattern {i}")
            for i, p in enumerate(require_key(data, "accused_patterns", list, where))
        ),
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


def name_regex(variants: list[str]) -> str:
    alts = "|".join(r"\s+".join(re.escape(t) for t in v.split()) for v in variants)
    return rf"(?-i:(?<![\w-])(?<!\w['’])(?:{alts})(?![\w-]))"


@cache
def _person_patterns(variants: tuple[str, ...], stem: str) -> dict[str, Any]:
    rules = identity_rules(stem)
    name = name_regex(list(variants))
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


# A child word after these is someone's child or a count of children ("her son", "had five
# children, Jane Roe ..."), not a description of the person named next to it.
_POSSESSIVE_BEFORE = re.compile(
    r"\b(?:her|his|their|whose|own|my|our|your|of|had|has|have|\d+|two|three|four|five|six|"
    r"seven|eight|nine|ten|several|many)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


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
            if _POSSESSIVE_BEFORE.search(sentence[max(0, m.start() - 24) : m.start()]):
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
    sentences: list[str],
    discovery: bool = False,
    stem: str = "protected_identity.v1",
    partial: bool | None = None,
) -> PersonFindings:
    """What the sentences say about one person: child, sexual-offence victim, waiver, death.

    Whether the person is a sexual-offence victim is read from the sentence around the name,
    never from the incident's category (which extraction may get wrong). `discovery` (a name
    found in running text rather than listed as a subject) counts only child words right next
    to the name; `partial` (default: not discovery) also matches the surname or first name alone.
    """
    rules = identity_rules(stem)
    partial = not discovery if partial is None else partial
    variants = tuple(name_variants(name, rules, partial=partial))
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
        if found.sexual_victim is None and any(t.search(sentence) for t in rules.offence_terms):
            for vid, pattern in pats["victim"]:
                if pattern.search(sentence):
                    found.sexual_victim = vid
                    break
        found.waived = found.waived or any(c.search(sentence) for c in rules.waiver_cues)
        found.deceased = found.deceased or any(p.search(sentence) for p in pats["deceased"])
    found.child = bool(child_ages) or (found.child and not adult_ages)
    return found


# ---------------------------------------------------------------- whole texts (extraction stage)


def _occurrences(
    text: str, spans: list[tuple[int, int]], rules: IdentityRules, only: set[int] | None = None
) -> list[tuple[int, str, str]]:
    """(sentence index, name, role from people.find_people) for every personal name in the sentences."""
    from flows.extract.people import find_people

    out = []
    for j, (s, e) in enumerate(spans):
        if only is not None and j not in only:
            continue
        sentence = text[s:e]
        found = find_people(sentence)
        for _, _, name, role in found:
            if is_personal_name(name, rules) and not is_pseudonym(name, rules):
                out.append((j, name, role))
        for m in _TITLED_SURNAME.finditer(sentence):  # "Miss Tallis", "Ms Roe": one-word names
            if not any(m.group("surname") in n for _, _, n, _ in found):
                out.append((j, m.group("surname"), "other"))
    return out


_TITLED_SURNAME = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+(?P<surname>[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?)\b(?!\s+[{UPPER}])"
)


def _owner(surname: str, full_names: list[str]) -> str | None:
    owners = {f for f in full_names if f.split()[-1] == surname or f.split()[0] == surname}
    return next(iter(owners)) if len(owners) == 1 else None


def protected_names(
    text: str, spans: list[tuple[int, int]], stem: str = "protected_identity.v1"
) -> list[ProtectedName]:
    """Every person the article itself says must not be named, decided from the words around them.

    `spans` are the article's sentences (character offsets). Cheap when the text has no
    sexual-offence, child or age word (one scan each). A person is withheld when:
    - a sentence links them to a sexual offence as its victim (and they have not waived
      anonymity and are not reported dead), or an age under 18 or a child word is attached;
    - they are named within `role_window` sentences of a sexual-offence word and nothing in the
      article establishes a role that may be published (officer, accused, official, speaker
      for an organisation): fail closed.
    """
    rules = identity_rules(stem)
    offence = any(t.search(text) for t in rules.offence_terms)
    childish = any(p.search(text) for p in rules.child_terms + rules.age_patterns)
    if not (offence or childish):
        return []
    offence_sentences = [
        j for j, (s, e) in enumerate(spans) if any(t.search(text[s:e]) for t in rules.offence_terms)
    ]
    sentences = [text[s:e] for s, e in spans]
    # Names are looked for only where a decision can come from: around offence words, and in
    # sentences with a child, age or death word (find_people is the costly step).
    relevant = {
        k
        for j in offence_sentences
        for k in range(j - rules.role_window, j + rules.role_window + 1)
        if 0 <= k < len(spans)
    }
    cues = rules.child_terms + rules.age_patterns + (_DEATH_WORD,)
    relevant |= {j for j, s in enumerate(sentences) if any(p.search(s) for p in cues)}
    occurrences = _occurrences(text, spans, rules, relevant)
    full_names = list(dict.fromkeys(n for _, n, _ in occurrences if " " in n))
    by_person: dict[str, list[tuple[int, str]]] = {}
    for j, name, role in occurrences:
        person = name if " " in name else (_owner(name, full_names) or name)
        by_person.setdefault(person, []).append((j, role))
    out: list[ProtectedName] = []
    for person, seen in by_person.items():
        own = sorted({j for j, _ in seen})
        window = sorted({k for j in own for k in range(j - 1, j + 2) if 0 <= k < len(spans)})
        findings = assess_person(
            person, [sentences[k] for k in window], discovery=True, stem=stem, partial=True
        )
        decision = decide_person(
            person, findings, [r for _, r in seen], own, offence_sentences, sentences, rules
        )
        if (
            decision is not None
            and decision.reason == REASON_UNDECIDED
            and _never_a_person(person, [sentences[k] for k in window])
        ):
            continue  # a place, organisation or product the trained entities recognise
        if decision is not None:
            out.append(decision)
    return out


_DEATH_WORD = re.compile(
    r"\b(?:murder\w*|kill\w*|dead|death|died|dies|body|bodies|remains|inquest|funeral|manslaughter|"
    r"strangled|stabbed|late)\b",
    re.IGNORECASE,
)


def decide_person(
    person, findings, roles, own, offence_sentences, sentences, rules
) -> ProtectedName | None:
    """Withhold (with a reason), record an exemption to share, or publish (None) one person."""
    protected = []
    if findings.child and "officer" not in roles:  # an officer is an adult: the child is another
        protected.append(REASON_CHILD)
    if findings.sexual_victim:
        protected.append(f"{REASON_SEXUAL} [{findings.sexual_victim}]")
    near = [j for j in own if any(abs(j - k) <= rules.role_window for k in offence_sentences)]
    if not protected and near:
        if any(r in ("officer", "commentator") for r in roles) or _accused(
            person, sentences, rules
        ):
            return None
        protected.append(REASON_UNDECIDED)
    why = "; ".join(protected) or "no protection cue here"
    # Exemptions are recorded even where nothing protects the person in this article, so that
    # another article's decision about the same person can share them (curate/redact.py).
    if findings.deceased:
        return ProtectedName(person, f"deceased and named by the sources ({why})", withheld=False)
    if findings.waived and not findings.child and protected:
        return ProtectedName(person, f"publicly identified by own choice ({why})", withheld=False)
    if not protected:
        return None
    return ProtectedName(person, why)


@cache
def _accused_patterns(variants: tuple[str, ...], stem: str) -> tuple[re.Pattern[str], ...]:
    rules = identity_rules(stem)
    name = name_regex(list(variants))
    return tuple(
        re.compile(t.replace("{NAME}", name), re.IGNORECASE) for t in rules.accused_templates
    )


def _accused(
    person: str, sentences: list[str], rules: IdentityRules, stem: str = "protected_identity.v1"
) -> bool:
    """The text makes the person the doer or the defendant ("X raped", "X was jailed for", "by X")."""
    pats = _accused_patterns(tuple(name_variants(person, rules)), stem)
    return any(p.search(s) for s in sentences for p in pats)


_NOT_PERSON_LABELS = frozenset(
    {"GPE", "LOC", "ORG", "FAC", "PRODUCT", "NORP", "EVENT", "LAW", "WORK_OF_ART", "LANGUAGE"}
)


def _never_a_person(person: str, sentences: list[str]) -> bool:
    """True when the trained entities label the name only as a non-person (a place, a company).

    Without the trained pipeline, or when any mention is a PERSON or unlabelled, the name stays
    a person: this check can only stop an over-redaction, never publish a protected name.
    """
    nlp = trained_ner()
    if nlp is None:
        return False
    labels = set()
    for doc in nlp.pipe(s for s in sentences if person in s):
        for start in (m.start() for m in re.finditer(re.escape(person), doc.text)):
            span = doc.char_span(start, start + len(person), alignment_mode="expand")
            ents = [
                e.label_
                for e in doc.ents
                if span is not None and e.start < span.end and span.start < e.end
            ]
            labels.update(ents or ["NONE"])
    return bool(labels) and labels <= _NOT_PERSON_LABELS
