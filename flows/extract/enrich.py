"""Article-level completion of the mentions' fields, after the sentence-level extraction.

Every sentence-level decision stays where it is (`mentions.py`); this pass looks at the whole
article to give each mention what its own sentence does not say:

- `reported`: the article's publication date (metadata or inferred reference date), from which
  linking takes `first_reported` (the earliest among an incident's articles);
- dates from the article's context: an undated mention takes the incident date of the nearest
  earlier sentence of its paragraph (or, in a single-case article, the first incident date of the
  article), with that sentence's words as `date_text`; report, hearing and bound dates never count
  (`dates.date_role`);
- places: `location`, `country`, `region` (`mention_places.py`, with the gazetteers of
  `places.py`) from the place entities of its sentence, else its paragraph's previous sentence,
  else the article's opening sentences, plus its forces;
- agencies: canonical names outside the UK gazetteer (`agencies.py`), fragments dropped; a mention
  naming none takes the article's agencies when the article names one or two;
- one case, one incident (`same_case`): when the article's mentions agree on the fields (at most
  one person harmed named, dates that can be one event, one country and region), they share the
  link key `case:<article id>` and linking makes them one incident.
"""

from __future__ import annotations

import datetime as dt
import re

from flows.core.letters import LOWER, UPPER
from flows.core.model import Article, Mention
from flows.extract.agencies import (
    article_agencies,
    canonical_agencies,
    find_agencies,
    us_aliases,
)
from flows.extract.dates import (
    Resolved,
    consistent_dates,
    date_role,
    find_dates,
    resolve,
    stated_years,
    year_reference,
)
from flows.extract.mention_places import (
    LEDE_SENTENCES,
    agency_places,
    place_mentions,
    public_body_name,
)
from flows.extract.people import coordinated_roles, find_people, normalise_name
from flows.extract.places import (
    UNHINTED_CITY_POPULATION,
    entities,
    entity_tuples,
)
from flows.extract.places import resolve as resolve_place
from flows.extract.sentences import same_paragraph_back
from flows.extract.victims import analyse, harmed_person, roles, street_follows

CONTEXT_WINDOW = 3  # earlier sentences of a paragraph whose date an undated mention may take
# A single-case document (a case summary, a description of one death) is short; a longer news
# article reporting several incidents is not merged from its fields alone.
CASE_MAX_SENTENCES = 25
# A description of one death or one encounter (MPV, a newsroom narrative): its mentions that name
# nobody harmed take the person its parse shows harmed, even when they are not linked as one case.
DESCRIPTION_SENTENCES = 10
# ... but one case's full account (a case summary: the act, the referral, the investigation, the
# outcome) runs longer; its fields decide whether it is one case
CASE_MAX_SENTENCES_ACCOUNT = 40
CASE_AGENCIES = 4  # agencies one case's account may name, all of them taking part
CASE_SPAN = dt.timedelta(days=400)  # one case's account may run from the act to its outcome
ACT_DAYS_APART = 7  # acts dated this many days apart are separate incidents


def _sentence_index(spans: list[tuple[int, int]], start: int) -> int | None:
    for j, (s, e) in enumerate(spans):
        if s <= start < e:
            return j
    return None


