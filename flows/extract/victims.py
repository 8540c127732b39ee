"""The person harmed in a one-case account (an MPV description, a newsroom narrative of one death),
read from the trained pipeline's tags, parse and entities over the whole document.

Such accounts often name the person in a sentence other than the evidence sentence ("Perry
apparently came out with a gun ... and was shot and killed"; "Officers fired on Fischer"), and
the small model often misses or mislabels a bare surname ("Derby" as ORG). So a name here is a
PERSON entity or a run of proper nouns (`NNP`) that no place, date or longer organisation entity
covers. The parse overrules a label the model gives a lone surname (a place, an organisation, a
law, a product): a word harmed ("shot Delaney", tagged LAW), or one that acts or is acted on
("Okwuosa pointed a gun", "to arrest Okwuosa") and is no known place, is a name; so is a
capitalised word inside a sentence that acts and that the text never writes in lower case. A
word used alone that starts one full name ("Thomas" of "Thomas Keller") is that person. Each name
is scored from its role in the parse, grouped by surname over the document:

- harmed: object or passive subject of a harm verb ("shot Hickson", "Lambert was killed", through
  coordination or apposition: "The man, Okwuosa, was shot"), object of "fired at/on", subject of
  "died", a name followed by its age ("X, 34,");
- an officer: after a police title ("Deputy X", "officers X and Y", "MBN Agent X"), or in apposition
  to or coordinated with one (through a whole list: "officers A, B, C and D"); a speaker: subject
  of a speech verb, after "spokesperson", "Sheriff"; neither is ever the person harmed.

The winner is the surname with the most signals (each occurrence counts once, harm signals three
times), when one leads. Word lists are data: `patterns/victim_roles.v1.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from flows.core.letters import LOWER, UPPER
from flows.extract.resources import PATTERNS, RuleFileError

ROLES = "victim_roles.v1"
_NOT_NAME_LABELS = {
    "GPE", "LOC", "FAC", "DATE", "TIME", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
    "MONEY", "QUANTITY", "PERCENT", "ORDINAL", "CARDINAL", "LANGUAGE",
}  # fmt: skip
# labels the small model gives a lone surname it does not know ('Delaney' as LAW, 'Derby' as ORG);
# never a date, a time or a number
_MISREAD_NAME_LABELS = {
    "GPE", "LOC", "FAC", "ORG", "LAW", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP", "LANGUAGE",
}  # fmt: skip
_ACTOR_ROLES = ("nsubj", "nsubjpass", "dobj")
_CLAUSE_ROLES = ("nsubj", "nsubjpass", "dobj", "pobj", "poss", "attr", "dative")
_WORD = re.compile(
    rf"(?:O['’]|D['’])?[{UPPER}][{LOWER}]+(?:[{UPPER}][{LOWER}]+)?(?:[-'’][{UPPER}]?[{LOWER}]+)*"
)
_INITIAL = re.compile(r"[A-Z]\.")
_LOCATIVES = frozenset({"in", "at", "near", "outside", "from", "across", "throughout"})
_SUFFIX = re.compile(r"(?:Jr|Sr|II|III|IV)\.?")


@cache
def roles() -> dict[str, frozenset[str]]:
    data = yaml.safe_load((PATTERNS / f"{ROLES}.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != ROLES:
        raise RuleFileError(f"{ROLES}.yaml: expected a mapping named {ROLES}")
    out = {}
    for key, words in data.items():
        if key == "name":
            continue
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RuleFileError(f"{ROLES}.yaml: {key!r} must be a list of words")
        out[key] = frozenset(w.lower() for w in words)
    return out


@dataclass
class Person:
    """One surname's occurrences in a document and what the parse says about them."""

    surname: str
    full: str
    count: int = 0
    harmed: int = 0
    officer: bool = False
    speaker: bool = False
    speech: int = 0
    agent: int = 0
    clause: int = 0  # occurrences as a subject or object, not only a label ('(Newswire)')
    names: set[str] = field(default_factory=set)

    @property
    def score(self) -> int:
        return self.count + 3 * self.harmed

    @property
    def eligible(self) -> bool:
        return not self.officer and not (
            (self.speaker or self.speech >= self.count) and not self.harmed
        )


