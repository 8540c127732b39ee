"""Linking groups of mentions that tell one incident, within and across articles.

The key rules of `flows/link/keys.py` join mentions sharing an exact key (a full name, a case, an
operation). Two writers rarely name a person the same way: one says "Christopher Junkin", the
other only "Junkin"; one gives a middle name, the other not; a hyphenated surname is shortened.
This pass compares the *groups* the key rules made, blocked on the surnames of the people harmed
(so its cost follows the number of groups sharing a surname, not the square of the corpus), and
joins two groups when everything known about them agrees:

- a surname of a person harmed is shared (a hyphenated surname also matches its parts);
- first names, where both give one for that surname, agree (equal, an initial, a short form that
  starts the long one, or Jaro-Winkler similarity >= `FIRST_NAME_SIMILARITY`);
- nothing contradicts: not in different countries, not in different regions (states, UK nations),
  not both dated to days more than `DAYS_APART` apart;
- and the evidence corroborates. A surname alone links only when the two groups were reported
  within `SURNAME_ONLY_DAYS` of each other and agree in the kind of act (a shared category, or both
  acts of force: `FORCE_FAMILY`). A full name links within
  `FULL_NAME_DAYS`, or at any distance in time when the place (location, region or an agency)
  agrees.

When at most one of two groups names the person harmed, they join only as one death: both
report a death after police contact (`DEATH`), at the same place (a location, an agency, or the
town of a town's police department: 'New Hope' and 'New Hope Police Department'), dated
(the incident's day, else the publication date) within `SAME_DEATH_DAYS`. Two groups naming
different people never join; protest force on one day in one city is many incidents and is never
joined by this rule.

A shared place or force alone never links. The
thresholds were chosen on the train and dev splits of `link_dev.jsonl` and the news gold
(`flows/evaluation/linkage.py` reports the test split).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from nicknames import NickNamer
from rapidfuzz.distance import JaroWinkler

from flows.core.model import Mention
from schemas.vocab import REVIEW_REASONS

DAYS_APART = 7  # two events dated to days this far apart are not one incident
SURNAME_ONLY_DAYS = 14
FULL_NAME_DAYS = 366
FIRST_NAME_SIMILARITY = 0.9
SAME_DEATH_DAYS = 1
# A place and day shared by more groups than this says too little to pick one death by (blocking
# practice: a key that holds too many records is not compared within)
MAX_DEATH_BLOCK = 50
DEATH = "death_following_police_contact"
MIN_SURNAME = 3  # "Q" of "Child Q" is no surname
# Categories one act of force can be told as: a writer who says "shot and killed" files a death,
# another who says "fired at" files force. Two groups agree in kind when they share a category or
# both fall in this family.
FORCE_FAMILY = frozenset({"death_following_police_contact", "excessive_force", "protest_policing"})

# the town of a town's police department ('New Hope Police Department' -> 'new hope'): a writer who
# names the town and another who names its police name one place
_AGENCY_HOME = re.compile(r"^(?P<town>[A-Z][\w .'-]+?) Police Department$")
_TITLE = re.compile(r"^(?:dame|sir|lord|lady|baroness|mr|mrs|ms|miss|mx|dr|rev)\.?$", re.IGNORECASE)
_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)


def name_parts(name: str) -> tuple[str | None, str | None]:
    """(first name, surname) of a person's name, lower case; (None, surname) for one word.

    Titles ("Mr") and suffixes ("Jr.") are dropped, a possessive "'s" is removed."""
    words = _name_words(name)
    if not words:
        return None, None
    return (words[0] if len(words) > 1 else None), words[-1]


def _name_words(name: str) -> list[str]:
    """The words of a person's name, lower case and without accents ('Quiñones' and 'Quinones'
    are one name told by two writers), without titles, suffixes and a possessive."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = [w for w in re.split(r"\s+", folded.strip()) if w]
    words = [re.sub(r"['’]s$", "", w) for w in words]
    while words and _TITLE.match(words[0]):
        words = words[1:]
    while len(words) > 1 and _SUFFIX.match(words[-1].rstrip(",")):
        words = words[:-1]
    return [w.strip(".,").lower() for w in words]