def enrich_article(
    article: Article,
    spans: list[tuple[int, int]],
    mentions: list[Mention],
    reference: dt.date | None,
    resolve_ref: dt.date | None,
    from_metadata: bool,
) -> None:
    """Complete the mentions of one article in place (see the module docstring)."""
    if not mentions:
        return
    text = article.text or ""
    for m in mentions:
        m.reported = reference
    index = [_sentence_index(spans, m.char_start) for m in mentions]
    _agencies(text, mentions, 1)
    wanted = set(range(min(LEDE_SENTENCES, len(spans))))
    if len(spans) <= DESCRIPTION_SENTENCES:  # a description: every sentence may name the place
        wanted = set(range(len(spans)))
    for j in index:
        if j is not None:
            wanted |= {j, j - 1} - {-1}
    order = sorted(wanted)
    whole = _parse_description(text) if len(spans) <= DESCRIPTION_SENTENCES else None
    found: list[list[tuple[int, int, str, str]]] | None
    if whole is not None:  # one pass of the trained pipeline gives the entities and the parse
        found = [entity_tuples(whole, *spans[j]) for j in order]
    else:
        found = entities([text[spans[j][0] : spans[j][1]] for j in order])
    ents = dict(zip(order, found or [[] for _ in order], strict=True))
    place_mentions(
        text,
        spans,
        mentions,
        index,
        ents,
        len(spans) <= CASE_MAX_SENTENCES,
        len(spans) <= DESCRIPTION_SENTENCES,
    )
    short = len(spans) <= CASE_MAX_SENTENCES
    if found is not None and short:
        _people(text, spans, mentions, index, ents)
    together = (
        [set(article_agencies(text[s:e])) for s, e in spans]
        if len(spans) <= CASE_MAX_SENTENCES_ACCOUNT
        else []
    )
    case = len(spans) <= CASE_MAX_SENTENCES_ACCOUNT and same_case(
        mentions, together, long=not short
    )
    if case:
        for m in mentions:
            m.link_keys = [*m.link_keys, f"case:{article.article_id}"]
        _earliest_date_only(mentions)
    one_story = case or (short and len(mentions) == 1)
    if one_story:
        # every agency a one-case account names took part in it; a lone mention's account is what
        # leads up to it when that names any ('Kent Police said it was not involved', after it,
        # is not)
        told = text[: max(m.char_end for m in mentions)]
        _agencies(text if case or not article_agencies(told) else told, mentions, CASE_AGENCIES)
        known = tuple(sorted({m.country for m in mentions if m.country}))
        for m in mentions:
            if m.country is None:  # the agencies now filled in say where (in a country it names)
                places = agency_places(m.police_forces, (), known)
                m.country = places[0].country if places else None
                m.region = places[0].region if places else None
    if one_story:
        _city_police(text, mentions)
    if found is not None and (one_story or len(spans) <= DESCRIPTION_SENTENCES):
        _parsed_subject(text, mentions, fill_only=not one_story, doc=whole)
    if one_story and found is not None:
        _case_subject(text, spans, mentions, ents)
    # an undated text resolves a year-less date in the year it last named
    years = stated_years(text) if resolve_ref is not None and not from_metadata else []
    refs = [year_reference(years, s, resolve_ref) for s, _ in spans]
    _context_dates(text, spans, mentions, index, refs, from_metadata, case, long=not short)
    if one_story:
        _opening_date(text, spans, mentions, index, refs, from_metadata)
    _people_are_not_places(mentions)


def _people_are_not_places(mentions: list[Mention]) -> None:
    """A place named like a person of the article ('Wilson tried to flee ... then shot Wilson': the
    town of Wilson) is that person: it leaves `location`, which falls back to the home town of the
    mention's own agency ('Cottage Grove police officer') when nothing else is left."""
    people = {
        w.lower()
        for m in mentions
        for name in (*m.subjects, *m.officers)
        if not public_body_name(name)  # 'Kokomo Fire' (crews) misread as a person names no one
        for w in re.findall(rf"[{UPPER}{LOWER}][\w'’-]*", name)
    }
    if not people:
        return
    for m in mentions:
        if not m.location:
            continue
        parts = [p.strip() for p in m.location.split(",")]
        kept = [p for p in parts if not {w.lower() for w in p.split()} <= people]
        if len(kept) == len(parts):
            continue
        if not kept:
            # the region came from the person's namesake town too: the agency's home says it
            homes = [
                p
                for p in agency_places(m.police_forces, (), (m.country,) if m.country else ())
                if p.kind == "city"
            ]
            kept = [p.name for p in homes[:1]]
            m.region = homes[0].region if homes else None
        m.location = ", ".join(kept) or None


# ---- dates -------------------------------------------------------------------------------------


