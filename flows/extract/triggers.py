"""One compiled regex of trigger terms (police words and misconduct vocabulary) for cheap pre-filtering."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from flows.extract.resources import force_gazetteer, misconduct_rules, police_term_regexes

# Nouns that open a case reference in a list ("the killing of X"): candidates even without a rule hit.
CASE_NOUNS = ("murder", "killing", "death", "shooting", "abuse", "rape", "treatment", "case")


def _token_words(token: dict) -> list[str]:
    """Literal words (or a regex body) one Matcher token can match, [] when it is a wildcard."""
    spec = token.get("LOWER") or token.get("ORTH") or token.get("TEXT")
    if isinstance(spec, str):
        return [re.escape(spec.lower())]
    if isinstance(spec, dict):
        if "IN" in spec:
            return [re.escape(w.lower()) for w in spec["IN"]]
        if "REGEX" in spec:
            return [spec["REGEX"].lstrip("^").rstrip("$")]
    return []


def rule_trigger_words(rule: dict) -> list[str]:
    """Words of the most distinctive required token of a rule: if the rule matches, one is in the text."""
    best: list[str] = []
    best_len = -1
    for token in rule["pattern"]:
        if token.get("OP") in ("?", "*") or str(token.get("OP", "")).startswith("{0"):
            continue
        words = _token_words(token)
        if not words:
            continue
        shortest = min(len(w) for w in words)
        if (
            shortest > best_len
            and all(w.isalpha() or "\\" in w or "-" in w for w in words)
            or not best
        ):
            best, best_len = words, shortest
    if not best:
        raise ValueError(f"rule {rule['id']} has no required literal token")
    return best


@cache
def police_pattern() -> str:
    aliases = set()
    for force in force_gazetteer():
        for name in (force["canonical"], *force["aliases"]):
            aliases.add(re.escape(name))
    alias_re = "|".join(sorted(aliases, key=len, reverse=True))
    return "|".join([*police_term_regexes(), rf"\b(?:{alias_re})\b"])


@cache
def misconduct_pattern() -> str:
    words = set(CASE_NOUNS)
    for rule in misconduct_rules():
        words.update(rule_trigger_words(rule))
    body = "|".join(sorted(words, key=len, reverse=True))
    return rf"\b(?:{body})\b"


@cache
def trigger_regex() -> re.Pattern:
    """THE prefilter: named groups `police` and `misconduct`, case-insensitive."""
    return re.compile(
        rf"(?P<police>{police_pattern()})|(?P<misconduct>{misconduct_pattern()})", re.IGNORECASE
    )


@cache
def police_regex() -> re.Pattern:
    return re.compile(police_pattern(), re.IGNORECASE)


def sentence_hits(text: str, spans: list[tuple[int, int]]) -> tuple[set[int], set[int]]:
    """Indices of sentences containing a police term and of those containing a misconduct term."""
    starts = [s for s, _ in spans]
    police: set[int] = set()
    misconduct: set[int] = set()
    for m in trigger_regex().finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or m.start() >= spans[i][1]:
            continue
        (police if m.lastgroup == "police" else misconduct).add(i)
    return police, misconduct