def given_names(name: str) -> list[str]:
    """The given names of a person's name, lower case: the first and any middle names, without
    titles, suffixes and a middle initial ('Shaun Leo Gates' -> ['shaun', 'leo']; 'John A. Smith'
    -> ['john']). A writer may call someone by a middle name ('Marquis Whitlock' for 'DeShawn
    Marquis Whitlock')."""
    return _given(_name_words(name))


def _given(words: list[str]) -> list[str]:
    """`given_names` of a name already split by `_name_words`."""
    if len(words) < 2:
        return []
    return [words[0], *(w for w in words[1:-1] if len(w) > 1)]


@cache
def _namer() -> NickNamer:
    return NickNamer()


@cache
def _name_forms(name: str) -> frozenset[str]:
    """A given name with the names it is a nickname of and its own nicknames ('terry' -> 'terence',
    'nate' -> 'nathaniel', 'nathan'), from the `nicknames` package's hand-curated English table."""
    namer = _namer()
    return frozenset({name, *namer.canonicals_of(name), *namer.nicknames_of(name)})


def surname_keys(surname: str) -> set[str]:
    """The surname and, for a hyphenated one, each part of it long enough to be a name."""
    keys = {surname} if len(surname) >= MIN_SURNAME else set()
    if "-" in surname:
        keys |= {p for p in surname.split("-") if len(p) >= MIN_SURNAME}
    return keys


def first_names_agree(a: str, b: str) -> bool:
    """'John' and 'J', 'Chris' and 'Christopher', 'Jon' and 'John' agree; 'John' and 'Mary' do not."""
    a, b = a.rstrip("."), b.rstrip(".")
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short):
        return True
    # similar spellings ('Jon', 'John'); or a nickname of one is (a spelling of) the other ('Terry'
    # and 'Terrence', 'Nate' and 'Nathaniel'): each name's forms include the name itself
    forms_a, forms_b = _name_forms(a), _name_forms(b)
    return bool(forms_a & forms_b) or any(
        JaroWinkler.similarity(x, y) >= FIRST_NAME_SIMILARITY for x in forms_a for y in forms_b
    )


@dataclass
class Profile:
    """What one group of mentions says about its incident, for comparing groups."""

    # surname key -> given names (first and middle names: `given_names`)
    firsts: dict[str, set[str]] = field(default_factory=dict)
    officer_surnames: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    # locations, agencies and the towns of town police departments, lower case
    places: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    # day-precision incident dates, publication dates: sets, so that a group absorbing many
    # tellings of one day compares that day once (`_min_gap` is over the distinct dates)
    days: set[dt.date] = field(default_factory=set)
    reported: set[dt.date] = field(default_factory=set)

    @classmethod
    def of(cls, members: Sequence[Mention]) -> Profile:
        p = cls()
        officers = {o.lower() for m in members for o in m.officers}
        for o in officers:
            p.officer_surnames |= surname_keys(name_parts(o)[1] or "")
        for m in members:
            for s in m.subjects:
                if s.lower() in officers:
                    continue
                words = _name_words(s)  # split once: the surname and the given names
                if not words:
                    continue
                for key in surname_keys(words[-1]):
                    p.firsts.setdefault(key, set()).update(_given(words))
            p.countries |= {m.country} if m.country else set()
            p.regions |= {m.region} if m.region else set()
            p.places |= {x.lower() for x in [m.location, *m.police_forces] if x}
            p.places |= {
                home.group("town").lower()
                for f in m.police_forces
                if (home := _AGENCY_HOME.match(f)) is not None
            }
            p.categories |= set(m.categories)
            if m.date_precision == "day" and m.date_start:
                p.days.add(m.date_start)
            if m.reported:
                p.reported.add(m.reported)
        return p

    def absorb(self, other: Profile) -> None:
        for key, firsts in other.firsts.items():
            self.firsts.setdefault(key, set()).update(firsts)
        self.officer_surnames |= other.officer_surnames
        self.countries |= other.countries
        self.regions |= other.regions
        self.places |= other.places
        self.categories |= other.categories
        self.days |= other.days
        self.reported |= other.reported