def _earliest_date_only(mentions: list[Mention]) -> None:
    """In one case's account, a date that cannot be the earliest dated event's is a later step of
    the case (the arrest, the hearing, the finding): only the earliest is the incident's date."""
    dated = [m for m in mentions if m.date_precision != "unknown" and m.date_start and m.date_end]
    if not dated:
        return
    spans = [(m, m.date_start, m.date_end) for m in dated if m.date_start and m.date_end]
    _, first_start, first_end = min(spans, key=lambda x: (x[1], x[2]))
    for m, start, end in spans:
        if not (start <= first_end and first_start <= end):
            m.date_start = m.date_end = None
            m.date_precision, m.date_text = "unknown", None


def _opening_date(text, spans, mentions, index, refs, from_metadata) -> None:
    """One case's account opens with when it happened ('On 4 October 2018, a man was stopped...'):
    the first incident date stated up to its first evidence sentence is the case's date. A mention
    date it cannot be (the arrest for an earlier offence, a later finding) gives way to it; a more
    precise one it allows ('in October 2018' ... 'on 4 October') stays."""
    known = [j for j in index if j is not None]
    if not known:
        return
    opening = _first_date(text, spans, range(min(known) + 1), refs, from_metadata)
    if opening is None:
        return
    res = opening[0]
    agree = False
    for m in mentions:
        if m.date_precision == "unknown" or not m.date_start or not m.date_end:
            continue
        if m.date_start <= res.end and res.start <= m.date_end:
            agree = True
        else:
            m.date_start = m.date_end = None
            m.date_precision, m.date_text = "unknown", None
    if not agree:
        _set_date(mentions[0], opening)


def sentence_date(sentence: str, reference, from_metadata: bool) -> tuple[Resolved, str] | None:
    """The incident date a sentence states (None when it states none, or several that disagree)."""
    dated = []
    for expr in find_dates(sentence):
        if date_role(sentence, expr) != "incident":
            continue
        res = resolve(expr, reference, from_metadata)
        if res is not None:
            dated.append((res, expr.text.strip()))
    if dated and consistent_dates([d[0] for d in dated]):
        return min(dated, key=lambda d: (d[0].end - d[0].start, d[0].start))
    return None


def _set_date(m: Mention, found: tuple[Resolved, str]) -> None:
    res, words = found
    m.date_start, m.date_end, m.date_precision, m.date_text = (
        res.start,
        res.end,
        res.precision,
        words,
    )


def _as_month(res: Resolved) -> Resolved:
    """A day's period widened to its month (a date carried from another paragraph)."""
    if res.precision != "day":
        return res
    last = (res.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return Resolved(res.start.replace(day=1), last, "month")


def _first_date(text, spans, sentences, refs, from_metadata) -> tuple[Resolved, str] | None:
    """The incident date of the first of `sentences` (indexes into `spans`) that states one."""
    for k in sentences:
        found = sentence_date(text[spans[k][0] : spans[k][1]], refs[k], from_metadata)
        if found:
            return found
    return None


def _context_dates(text, spans, mentions, index, refs, from_metadata, case, long=False) -> None:
    if all(m.date_precision != "unknown" for m in mentions):
        return
    if case:
        if any(m.date_precision != "unknown" for m in mentions):
            return  # linking takes the dated mention's date for the whole case
        found = _first_date(text, spans, range(len(spans)), refs, from_metadata)
        if found:
            _set_date(mentions[0], found)
        return
    for m, j in zip(mentions, index, strict=True):
        if m.date_precision != "unknown" or j is None:
            continue
        found = _first_date(
            text, spans, same_paragraph_back(text, spans, j, CONTEXT_WINDOW), refs, from_metadata
        )
        if found:
            _set_date(m, found)
            continue
        # the story's time told in an earlier paragraph ('On 12 January 2019, a man was
        # arrested ...' and, two paragraphs on, 'officers searched him'): its month at most,
        # the day of another paragraph's event is not this one's. Not in a long article, which
        # tells other events between (only a sentence naming the mention's people does)
        found = (
            None if long else _first_date(text, spans, range(j - 1, -1, -1), refs, from_metadata)
        )
        if found:
            _set_date(m, (_as_month(found[0]), found[1]))
            continue
        _date_told_later(text, spans, m, j, refs, from_metadata)


def _date_told_later(text, spans, m: Mention, j: int, refs, from_metadata: bool) -> None:
    """A story that opens with its outcome ('A constable has been found guilty of assaulting a
    handcuffed man') tells when the act happened further down, in a sentence naming the people of
    the case ('Court heard that Marsh punched Whitford ... in June 2020'): the first later sentence
    naming one of the mention's people and stating an incident date gives it."""
    names = {surname(n) for n in (*m.subjects, *m.officers)} - {""}
    if not names:
        return
    naming = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in sorted(names)))
    later = (k for k in range(j + 1, len(spans)) if naming.search(text[spans[k][0] : spans[k][1]]))
    found = _first_date(text, spans, later, refs, from_metadata)
    if found:
        _set_date(m, found)