def _name_forms(doc: Any) -> set[str]:
    """Words the document uses as names somewhere: a proper noun, a PERSON, a one-word ORG (the
    small model tags a sentence-initial surname as a common noun, or a surname as ORG)."""
    lex = roles()
    # nor is a word of the harm ('He was then Tasered a second time', tagged a proper noun)
    skip = (
        lex["officer_titles"]
        | lex["speaker_nouns"]
        | lex["plain_titles"]
        | lex["not_names"]
        | lex["harm_verbs"]
    )
    one_word_orgs = {e.start for e in doc.ents if e.label_ == "ORG" and len(e) == 1}
    lower = {t.text for t in doc if t.text.islower()}
    return {
        t.text
        for t in doc
        # a capitalised first word of a sentence (a headline's 'Man hospitalized after ...',
        # 'Pedestrian hurt ...') that the text also writes in lower case is a common word
        if not (t.is_sent_start and t.lower_ in lower)
        and (
            t.tag_ == "NNP"
            or t.ent_type_ == "PERSON"
            or t.i in one_word_orgs
            # a capitalised word inside a sentence that was shot or struck ('shot Fairbanks',
            # tagged a plural common noun), or that acts or is acted on and the text never
            # writes in lower case ('Police pulled Day over')
            or (
                not t.is_sent_start
                and t.tag_ not in ("PRP", "PRP$", "DT", "WP", "WDT")  # 'He' after 'p.m.'
                and (
                    _harm_role(t, lex)
                    or (
                        t.dep_ in _ACTOR_ROLES and t.tag_.startswith("NN") and t.lower_ not in lower
                    )
                )
            )
        )
        and _WORD.fullmatch(t.text)
        and t.lower_ not in skip
    }


def name_spans(doc: Any) -> list[tuple[int, int]]:
    """Token spans (start, end) of the names of a parsed document (see the module docstring)."""
    forms = _name_forms(doc)

    def name_token(tok: Any) -> bool:
        return tok.text in forms or (bool(_INITIAL.fullmatch(tok.text)) and tok.tag_ == "NNP")

    found: list[tuple[int, int, set[str]]] = []
    i = 0
    while i < len(doc):
        if doc[i].text not in forms:
            i += 1
            continue
        j = i + 1
        while j < len(doc):
            if name_token(doc[j]) or _SUFFIX.fullmatch(doc[j].text):
                j += 1
            elif (  # 'Bost-McMurray', 'Huron-Macias': one double-barrelled surname
                doc[j].text == "-"
                and not doc[j - 1].whitespace_
                and not doc[j].whitespace_
                and j + 1 < len(doc)
                and _WORD.fullmatch(doc[j + 1].text)
            ):
                j += 2
            else:
                break
        while j > i + 1 and not _WORD.fullmatch(doc[j - 1].text):
            j -= 1  # never end on an initial
        labels = {t.ent_type_ for t in doc[i:j]} - {""}
        streets = roles()["street_words"]
        if doc[j - 1].lower_ in streets or (j < len(doc) and doc[j].lower_ in streets):
            i = j  # a street ('on Blanding Boulevard', 'at Fayetteville and Hargett streets')
            continue
        if _institution(doc, i, j):
            i = j  # 'the Police Ombudsman', 'a Broward Sheriff's Office deputy'
            continue
        if "ORG" in labels:  # a one-word ORG is often a surname; a longer one an organisation
            orgs = [e for e in doc.ents if e.label_ == "ORG" and e.start < j and i < e.end]
            if not all(e.start >= i and e.end <= j and len(e) == 1 for e in orgs):
                labels.add("FAC")
        found.append((i, j, labels))
        i = j
    lex = roles()
    # nobody shoots a town or a law: 'Police fatally shot Atencio' (tagged GPE), 'An officer shot
    # Delaney' (tagged LAW) name a person; and a surname the model reads as a name once (or finds
    # harmed once) is a name where it reads a place ('Vail')
    persons = {
        doc[j - 1].text
        for i, j, labels in found
        if not (labels & _NOT_NAME_LABELS)
        or (labels <= _MISREAD_NAME_LABELS and _harm_role(doc[j - 1], lex))
        or (labels <= _MISREAD_NAME_LABELS and _acts_unplaced(doc[i:j], lex))
    }
    return [
        (i, j)
        for i, j, labels in found
        if not (labels & _NOT_NAME_LABELS)
        or (doc[j - 1].text in persons and labels <= _MISREAD_NAME_LABELS)
        # a PERSON surname after a first name read as a place ('Akinyia Malik Jerome Gray')
        or (doc[j - 1].ent_type_ == "PERSON" and labels <= _MISREAD_NAME_LABELS | {"PERSON"})
    ]


def _institution(doc: Any, start: int, end: int) -> bool:
    """The capitalised words start..end are part of an institution's name: a word that is never a
    name (`not_names`: Police, County, Office ...) comes right before them in the same name, or
    right after them, after a possessive ('the Police Ombudsman', 'Broward Sheriff's Office')."""
    never = roles()["not_names"]
    before = doc[start - 1] if start > 0 else None
    if before is not None and before.lower_ in never and before.text[:1].isupper():
        return True
    k = end + 1 if end < len(doc) and doc[end].lower_ in ("'s", "’s") else end
    return k < len(doc) and doc[k].lower_ in never and doc[k].text[:1].isupper()