def _min_gap(a: Collection[dt.date], b: Collection[dt.date]) -> int | None:
    """The fewest days between a date of `a` and a date of `b` (None when either is empty):
    one merge of the two sorted lists, not every pair."""
    if not a or not b:
        return None
    xs, ys = sorted(a), sorted(b)
    best, j = None, 0
    for x in xs:
        while j + 1 < len(ys) and ys[j + 1] <= x:
            j += 1
        for y in ys[j : j + 2]:
            gap = abs((x - y).days)
            if best is None or gap < best:
                best = gap
    return best


def _same_kind(a: set[str], b: set[str]) -> bool:
    return bool(a & b) or bool(a & FORCE_FAMILY and b & FORCE_FAMILY)


LINK = "link"
# Reasons a pair goes to the review queue instead: the codes of LinkReview.reason, in their order
SURNAME_FAR_APART, SURNAME_OTHER_ACT, FULL_NAME_FAR_APART, UNNAMED_DEATH_AMBIGUOUS = REVIEW_REASONS


def _contradict(a: Profile, b: Profile) -> bool:
    """Both say where, and it differs: different countries, or different regions."""
    return bool(
        (a.countries and b.countries and not a.countries & b.countries)
        or (a.regions and b.regions and not a.regions & b.regions)
    )


def _same_place(a: Profile, b: Profile) -> bool:
    """A location, an agency or a region in common."""
    return bool(a.places & b.places) or bool(a.regions & b.regions)


def person_verdict(a: Profile, b: Profile) -> str | None:
    """`LINK` when two groups report the same incident of the same person harmed (module
    docstring); a review reason when a surname is shared and nothing contradicts, but the evidence
    does not corroborate enough to link and the place or the kind of act agrees; None otherwise."""
    shared = set(a.firsts) & set(b.firsts) - a.officer_surnames - b.officer_surnames
    if not shared:
        return None
    full = False
    for key in shared:
        fa, fb = a.firsts[key], b.firsts[key]
        if fa and fb:
            if not any(first_names_agree(x, y) for x in fa for y in fb):
                return None  # "John Smith" and "Mary Smith" are two people
            full = True
    if _contradict(a, b):
        return None
    day_gap = _min_gap(a.days, b.days)
    if day_gap is not None and day_gap > DAYS_APART:
        return None
    reported_gap = _min_gap(a.reported, b.reported)
    near = day_gap is not None or reported_gap is not None and reported_gap <= SURNAME_ONLY_DAYS
    place = _same_place(a, b)
    kind = _same_kind(a.categories, b.categories)
    if not full:
        if near and kind:
            return LINK
        if near:
            return SURNAME_OTHER_ACT if place else None
        return SURNAME_FAR_APART if place and kind else None
    within = reported_gap is not None and reported_gap <= FULL_NAME_DAYS
    return LINK if near or within or place else FULL_NAME_FAR_APART


def same_person(a: Profile, b: Profile) -> bool:
    """Whether two groups report the same incident of the same person harmed (module docstring)."""
    return person_verdict(a, b) == LINK


def agreement(a: Profile, b: Profile) -> float:
    """The share of the fields known on both sides that agree (surname, first name, place, kind of
    act, publication within `SURNAME_ONLY_DAYS`): how alike a pair in the review queue is."""
    shared = set(a.firsts) & set(b.firsts)
    checks = [bool(shared)]
    firsts = [(a.firsts[k], b.firsts[k]) for k in shared if a.firsts[k] and b.firsts[k]]
    if firsts:
        checks.append(any(first_names_agree(x, y) for fa, fb in firsts for x in fa for y in fb))
    if (a.places or a.regions) and (b.places or b.regions):
        checks.append(_same_place(a, b))
    if a.categories and b.categories:
        checks.append(_same_kind(a.categories, b.categories))
    gap = _min_gap(a.reported, b.reported)
    if gap is not None:
        checks.append(gap <= SURNAME_ONLY_DAYS)
    return round(sum(checks) / len(checks), 3)