# ---- agencies ----------------------------------------------------------------------------------


def _agencies(text: str, mentions: list[Mention], limit: int = 2) -> None:
    """Canonical agencies per mention; a mention naming none takes the article's when it names at
    most `limit` (one case's account may name every agency that took part)."""
    us = us_aliases(text)
    distinct = [us.get(f, f) for f in article_agencies(text)]
    for m in mentions:
        renamed = [us[f] for f in m.police_forces if f in us]
        m.police_forces = renamed + [
            f
            for f in canonical_agencies(m.police_forces, m.quote)
            if f not in us
            and (f in distinct or f in m.quote)  # never a force read inside a longer agency name
        ]
    if all(m.police_forces for m in mentions):
        return
    if 1 <= len(distinct) <= limit:
        for m in mentions:
            if not m.police_forces:
                m.police_forces = list(distinct)


_POLICE_WORD = re.compile(r"\b(?:police|officers?)\b", re.IGNORECASE)
_OTHER_AGENCY_WORD = re.compile(
    r"\b(?:sheriff|deput(?:y|ies)|troopers?|marshals?|agents?|constables?|state patrol|"
    r"highway patrol|campus|university|transit|tribal)\b",
    re.IGNORECASE,
)
_IN_PLACE = re.compile(
    r"\b(?:in|near|outside|at|throughout|across)\s+(?:(?:a|an|the|their|his|her)\s+"
    r"(?=(?:north|south|east|west|northeast|northwest|southeast|southwest|downtown|midtown|"
    r"uptown|central|suburban)\b))?"
    r"(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|downtown|midtown|"
    r"uptown|central|suburban|NE|NW|SE|SW)\.?\s+)?"
    r"(?P<place>(?:St\.\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3})\b(?!['’])"
)
CITY_POLICE_POPULATION = 10_000  # a town this size runs its own police department


def _city_police(text: str, mentions: list[Mention]) -> None:
    """A one-case account that names no agency but says the police acted in one US city ('shot
    and killed by police in midtown Tulsa', 'officers ... at a home in Elkhart'): the city's police
    department. Not when other law enforcement (deputies, troopers, marshals, campus police) is
    spoken of, when several cities are named, nor in a small town."""
    if any(m.police_forces for m in mentions) or article_agencies(text):
        return
    if not _POLICE_WORD.search(text) or _OTHER_AGENCY_WORD.search(text):
        return
    if any(m.country not in (None, "US") for m in mentions):
        return
    cities = set()
    for found in _IN_PLACE.finditer(text):
        # the whole capitalised run: 'in Port Arthur' is a city, 'in Galveston County', 'at
        # Silver Springs Park' are not
        place = resolve_place(found.group("place"), countries=["US"])
        if place is not None and place.kind == "city" and place.country == "US":
            cities.add((place.name, place.population))
    if len(cities) != 1:
        return
    ((city, population),) = cities
    if population >= CITY_POLICE_POPULATION:
        for m in mentions:
            m.police_forces = [f"{city} Police Department"]


# ---- people ------------------------------------------------------------------------------------

_PSEUDONYM = re.compile(r"^(?:child|officer|mr|ms|mrs|miss|person|patient|witness|[a-z]+) [a-z]$")
# Entity labels that contradict a name found by the rules (ORG does not: the small model often
# tags a person's full name as ORG; agencies and places among names are caught by the gazetteers).
_NOT_PERSON_LABELS = {"GPE", "LOC", "FAC", "PRODUCT", "NORP", "EVENT", "WORK_OF_ART", "LAW"}