def street_follows(text: str, end: int) -> bool:
    """A kind of street comes right after `end`: the name before it is a street's ('Hargett
    streets', 'Blanding Boulevard')."""
    m = re.match(r"\s+([A-Za-z]+\.?)", text[end:])
    return m is not None and m.group(1).lower() in roles()["street_words"]


def _acts_unplaced(span: Any, lex) -> bool:
    """One word that acts or is acted on ('Barrios pointed the firearms', 'to arrest Camp'), not
    said, and no known place: a surname the small model read as a place or a product."""
    from flows.extract.places import resolve

    tok = span[-1]
    return (
        len(span) == 1
        and _conj_root(tok).dep_ in _ACTOR_ROLES
        and _conj_root(tok).head.lower_ not in lex["speech_verbs"]
        and resolve(tok.text) is None
    )


def _strip_titles(doc: Any, start: int, end: int, lex) -> tuple[int, bool]:
    """(first token of the name proper, whether a police title stood before it)."""
    officer = False
    while start < end - 1 and doc[start].lower_ in lex["officer_titles"] | lex["plain_titles"]:
        officer = officer or doc[start].lower_ in lex["officer_titles"]
        start += 1
    k = start - 1
    if k > 0 and doc[k].text == "." and len(doc[k - 1].text) <= 4 and not doc[k - 1].whitespace_:
        k -= 1  # 'Sgt. Nagel' (an abbreviated title), never 'the officer. Matt'
    if k >= 0 and doc[k].lower_.rstrip(".") in {t.rstrip(".") for t in lex["officer_titles"]}:
        officer = True
    if k >= 0 and doc[k].lower_ in lex["speaker_nouns"]:
        return start, officer
    return start, officer


def _undergoes(verb: Any, lex) -> bool:
    """A later verb of the clause sharing this subject: passive harm or death ('... and was shot')."""
    for c in verb.conjuncts:
        if c.i < verb.i or any(x.dep_ in ("nsubj", "nsubjpass") for x in c.children):
            continue
        if c.lower_ in lex["death_verbs"]:
            return True
        if c.lower_ in lex["harm_verbs"] and any(x.dep_ == "auxpass" for x in c.children):
            return True
    return False


def _conj_root(tok: Any) -> Any:
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok


def _list_root(tok: Any) -> Any:
    """The first name of a list of names ('Olsen' of 'Dan Olsen, Pete Marsh and Kevin Lind', which
    the parse chains through apposition and coordination)."""
    while tok.dep_ in ("conj", "appos") and tok.head is not tok and tok.head.tag_ == "NNP":
        tok = tok.head
    return tok


def _police_word(tok: Any, lex) -> bool:
    return tok.lower_ in lex["officer_titles"]


def analyse(
    doc: Any,
    known_officers: Collection[str] = frozenset(),
    known_speakers: Collection[str] = frozenset(),
) -> dict[str, Person]:
    """Surname (lower case) -> Person, for every name of a parsed document."""
    lex = roles()
    people: dict[str, Person] = {}
    occurrences: list[tuple[int, Person, bool]] = []
    for start, end in name_spans(doc):
        start, titled = _strip_titles(doc, start, end, lex)
        words = [w for w in doc[start:end].text.split() if not _SUFFIX.fullmatch(w.rstrip(","))]
        root = doc[end - 1]
        if not words or (root.dep_ == "compound" and not start <= root.head.i < end):
            continue  # a modifier ('their Roswell home', 'Greater Manchester Police'), not a person
        if start > 0 and doc[start - 1].lower_ in lex["determiners"]:
            continue  # 'in a Jimmy's Diner', 'his Dodge Journey': a business or a thing
        if end - start == 1 and start > 0 and doc[start - 1].lower_ in _LOCATIVES:
            from flows.extract.places import resolve

            if resolve(doc[start].text) is not None:
                continue  # 'an apartment complex in Mesa' (tagged ORG): a town
        last = re.sub(r"['’]s?$", "", words[-1])
        key = last.lower()
        full = " ".join(w for w in words)
        p = people.setdefault(key, Person(last, full))
        if len(full) > len(p.full) and set(p.full.split()) <= set(words):
            # 'Lowery', then 'Tamika Lowery': the fuller form of one name; 'Gwendolyn Lowery'
            # after 'Tamika Lowery' is her mother, not a fuller form of her name
            p.full = full
        p.names.add(full.lower())
        p.count += 1
        occurrences.append((start, p, _conj_root(root).dep_ in ("nsubj", "nsubjpass")))
        first = _conj_root(root)
        head = first.head
        before = doc[start - 1] if start > 0 else None
        # officers: a police title before, or in apposition to / coordinated with a police noun
        if titled or (before is not None and _police_word(before, lex)):
            p.officer = True
        if first.dep_ in ("appos", "compound") and _police_word(head, lex):
            p.officer = True
        listed = _list_root(root)
        if listed is not root and _officer_at(doc, listed, lex):
            p.officer = True  # 'officers Dan Olsen, Pete Marsh and Kevin Lind shot him'
        # speakers
        if first.dep_ == "nsubj" and head.lower_ in lex["speech_verbs"]:
            p.speech += 1  # a speaker, unless the account also names them otherwise
        if before is not None and before.lower_ in lex["speaker_nouns"]:
            p.speaker = True
        if first.dep_ == "appos" and head.lower_ in lex["speaker_nouns"]:
            p.speaker = True
        if first.dep_ in _CLAUSE_ROLES:
            p.clause += 1
        # harmed, or doing harm
        if _harm_role(root, lex):
            p.harmed += 1
        elif first.dep_ == "nsubj" and head.lower_ in lex["harm_verbs"]:
            p.agent += 1
        if (
            end + 2 < len(doc)
            and doc[end].text == ","
            and doc[end + 1].like_num
            and doc[end + 2].text in (",", ")")
        ):
            p.harmed += 1  # 'Hickson, 34, ...': the age a description gives its subject
    for key, p in people.items():
        if key in known_officers or any(n in known_officers for n in p.names):
            p.officer = True
        if key in known_speakers or any(n in known_speakers for n in p.names):
            p.speaker = True
    _pronouns(doc, people, occurrences, lex)
    _first_names(people)
    return people


