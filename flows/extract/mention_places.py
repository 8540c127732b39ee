"""The places of an article's mentions: `location`, `country` and `region`.

From the place entities of a mention's sentence (and the towns its syntax shows: "in Elkhart",
"an Otsego home", "the town of Morenci"), else its paragraph's previous sentence when that is not
evidence of another kind of act, else the article's opening sentences, plus the home towns of its
forces; resolved with the gazetteers of `places.py`. Called by `enrich.enrich_article`.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from functools import cache

from flows.core.model import Mention
from flows.extract.agencies import find_agencies
from flows.extract.places import (
    UNHINTED_CITY_POPULATION,
    Place,
    _clean,
    dateline_places,
    force_place,
    locale_country,
    pick_place,
    resolve,
)
from flows.extract.places import resolve as resolve_place
from flows.extract.resources import date_rules

LEDE_SENTENCES = 3  # opening sentences whose places speak for the whole article

# the rest of an organisation's name after a town: the town's public body ('Savannah Police
# Department', 'Syracuse Fire Department', 'Waukesha Memorial Hospital'), never a newspaper
_PUBLIC_BODY = re.compile(
    r"(?:Metro(?:politan)?\s+)?(?:Police|Fire|Sheriff|Public Safety|Municipal|Memorial|Medical|"
    r"Health|Hospital|City Hall|Courthouse)\b"
)
_COMPASS = r"(?:north|south|east|west|northeast|northwest|southeast|southwest)"
# a place word after a locative preposition ('in Elkhart', 'throughout Albuquerque', 'a mile south
# of Seminole'), or named as a town ('the town of Morenci': any town of the gazetteer)
_LOCATIVE_BEFORE = (
    r"\b(?:in|into|near|outside|through|throughout|across|" + _COMPASS + r"\s+of|"
    r"the\s+(?P<town>town|city|village|suburb|community)\s+of)\s+"
    r"(?:(?:NE|NW|SE|SW|north|south|east|west|downtown)\s+)?"
)
_LOCATIVE = re.compile(
    _LOCATIVE_BEFORE + r"(?P<place>(?:[A-Z][a-z]+)(?:\s[A-Z][a-z]+){0,2})\b"
    r"(?!['’]s|-|\s+(?:Police|County|Sheriff))"
)
_LOCATIVE_END = re.compile(_LOCATIVE_BEFORE + r"(?:the\s+)?$")
# a town named as a modifier of a common noun: 'an Otsego home', 'their Roswell apartment', 'a
# cell at Middlesbrough custody suite'
_MODIFIER = re.compile(
    r"\b(?:a|an|his|her|their|at)\s+(?P<place>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})\s+(?=[a-z])"
)
# a place inside the one named right after it
_INSIDE = re.compile(r"\s+in\s+(?:the\s+)?([A-Z][a-z]+)")
# a town sure from its syntax (above) needs fewer people than one named with nothing around it
LOCATIVE_CITY_POPULATION = 10_000
METROPOLIS_POPULATION = 500_000  # a city this big names its country wherever it is mentioned
_NAMED_AFTER = ("County", "Parish", "Township", "Borough")  # a county named after a town
_AGENCY_AFTER = re.compile(
    r"\s+(?:police|officers?|deputies|deputy|sheriff'?s?|troopers?|cops?|SWAT)\b", re.IGNORECASE
)
# a part of a town, or a road named after the town it leads to ('Nolensville Pike')
# capitalised words right after an entity: perhaps the rest of its name
_NAME_GOES_ON = re.compile(r" ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_STREET_KINDS = r"(?:street|road|avenue|boulevard|drive|lane|way|pike|parkway|highway|freeway|expressway|turnpike)"
_PART_OF_PLACE = re.compile(
    rf"\s+(?:neighbou?rhood|area|district|{_STREET_KINDS}s?|park|estate|block"
    # one of the two streets of a corner: 'at Fayetteville and Hargett streets'
    rf"|and\s+(?:[A-Z][\w'’-]+\s+){{1,2}}{_STREET_KINDS}s)\b",
    re.IGNORECASE,
)


# an article and one or two adjectives (closed-class words are not): 'a white', 'a silver'
_PRODUCT_BEFORE = re.compile(
    r"\b(?i:a|an)\s+(?:(?!(?:the|of|in|at|on|to|from|near|outside|by|with|for|and|or|but)\b)[a-z]+\s+){1,2}$"
)


def _not_a_place_entity(sentence: str, start: int, name: str, label: str, lone_names) -> bool:
    """Entities the recogniser tags as organisations or facilities that name no place: a business
    in the possessive ("McDonald's"), a product after an article and an adjective ('a white
    Pontiac'), a person whose surname is used alone elsewhere ('Zachary Hall' ... 'Hall ran'), a
    part of a longer name the recogniser cut short."""
    words = _clean(name).split()
    if label not in ("ORG", "FAC") or not words:
        return False
    if len(words) > 1 and words[-1] in lone_names:
        return True
    after = re.match(r"\s+([A-Z][a-z]+)", sentence[start + len(name) :])
    if after and not _calendar_word(after.group(1)) and not _AGENCY_AFTER.match(after.group(0)):
        return True  # a longer name goes on: 'the Ford Fiesta', 'Winston Way'

    if label == "ORG" and re.search(r"['’]s$", name.strip()):
        return True
    return label == "ORG" and _PRODUCT_BEFORE.search(sentence[:start]) is not None


@cache
def _calendar_words() -> frozenset[str]:
    rules = date_rules()
    return frozenset(w.lower() for w in [*rules["months"], *rules["weekdays"]])


def _calendar_word(name: str) -> bool:
    return name.split()[0].lower() in _calendar_words()


def _inside(sentence: str, end: int) -> bool:
    """The place ending at `end` is inside the one named right after it (not 'in March')."""
    m = _INSIDE.match(sentence, end)
    return m is not None and not _calendar_word(m.group(1))


def public_body_name(name: str) -> bool:
    """A name ending in a public body's word ('Manitowoc Fire'), whatever its entity label."""
    words = name.split()
    return len(words) > 1 and _PUBLIC_BODY.fullmatch(words[-1]) is not None


def _compass(words: list[str]) -> bool:
    """'West' of 'West Chestnut': a direction, not the town of West."""
    return len(words) == 1 and re.fullmatch(_COMPASS, words[0].lower()) is not None


def _sentence_places(
    sentence: str,
    ents,
    hints_regions,
    hints_countries,
    person_words=frozenset(),
    lone_names=frozenset(),
    locale_only: bool = False,
) -> list[Place]:
    """The places a sentence names. `locale_only`: `hints_countries` is only the country whose
    words the text uses (no place named says so): it chooses between towns of one name ('Paris'
    in a text with a 911 call, 'St. Cloud responded'); a small town it lets in must be shown as a
    town by the syntax ('Sayre police', 'in Pecos'), never a bare name (a street corner's
    'Salmon' is no town of Idaho)."""

    def resolve_place(name, regions, countries, least=0):
        hinted = resolve(name, regions, countries, least)
        if not locale_only or hinted is None or hinted.kind != "city":
            return hinted
        if (
            least < UNHINTED_CITY_POPULATION
            or hinted.population >= LOCATIVE_CITY_POPULATION
            or resolve(name, regions, (), least) is not None
        ):
            return hinted
        return None

    out = [p for _, _, p in dateline_places(sentence)]
    covered = [(s, e) for s, e, _, label in ents if label in ("GPE", "LOC", "FAC")]
    # 'in SE Albuquerque', 'in Elkhart', 'the town of Morenci', 'an Otsego home': a town its
    # syntax shows, which the entity recogniser missed; one of a region or country named in the
    # article, else a town of some size
    shown = [
        (m, 0 if m.group("town") else LOCATIVE_CITY_POPULATION)
        for m in _LOCATIVE.finditer(sentence)
    ]
    shown += [(m, LOCATIVE_CITY_POPULATION) for m in _MODIFIER.finditer(sentence)]
    for m, least in shown:
        if any(s < m.end("place") and m.start("place") < e for s, e in covered):
            continue
        if _inside(sentence, m.end("place")):
            continue  # 'near Five Points in Monroe': a part of the town named next
        if _calendar_word(m.group("place")):
            continue  # 'in March', 'in May': a month, not the town
        if set(m.group("place").split()) & person_words:
            continue
        place = resolve_place(m.group("place"), hints_regions, hints_countries, least)
        if place is not None and place.kind == "city":
            if _AGENCY_AFTER.match(sentence, m.end("place")):
                place = dataclasses.replace(place, agency_home=True)
            out.append(place)
    for start, end, name, label in ents:
        more = _NAME_GOES_ON.match(sentence, end)
        if more is not None and label in ("GPE", "LOC"):
            # the recogniser cut a town's name short: 'Brooklyn' of 'Brooklyn Center police' is
            # Brooklyn Center, Minnesota, not Brooklyn, New York
            words = more.group(1).split()
            for n in range(len(words), 0, -1):
                longer = f"{name} {' '.join(words[:n])}"
                cand = resolve_place(longer, hints_regions, hints_countries)
                if cand is not None and cand.kind == "city":
                    name, end = longer, end + 1 + len(" ".join(words[:n]))
                    break
        if label == "PERSON" and public_body_name(name):
            label = "ORG"  # 'Manitowoc Fire' tagged as a person: the town's fire department
        if label not in ("GPE", "LOC", "FAC", "ORG") or name in person_words | lone_names:
            continue  # 'Aden reportedly was...' after 'Isak Abdirahman Aden': a name, not Aden
        if _PART_OF_PLACE.match(sentence, end):
            continue  # 'the Jordan neighborhood': a part of a city named after somewhere else
        if _not_a_place_entity(sentence, start, name, label, lone_names):
            continue
        if _inside(sentence, end):
            continue
        before = _LOCATIVE_END.search(sentence[:start])
        least = UNHINTED_CITY_POPULATION
        if before is not None:
            least = 0 if before.group("town") else LOCATIVE_CITY_POPULATION
        agency_after = _AGENCY_AFTER.match(sentence, end) is not None
        if agency_after:  # 'Moreno Valley police': a town's police
            least = min(least, LOCATIVE_CITY_POPULATION)
        place = None
        if label in ("GPE", "LOC") or (label == "ORG" and agency_after):
            place = resolve_place(name, hints_regions, hints_countries, least)
        if place is None and label in ("ORG", "FAC"):
            # 'the Richmond Police Headquarters' with nothing else saying where: a big town's body
            words = _clean(name).split()
            for n in range(len(words) - 1, 0, -1):
                if words[n] in _NAMED_AFTER or _PART_OF_PLACE.match(" " + words[n]):
                    continue  # 'the Riverside County Sheriff's Office', 'Shelbyville Road'
                if _compass(words[:n]):
                    continue
                body = _PUBLIC_BODY.match(" ".join(words[n:]))
                if label == "FAC" or body:
                    # 'outside the Brooklyn Center Police Headquarters': a town's body names its
                    # town; 'near the Rhodes Tower' says where the tower is, not a town
                    cand = resolve_place(
                        " ".join(words[:n]),
                        hints_regions,
                        hints_countries,
                        min(least, LOCATIVE_CITY_POPULATION) if body else UNHINTED_CITY_POPULATION,
                    )
                    if cand is not None and cand.kind == "city":
                        place = cand
                        break
        if place is None and hints_countries and not locale_only:
            # 'Miami International Airport', 'Boulder Creek', 'Rancho Mirage' (tagged ORG): a
            # town of the country the article is about, at the start of a facility's name
            words = _clean(name).split()
            for n in range(len(words), 0, -1):
                if n < len(words) and (
                    words[n] in _NAMED_AFTER or _PART_OF_PLACE.match(" " + words[n])
                ):
                    continue  # 'St. Louis County' is not the town of St. Louis
                if _compass(words[:n]):
                    continue
                cand = resolve_place(" ".join(words[:n]), hints_regions, hints_countries)
                if (
                    cand is not None
                    and cand.kind == "city"
                    and (
                        n < len(words)
                        or label != "FAC"
                        or cand.population >= UNHINTED_CITY_POPULATION
                    )
                    and (
                        label != "ORG" or n == len(words) or _PUBLIC_BODY.match(" ".join(words[n:]))
                    )
                ):
                    place = cand
                    break
        if (
            place is not None
            and place.kind == "city"
            and (agency_after or re.search(r"\b(?:Police|Sheriff)", name[len(place.name) :]))
        ):
            # 'Long Beach police in Carson': the agency's home town, a weaker sign of where
            place = dataclasses.replace(place, agency_home=True)
        if place is not None:
            out.append(place)
    return out


def _misread_town(name: str, text: str) -> bool:
    """A town of some size the recogniser tagged as a person, which the text puts after a locative
    preposition ('arrested ... at a closed business in Lehigh Acres')."""
    place = resolve(name, (), (), LOCATIVE_CITY_POPULATION)
    return (
        " " in name
        and place is not None
        and place.kind == "city"
        and re.search(_LOCATIVE_BEFORE + re.escape(name) + r"\b(?!['’])", text) is not None
    )


def agency_places(forces: list[str], regions, countries) -> list[Place]:
    out = []
    for f in forces:
        for _, _, name, cc, region, where in find_agencies(f):
            city = resolve_place(where, regions, countries)
            if city is not None and city.kind == "city":
                out.append(dataclasses.replace(city, agency_home=True))
            elif cc and (not countries or cc in countries):
                # a home read without the article's countries is no hint against them ('Peel
                # Regional Police' in Mississauga: not Peel on the Isle of Man)
                out.append(Place(name, "agency", cc, region))
    return out


def place_mentions(text, spans, mentions, index, ents, short: bool, description: bool) -> None:
    """`location`, `country`, `region` of each mention (the module docstring says from where).

    `short`: a short one-story text; `description`: one short enough that every sentence may
    name the scene."""
    order = sorted(ents)
    # words of people's full names ('Aden' of 'Isak Abdirahman Aden' is not the town); a name
    # tagged alone may be a town the recogniser mistook ('killed by police in Carson')
    names = [
        name
        for j in order
        for _, _, name, lab in ents[j]
        if lab == "PERSON" and not public_body_name(name) and not _misread_town(name, text)
    ]
    person_words = frozenset(w for name in names if len(name.split()) > 1 for w in name.split())
    lone_names = frozenset(name for name in names if len(name.split()) == 1)
    # first pass: regions and countries named anywhere considered, to choose between same-named cities
    regions: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for j in order:
        for p in _sentence_places(
            text[spans[j][0] : spans[j][1]], ents[j], (), (), person_words, lone_names
        ):
            if p.kind != "city":
                countries[p.country] += 1
                if p.region:
                    regions[p.region] += 1
            elif p.population >= METROPOLIS_POPULATION:
                # a city of this size says which country too ('in Mississauga', 'DURBAN —'):
                # 'Ontario' beside it is the province, not the Californian city
                countries[p.country] += 1
    article_locale = locale_country(text)
    named = tuple(sorted(countries))
    for m in mentions:
        # the home town of an agency named in a text using one country's policing words is a
        # town of that country ('the Prague Police Department' beside '911' is in Oklahoma); else
        # one of the countries the article's places name ('Peel Regional Police' in a story set
        # in Mississauga is no force of the Isle of Man's Peel)
        home = (article_locale,) if article_locale else named
        for p in agency_places(m.police_forces, (), home):
            countries[p.country] += 1
            if p.region:
                regions[p.region] += 1
        for f in m.police_forces:
            # a UK force says its towns are British ('near Meriden' is not Meriden, Connecticut)
            cc, region = force_place(f)
            if cc is not None and article_locale in (None, cc):
                countries[cc] += 1
                if region:
                    regions[region] += 1
    hinted = set(countries) or ({article_locale} if article_locale else set())
    per_sentence = {}
    for j in order:
        sentence = text[spans[j][0] : spans[j][1]]
        found = _sentence_places(
            sentence, ents[j], regions, hinted, person_words, lone_names, not countries
        )
        if not found and not countries and article_locale:
            # the locale words only chose between same-named cities ('Paris' in a US description)
            found = _sentence_places(sentence, ents[j], regions, (), person_words, lone_names)
        per_sentence[j] = found
    lede = [p for j in order if j < LEDE_SENTENCES for p in per_sentence[j]]
    every = [p for j in order for p in per_sentence[j]]

    def _other_act_at(k: int, m: Mention) -> bool:
        """Sentence k is evidence of an act of another kind: its place is that act's."""
        return any(
            i == k and not set(x.categories) & set(m.categories)
            for x, i in zip(mentions, index, strict=True)
        )

    for m, j in zip(mentions, index, strict=True):
        own = per_sentence.get(j, []) if j is not None else []
        if not own and j is not None and j - 1 in per_sentence and not _other_act_at(j - 1, m):
            own = per_sentence[j - 1]
        pool = (own or lede or every) + agency_places(m.police_forces, regions, countries)
        if short and own:
            # a single story names its scene anywhere: the town of 'Miramar officers' in the
            # evidence sentence is where they came from, 'Miami's Liberty City' in the lede where
            pool += [p for p in lede if p not in own]
        if description:
            # a description of one encounter names its scene in any sentence ('the Prague
            # police chased him ... crashed south of Seminole'): before the officers' home town
            pool += [p for p in every if p not in pool]
        forces = m.police_forces
        if article_locale not in (None, "GB"):
            # 'Norfolk police' in a text using American policing words is not Norfolk Constabulary
            forces = [f for f in forces if force_place(f)[0] in (None, article_locale)]
        city, country, region = pick_place(pool, forces)
        if not own and not short:
            # in a long article the location is a place the mention's own sentences name (linking
            # joins keyless mentions naming one place); a short single-story document names its
            # place once, in its opening sentences. Nor is the region another sentence's: a
            # story about a shooting in Louisiana that recalls George Floyd's death says nothing
            # of where he died; only the mention's own agencies do
            city = None
            _, agency_country, region = pick_place(
                agency_places(m.police_forces, regions, countries), forces
            )
            country = agency_country or country
        elif region is None and country:
            known = {r for r in regions if r.startswith(country + "-")}
            region = next(iter(known)) if len(known) == 1 else None
        if country is None:
            country = article_locale
        m.country, m.region = country, region
        if city is not None and not (m.location and city.name in m.location):
            m.location = f"{m.location}, {city.name}" if m.location else city.name