def _kept(name: str, sentence: str, ents) -> bool:
    """A name the trained entities do not contradict: a PERSON entity holds it, or no other entity
    covers it (places, organisations, products are not people)."""
    if _PSEUDONYM.match(normalise_name(name)):
        return True
    if find_agencies(name) or re.search(r"\b(?:County|Sheriff|Parish)\b", name):
        return False  # 'Crenshaw County Sheriff' is an agency, not a person
    if " " in name.strip() and resolve_place(name) is not None:
        return False  # 'Rancho Mirage', 'Colorado Springs': a town the rules took for a name
    at = sentence.find(name)
    if at < 0:
        return True
    end = at + len(name)
    if any(lab == "PERSON" and s < end and at < e for s, e, _, lab in ents):
        return True
    return not any(lab in _NOT_PERSON_LABELS and s <= at and end <= e for s, e, _, lab in ents)


_POLICE_NOUN = r"(?:police|officers?|deputies|deputy|sheriff'?s?|troopers?|PD)\b"


def _names_agency_place(name: str, sentence: str) -> bool:
    """A known place whose every occurrence in the sentence modifies a police noun ('shot by
    Duluth police officers') names the agency's town, not a person (the small model often
    tags such a town PERSON)."""
    found = list(re.finditer(rf"\b{re.escape(name.strip())}\b", sentence))
    return (
        bool(found)
        and all(re.match(rf"\s+{_POLICE_NOUN}", sentence[f.end() :], re.IGNORECASE) for f in found)
        and resolve_place(name) is not None
    )


def _is_person(name: str, sentence: str, ents) -> bool:
    at = sentence.find(name)
    return at >= 0 and any(
        lab == "PERSON" and s < at + len(name) and at < e for s, e, _, lab in ents
    )


def _people(text, spans, mentions, index, ents, add: bool = True) -> None:
    """Subjects and officers checked against the trained entities; a mention naming nobody harmed
    takes the PERSON entities of its sentence that are neither officers nor speakers; a surname alone
    becomes the full name the article gives it."""
    officers = {normalise_name(o) for m in mentions for o in m.officers}
    speakers: set[str] = set()
    full: dict[str, set[str]] = {}
    listed: set[str] = set()
    for j in ents:
        sentence = text[spans[j][0] : spans[j][1]]
        persons = [(s, e) for s, e, _, lab in ents[j] if lab == "PERSON"]
        for _, _, name, role in coordinated_roles(sentence, find_people(sentence, persons)):
            key = normalise_name(name)
            if role == "officer":
                officers.add(key)
                listed.add(key)
            elif role == "commentator":
                speakers.add(key)
            if len(key.split()) >= 2 and not _PSEUDONYM.match(key):
                full.setdefault(key.split()[-1], set()).add(name)
    for m, j in zip(mentions, index, strict=True):
        sentence_ents = ents.get(j, []) if j is not None else []
        before = list(m.subjects)
        moved = [s for s in m.subjects if normalise_name(s) in listed]
        if moved:  # 'constables Amy Taylor and April Jones': both are officers, neither was harmed
            m.subjects = [s for s in m.subjects if s not in moved]
            m.officers = list(dict.fromkeys([*m.officers, *moved]))
            gone = {f"subject:{normalise_name(s)}" for s in moved}
            m.link_keys = [k for k in m.link_keys if k not in gone]
        agency_places = [s for s in m.subjects if _names_agency_place(s, m.quote)]
        # 'shot by Duluth police officers': Duluth is the agency's town; 'Stevens County' is no
        # person: neither is a subject nor keys one
        dropped = [
            s for s in m.subjects if s in agency_places or not _kept(s, m.quote, sentence_ents)
        ]
        if dropped:
            gone = {f"subject:{normalise_name(s)}" for s in dropped}
            m.link_keys = [k for k in m.link_keys if k not in gone]
        m.subjects = [s for s in m.subjects if s not in dropped]
        m.officers = [o for o in m.officers if _kept(o, m.quote, sentence_ents)]
        shared = sum(1 for x in mentions if x.char_start == m.char_start) > 1
        if add and not m.subjects and j is not None and not shared:
            persons = [(s, e) for s, e, _, lab in sentence_ents if lab == "PERSON"]
            for _, _, name, role in find_people(m.quote, persons):
                key = normalise_name(name)
                if (
                    _is_person(name, m.quote, sentence_ents)
                    and not _names_agency_place(name, m.quote)
                    and role in ("subject", "other")
                    and key not in officers
                    and key not in speakers
                    and (role == "subject" or _harmed_here(m))
                ):
                    m.subjects.append(name)
        expanded = []
        for s in m.subjects:
            names = full.get(normalise_name(s), set()) if " " not in s.strip() else set()
            expanded.append(next(iter(names)) if len(names) == 1 else s)
        m.subjects = list(dict.fromkeys(expanded))
        # link keys only for people this pass added: the rules key (or deliberately do not key,
        # as for a vigil) the people they found themselves
        have = {k.split(":", 1)[1] for k in m.link_keys if k.startswith("subject:")}
        m.link_keys = [
            *m.link_keys,
            *(
                f"subject:{normalise_name(s)}"
                for s in m.subjects
                if s not in before and normalise_name(s) not in have
            ),
        ]