def same_death(a: Profile, b: Profile) -> bool:
    """Whether two groups report one death when at most one of them names the person: both report
    a death after police contact at the same place (location or agency), within a day."""
    if a.firsts and b.firsts:
        return False  # both name someone: `same_person` decides
    if not (DEATH in a.categories and DEATH in b.categories and a.places & b.places):
        return False
    if _contradict(a, b):
        return False
    gap = _min_gap(a.days, b.days) if a.days and b.days else _min_gap(a.reported, b.reported)
    return gap is not None and gap <= SAME_DEATH_DAYS


def _blocks(profiles: dict[int, Profile]) -> dict[str, list[int]]:
    """Blocking keys -> roots: each surname of a person harmed; for deaths, each place with each
    date and the day after (so that two dates a day apart share a key)."""
    block: dict[str, list[int]] = {}
    for root, p in profiles.items():
        keys = {f"name|{k}" for k in p.firsts}
        if DEATH in p.categories:
            for day in sorted(p.days or p.reported):
                for d in (day, day + dt.timedelta(days=1)):
                    keys |= {f"death|{place}|{d.isoformat()}" for place in p.places}
        for key in keys:
            block.setdefault(key, []).append(root)
    return block


class UnionFind(Protocol):
    def find(self, i: int) -> int: ...

    def union(self, a: int, b: int) -> int: ...


def link_same_incident(
    groups: dict[int, list[Mention]],
    uf: UnionFind,
    review: list[tuple[int, int, float, str]] | None = None,
) -> None:
    """Join groups (root index -> members) that tell one incident (module docstring).

    `uf` is the union-find the groups come from (its `union` returns the surviving root); a
    group's current root is `uf.find` of any root it had. First the people: blocks and
    the groups in them are compared in a fixed order (by key, by root), each pair against the
    merged profiles of what the two have joined so far, so that a chain never joins two people
    whose first names disagree. Then the deaths told without a name: such a group joins the
    groups `same_death` accepts only when at most one of them names someone (a man shot by one
    force on the day it shot two named people could be either).

    With `review`, the pairs of groups that are alike but not linked are appended to it as
    (root, other root, agreement, reason): roots as they were when compared (the caller maps them
    to the final groups)."""
    profiles = {
        root: Profile.of(members)
        for root, members in sorted(groups.items())
        if any(m.subjects or DEATH in m.categories for m in members)  # others have no block
    }
    block = _blocks(profiles)
    current = uf.find

    def join(a: int, b: int) -> None:
        kept = uf.union(a, b)
        gone = b if kept == a else a
        profiles[kept].absorb(profiles.pop(gone))

    for key in sorted(k for k in block if k.startswith("name|")):
        roots = block[key]
        for i, ra in enumerate(roots):
            for rb in roots[i + 1 :]:
                a, b = current(ra), current(rb)
                if a == b:
                    continue
                verdict = person_verdict(profiles[a], profiles[b])
                if verdict == LINK:
                    join(a, b)
                elif verdict is not None and review is not None:
                    review.append((a, b, agreement(profiles[a], profiles[b]), verdict))
    death_blocks: dict[int, set[str]] = {}
    for key, roots in block.items():
        if key.startswith("death|") and len(roots) <= MAX_DEATH_BLOCK:
            for root in roots:
                death_blocks.setdefault(root, set()).add(key)
    for root in sorted(death_blocks):
        g = current(root)
        if profiles[g].firsts:
            continue
        others = {current(r) for key in death_blocks[root] for r in block[key]} - {g}
        found = sorted(o for o in others if same_death(profiles[g], profiles[o]))
        if sum(1 for o in found if profiles[o].firsts) > 1:
            if review is not None:
                review += [
                    (g, o, agreement(profiles[g], profiles[o]), UNNAMED_DEATH_AMBIGUOUS)
                    for o in found
                ]
            continue
        for o in found:
            a, b = current(g), current(o)
            if a != b:
                join(a, b)
