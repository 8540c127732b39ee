"""Police force detection: UK gazetteer (canonical names, aliases) plus general patterns for forces elsewhere."""

from __future__ import annotations

import re
from functools import cache

from flows.extract.resources import force_gazetteer

# Words that may be typed in either case inside a force name ("Metropolitan police").
_FLEX = {"police", "constabulary", "service", "force"}
# Capitalised words that cannot start the place part of a general force name.
_NOT_PLACE = frozenset(
    [
        "The",
        "A",
        "An",
        "And",
        "Of",
        "For",
        "In",
        "On",
        "At",
        "By",
        "To",
        "From",
        "With",
        "Black",
        "White",
        "Asian",
        "British",
        "English",
        "Welsh",
        "Scottish",
        "Irish",
        "Military",
        "Riot",
        "Secret",
        "Traffic",
        "Armed",
        "Mounted",
        "Transport",
        "Royal",
        "Her",
        "His",
        "Their",
        "Our",
        "Your",
        "Its",
        "When",
        "While",
        "After",
        "Before",
        "But",
        "Some",
        "Many",
        "Two",
        "Three",
        "Four",
        "Five",
        "Several",
        "Other",
        "Senior",
        "Local",
        "Former",
        "Off",
        "Undercover",
        "Plainclothes",
        "Uniformed",
        "Female",
        "Male",
        "Serving",
        "Chief",
        "Deputy",
        "Assistant",
        "Federal",
        "National",
        "Independent",
        "Met",
        "Metropolitan",
        "If",
        "As",
        "It",
        "This",
        "That",
        "These",
        "Those",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Dame",
        "State",
        "Border",
        "Thought",
        "Fashion",
        "Religious",
        "Morality",
        "Community",
        "Special",
    ]
)
_GENERAL = re.compile(
    r"\b((?:[A-Z][a-z]+\.?|[A-Z]{2,}) (?:[A-Z][a-z]+ ){0,2})"
    r"(Police Department|Police Dept\.?|police department|Sheriff'?s? (?:Office|Department)|"
    r"County Sheriff|Highway Patrol|State Police|Police|police|Marshals Service)\b"
    r"(?!\s+(?:[Ss]tation|[Cc]ustody|[Hh]eadquarters|HQ|[Oo]fficers? at))"
)
_US_ACRONYM = re.compile(r"\b(?:NYPD|LAPD|[A-Z]{2,4}PD|CHP)\b")
_INSPECTORATES = re.compile(
    r"Office for Police Conduct|Inspectorate|College of Policing|Police Federation|Police Conduct"
)


def _alias_regex(alias: str) -> str:
    parts = []
    for word in alias.split(" "):
        w = re.escape(word)
        parts.append(f"(?i:{w})" if word.lower() in _FLEX else w)
    return r"\s+".join(parts)


@cache
def _gazetteer_regex() -> tuple[re.Pattern, dict[str, tuple[str, bool]]]:
    """One regex of every alias; maps the lower-cased matched alias to (canonical, needs_context)."""
    table: dict[str, tuple[str, bool]] = {}
    for force in force_gazetteer():
        for alias in (force["canonical"], *force["aliases"]):
            table[alias.lower()] = (force["canonical"], False)
        for alias in force["context_aliases"]:
            table[alias.lower()] = (force["canonical"], True)
    body = "|".join(_alias_regex(a) for a in sorted(_all_aliases(), key=len, reverse=True))
    regex = re.compile(
        rf"(?<![\w-])(?:{body})(?!\w)(?!\s+(?:Office|Gala|Opera|Museum|Éireann|Ball))"
    )
    return regex, table


def _all_aliases() -> list[str]:
    out = []
    for force in force_gazetteer():
        out += [force["canonical"], *force["aliases"], *force["context_aliases"]]
    return out


def find_forces(text: str, police_context: bool) -> list[tuple[int, int, str]]:
    """(start, end, force name) for each force named in `text`.

    UK forces get their canonical gazetteer name; ambiguous aliases ("the Met", "MPS") count only
    when `police_context` is true. Forces elsewhere are kept as named by the source.
    """
    regex, table = _gazetteer_regex()
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in regex.finditer(text):
        key = re.sub(r"\s+", " ", m.group(0)).lower()
        canonical, needs_context = table.get(key, (None, True))
        if canonical is None or (needs_context and not police_context):
            continue
        found.append((m.start(), m.end(), canonical))
        taken.append(m.span())
    for m in _GENERAL.finditer(text):
        s, e = m.span()
        if any(s < te and ts < e for ts, te in taken):
            continue
        place = m.group(1).strip()
        first = place.split(" ")[0].rstrip(".")
        if first in _NOT_PLACE or _INSPECTORATES.search(text, s, min(len(text), e + 12)):
            continue
        if m.group(2) == "police" and not police_context:
            continue
        name = f"{place} {m.group(2)}"
        name = name[: -len("police")] + "Police" if name.endswith(" police") else name
        found.append((s, e, name.replace("police department", "Police Department")))
        taken.append((s, e))
    for m in _US_ACRONYM.finditer(text):
        if not any(m.start() < te and ts < m.end() for ts, te in taken):
            found.append((m.start(), m.end(), m.group(0)))
    found.sort()
    return found


def canonical_force(name: str) -> str | None:
    """Canonical gazetteer name for a force name or alias (None when not a UK gazetteer force)."""
    _, table = _gazetteer_regex()
    hit = table.get(re.sub(r"\s+", " ", name.strip()).lower())
    return hit[0] if hit else None