_SUFFIX = re.compile(r"\s+(?:Jr|Sr|II|III|IV)\.?$")


def surname(name: str) -> str:
    """The family name of a full name ('Ensoa Strickland Jr.' -> 'Strickland')."""
    words = _SUFFIX.sub("", name.strip()).split()
    return re.sub(r"['’]s?$", "", words[-1]) if words else ""


def _case_subject(text, spans, mentions, ents) -> None:
    """One case naming nobody harmed: the person the article names in full (a PERSON entity, neither
    officer, speaker nor perpetrator) whom its evidence sentences name by surname, else the one the
    article names most often (the 'him' of 'shot and killed him')."""
    if any(m.subjects for m in mentions):
        return
    officers = {normalise_name(o) for m in mentions for o in m.officers}
    officer_words = {o for m in mentions for o in m.officers}
    evidence = " ".join(m.quote for m in mentions)
    candidates: list[str] = []
    for j in sorted(ents):
        sentence = text[spans[j][0] : spans[j][1]]
        persons = [(s, e) for s, e, _, lab in ents[j] if lab == "PERSON"]
        for _, _, name, role in coordinated_roles(sentence, find_people(sentence, persons)):
            key = normalise_name(name)
            if role == "officer":
                officer_words.add(name)
            if (
                role in ("subject", "other")
                and _is_person(name, sentence, ents[j])
                and key not in officers
                and len(key.split()) >= 2
            ):
                candidates.append(_SUFFIX.sub("", name.strip()))
        # a surname alone ('Gilbertson'), used again and again
        for _, name_end, name, lab in ents[j]:
            if (
                lab == "PERSON"
                and not street_follows(sentence, name_end)
                and re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?", name)
                and not any(name in o.split() for o in officer_words)
                and not _names_agency_place(name, text)
                and (
                    len(re.findall(rf"\b{name}\b", text)) >= 2
                    or re.search(rf"\b{name}\b", evidence)
                )
                and resolve_place(name, min_population=UNHINTED_CITY_POPULATION) is None
            ):
                candidates.append(name)
    by_surname: dict[str, str] = {}
    for c in candidates:
        key = surname(c)
        if key and len(c) > len(by_surname.get(key, "")):
            by_surname[key] = c
    if not by_surname:
        return

    def count(where: str, key: str) -> int:
        return len(re.findall(rf"\b{re.escape(key)}\b", where))

    first = min(m.char_start for m in mentions)
    end_first = min(m.char_end for m in mentions if m.char_start == first)

    def recency(key: str) -> int:  # the last place the surname occurs up to the first evidence
        found = [x.start() for x in re.finditer(rf"\b{re.escape(key)}\b", text[:end_first])]
        return max(found, default=-1)

    def rank(key: str) -> tuple[int, int]:
        return count(evidence, key), recency(key)

    ranked = sorted(by_surname, key=rank, reverse=True)
    top = ranked[0]
    if len(ranked) > 1 and rank(top) == rank(ranked[1]):
        return  # two people equally prominent: which one was harmed is unclear
    name = by_surname[top]
    for m in mentions:
        m.subjects = [name]
        m.link_keys = [*m.link_keys, f"subject:{normalise_name(name)}"]