def _first_names(people: dict[str, Person]) -> None:
    """A word used alone that starts exactly one full name of the account ('Thomas Allen' ...
    'shot Thomas') is that person's first name, not another person."""
    for key, p in list(people.items()):
        if " " in p.full:
            continue
        owners = [
            q
            for k, q in people.items()
            if k != key and " " in q.full and q.full.split()[0] == p.full
        ]
        if len(owners) != 1:
            continue
        q = owners[0]
        q.count += p.count
        q.harmed += p.harmed
        q.officer = q.officer or p.officer
        q.speaker = q.speaker or p.speaker
        q.speech += p.speech
        q.agent += p.agent
        q.clause += p.clause
        del people[key]


def _harm_role(tok: Any, lex) -> bool:
    first = _conj_root(tok)
    if first.dep_ == "appos" and first.head is not first:
        first = _conj_root(first.head)  # 'The man, Mwaura, was shot'
    dep, head = first.dep_, first.head
    if dep in ("dobj", "nsubjpass") and head.lower_ in lex["harm_verbs"]:
        return True
    if dep == "pobj" and head.lower_ in lex["fire_prepositions"]:
        return head.head.lower_ in lex["harm_verbs"]
    if dep == "nsubjpass" and any(c.lower_ == "dead" for c in head.children):
        return True  # 'Wheeler was pronounced dead'
    return dep == "nsubj" and (head.lower_ in lex["death_verbs"] or _undergoes(head, lex))


def _pronouns(doc: Any, people: dict[str, Person], occurrences, lex) -> None:
    """'... an officer shot him': a personal pronoun harmed counts for the person last named as a
    subject before it who is neither an officer nor a speaker (a description follows one person;
    'he ran into the Hidden Meadows townhome community ... police shot him' is not about a place)."""
    for tok in doc:
        if tok.lower_ not in lex["personal_pronouns"] or not _harm_role(tok, lex):
            continue
        before = [(p, subj) for i, p, subj in occurrences if i < tok.i and p.eligible]
        subjects = [p for p, subj in before if subj]
        if subjects:
            subjects[-1].harmed += 1


def _officer_at(doc: Any, first: Any, lex) -> bool:
    """The first conjunct of a list is an officer ('officers Jeremy Doverspike and Dan Peck')."""
    i = first.left_edge.i
    before = doc[i - 1] if i > 0 else None
    return bool(
        (before is not None and _police_word(before, lex))
        or (first.dep_ in ("appos", "compound") and _police_word(first.head, lex))
        or any(_police_word(t, lex) for t in first.lefts if t.dep_ == "compound")
    )


def harmed_person(analysed: dict[str, Person]) -> Person | None:
    """The person harmed in a one-case account, from `analyse` (None when nobody leads)."""
    people = [p for p in analysed.values() if p.eligible and (p.harmed or p.clause)]
    if not people:
        return None
    from flows.extract.places import resolve

    def rank(p: Person) -> tuple[int, int, bool]:  # a place's name loses a tie ('Mountain Iron')
        return p.score, p.harmed, resolve(p.full) is None

    people.sort(key=rank, reverse=True)
    top = people[0]
    if len(people) > 1 and rank(people[1]) == rank(top):
        return None
    if top.harmed == 0 and top.agent and top.count < 2:
        return None
    return top