def _parse_description(text: str):
    """The trained pipeline (tagger, parser, entities) over a whole short text; None without it."""
    from flows.extract.resources import trained_parser

    nlp = trained_parser()
    return nlp(text) if nlp is not None else None


def _parsed_subject(text: str, mentions: list[Mention], fill_only: bool = False, doc=None) -> None:
    """One case's account: the person the whole document's parse shows harmed (`victims.py`) is its
    subject, and the rules' subjects that the parse shows as officers, speakers or no name at all
    (a motel, a town, a bureau) are dropped. With `fill_only` (a short description whose mentions
    are not one case) only the mentions left naming nobody take that person."""
    if doc is None:
        doc = _parse_description(text)
        if doc is None:
            return
    officers = {normalise_name(o) for m in mentions for o in m.officers}
    people = analyse(doc, officers)
    top = harmed_person(people)
    for m in mentions:
        if fill_only and sum(1 for x in mentions if x.char_start == m.char_start) > 1:
            continue  # one sentence listing several cases: each names its own person
        kept = []
        for s in m.subjects:
            p = people.get(surname(s).lower())
            if p is not None and not p.eligible:
                continue  # an officer or a speaker named near the act
            if (
                p is None
                and top is not None
                and not fill_only
                and not _PSEUDONYM.match(normalise_name(s))
            ):
                continue  # the parse reads no person there ('the InTown Suites', 'Roswell')
            if p is None and (_inside_other_entity(doc, s) or _modifier_only(doc, s)):
                continue  # 'Criminal Apprehension' of the Bureau of Criminal Apprehension
            kept.append(s)
        if (
            top is not None
            and top.surname.lower() not in {surname(s).lower() for s in kept}
            and not (fill_only and (kept or not top.harmed))
        ):
            kept = [top.full, *kept]
        gone = {f"subject:{normalise_name(s)}" for s in m.subjects if s not in kept}
        new = [s for s in kept if s not in m.subjects and len(s.split()) >= 2]
        m.subjects = kept
        m.link_keys = [k for k in m.link_keys if k not in gone] + [
            f"subject:{normalise_name(s)}" for s in new
        ]


def _inside_other_entity(doc, name: str) -> bool:
    """Every occurrence of `name` lies inside a longer non-PERSON entity ('the Bureau of Criminal
    Apprehension', "Dick's Sporting Goods"), a product or facility ('a Ford F-150'), or one the
    definite article opens ('the Lakeville Burger King')."""
    at = [m.start() for m in re.finditer(re.escape(name), doc.text)]
    if not at:
        return False

    def other(start: int) -> bool:
        end = start + len(name)
        return any(
            e.label_ != "PERSON"
            and e.start_char <= start
            and end <= e.end_char
            and (
                len(e.text) > len(name) + 4
                or e.label_ in ("PRODUCT", "FAC", "LOC")
                or e[0].lower_ == "the"  # 'near the Lakeville Burger King': no person takes 'the'
            )
            for e in doc.ents
        )

    return all(other(a) for a in at)


def _modifier_only(doc, name: str) -> bool:
    """Every occurrence of `name` modifies a common noun ('his Dodge Journey SUV', 'the Hidden
    Meadows townhome community') or follows a determiner ('a Jimmy's Diner'): a vehicle, a place,
    a business, never a person."""
    found = [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", doc.text)]
    if not found:
        return False

    def modifier(start: int, end: int) -> bool:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return False
        last, first = span[-1], span[0]
        compound = (
            last.dep_ == "compound" and last.head.i >= span.end and last.head.tag_ in ("NN", "NNS")
        )
        determined = first.i > 0 and doc[first.i - 1].lower_ in roles()["determiners"]
        return compound or determined

    return all(modifier(s, e) for s, e in found)


def _harmed_here(m: Mention) -> bool:
    """The mention reports a person harmed (a death, force, a shooting), not only an opinion."""
    return bool(set(m.categories) & {"death_following_police_contact", "excessive_force"})


# ---- one case, one incident --------------------------------------------------------------------


def _surname(name: str) -> str:
    words = normalise_name(name).split()
    return words[-1] if words else ""


# A death frames a case: the force, the failures, the offences of its account all led to it. An
# act prosecuted as an offence goes with the act itself ('punched him' ... 'charged with assault').
_DEATH = "death_following_police_contact"
_CASE_FRAMES = {_DEATH, "criminal_offence_by_officer"}


def _connected(groups: list[set[str]], together: list[set[str]]) -> bool:
    """The agencies of `groups` are one set of agencies working on one case: every group is linked
    to every other through shared agencies, or agencies the article names in one sentence."""
    if not groups:
        return True
    links = [g for g in groups] + [t for t in together if len(t) > 1]
    reached = set(groups[0])
    changed = True
    while changed:
        changed = False
        for g in links:
            if g & reached and not g <= reached:
                reached |= g
                changed = True
    return all(g <= reached for g in groups)


def _acts_agree(acts: list[set[str]]) -> bool:
    """The mentions' acts can be one case: a shared act, a death (with the force or the failures
    that led to it), or one act and its prosecution."""
    if not acts or set.intersection(*acts) or any(a & b for a in acts for b in acts if a is not b):
        return True
    if any(_DEATH in a for a in acts):
        return True
    return sum(not a & _CASE_FRAMES for a in acts) <= 1


def _separate_dated_acts(mentions: list[Mention]) -> bool:
    """Two acts, each on its own day, days apart ('on 3 March officers arrested a man and punched
    him ... on 20 September officers tasered another man'): two incidents, not one case's steps
    (a case's later steps, the referral, the finding, are no acts)."""
    days = [
        m.date_start
        for m in mentions
        if m.date_precision == "day"
        and m.date_start
        and set(m.categories) - _CASE_FRAMES - {"other_misconduct"}
    ]
    return bool(days) and (max(days) - min(days)).days > ACT_DAYS_APART


def _one_act(acts: list[set[str]]) -> bool:
    """Every two mentions that name an act (beyond the frames) name a common one."""
    own = [a - _CASE_FRAMES for a in acts]
    own = [a for a in own if a]
    return all(a & b for a in own for b in own)


def same_case(
    mentions: list[Mention], together: list[set[str]] | None = None, long: bool = False
) -> bool:
    """True when an article's mentions are one case by their fields: at most one person harmed
    named (by surname), dates that can be one event, agencies that worked together (`together`:
    the agencies each sentence of the article names), one country and at most one region; in a
    `long` article (a case's full account runs longer than a news story) one act as well."""
    if len(mentions) < 2:
        return False
    if len({m.char_start for m in mentions}) < len(mentions):
        return False  # one sentence listing several cases ('the death of X, the shooting of Y')
    people = {
        _surname(s)
        for m in mentions
        for s in m.subjects
        if not _PSEUDONYM.match(normalise_name(s)) and " " in s.strip()
    }
    people.discard("")
    if len(people) > 1:
        return False
    periods = [
        Resolved(m.date_start, m.date_end, m.date_precision)
        for m in mentions
        if m.date_precision != "unknown" and m.date_start and m.date_end
    ]
    forces = [set(m.police_forces) for m in mentions if m.police_forces]
    if not _connected(forces, together or []):
        return False  # different agencies never named together: different cases
    acts = [set(m.categories) - {"other_misconduct"} for m in mentions if m.categories]
    if not _acts_agree([a for a in acts if a]):
        return False  # different acts and no person to tie them: separate incidents
    if long and not _one_act([a for a in acts if a]):
        return False  # a long article telling of different acts: not one case's account
    if periods and max(p.start for p in periods) - min(p.end for p in periods) > CASE_SPAN:
        return False  # events too far apart to be one case told once
    if _separate_dated_acts(mentions):
        return False
    if len({m.country for m in mentions if m.country}) > 1:
        return False
    return len({m.region for m in mentions if m.region}) <= 1
