"""One compiled regex of trigger terms (police words and misconduct vocabulary) for cheap pre-filtering."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from flows.extract.resources import force_gazetteer, misconduct_rules, police_terms

# Nouns that open a case reference in a list ("the killing of X"): candidates even without a rule hit.
CASE_NOUNS = ("murder", "killing", "death", "shooting", "abuse", "rape", "treatment", "case")


# Words too common to trigger on: the prefilter picks another token of the rule instead.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "on",
        "in",
        "of",
        "for",
        "at",
        "by",
        "with",
        "without",
        "from",
        "their",
        "his",
        "her",
        "its",
        "my",
        "our",
        "your",
        "they",
        "he",
        "she",
        "it",
        "was",
        "were",
        "be",
        "been",
        "being",
        "is",
        "are",
        "had",
        "has",
        "have",
        "and",
        "or",
        "not",
        "no",
        "after",
        "following",
        "before",
        "into",
        "over",
        "about",
        "against",
        "regarding",
        "concerning",
        "that",
        "this",
        "used",
        "using",
        "use",
        "made",
        "took",
        "taking",
        "sent",
        "shared",
        "posted",
        "case",
        "search",
        "video",
        "footage",
        "image",
        "images",
        "photos",
        "message",
        "messages",
        "comments",
        "contact",
        "response",
        "serious",
        "opened",
        "fired",
        "break",
        "arrested",
        "arrest",
    ]
)


def _token_words(token: dict) -> tuple[list[str], list[str]]:
    """(literal words, regex bodies) one Matcher token can match; both empty for a wildcard."""
    spec = token.get("LOWER") or token.get("ORTH") or token.get("TEXT")
    if isinstance(spec, str):
        return [spec.lower()], []
    if isinstance(spec, dict):
        if "IN" in spec:
            return [w.lower() for w in spec["IN"]], []
        if "REGEX" in spec:
            body = spec["REGEX"]
            tail = "" if body.endswith("$") else r"\w*"
            return [], [body.lstrip("^").rstrip("$") + tail]
    return [], []


def rule_trigger_words(rule: dict) -> tuple[list[str], list[str]]:
    """Words of the most distinctive required token of a rule: if the rule matches, one is in the text."""
    best: tuple[list[str], list[str]] | None = None
    best_len = -1
    for token in rule["pattern"]:
        op = str(token.get("OP", ""))
        if op in ("?", "*") or op.startswith("{0"):
            continue
        words, regexes = _token_words(token)
        if not words and not regexes:
            continue
        shortest = min((len(w) for w in words), default=6)
        if any(w in _STOPWORDS for w in words):
            shortest = 0
        if best is None or shortest > best_len:
            best, best_len = (words, regexes), shortest
    if best is None:
        raise ValueError(f"rule {rule['id']} has no required literal token")
    return best


def trie_regex(words: set[str]) -> str:
    """A regex alternation of `words` shaped as a trie (Python's re does not optimise alternations)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(k) + emit(v) for k, v in sorted(node.items()) if k]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


@cache
def police_pattern() -> str:
    folded: set[str] = set()
    exact: set[str] = set()
    for row in police_terms():
        (exact if row["case_sensitive"] else folded).update(
            row["words"] if row["case_sensitive"] else (w.lower() for w in row["words"])
        )
    for force in force_gazetteer():
        for name in (force["canonical"], *force["aliases"]):
            (exact if name.isupper() else folded).add(name if name.isupper() else name.lower())
    return rf"\b(?:{trie_regex(folded)}|(?-i:{trie_regex(exact)}))\b(?!\s+(?-i:Office|Gala|Opera))"


@cache
def misconduct_pattern() -> str:
    words, regexes = set(CASE_NOUNS), set()
    for rule in misconduct_rules():
        w, r = rule_trigger_words(rule)
        words.update(w)
        regexes.update(r)
    alternatives = [trie_regex(words), *sorted(regexes)]
    return rf"\b(?:{'|'.join(alternatives)})\b"


@cache
def trigger_regex() -> re.Pattern:
    """THE prefilter: named groups `police` and `misconduct`, case-insensitive."""
    police, misconduct = police_pattern()[2:], misconduct_pattern()[2:]  # drop the leading \\b
    return re.compile(
        rf"\b(?=\w)(?:(?P<police>{police})|(?P<misconduct>{misconduct}))", re.IGNORECASE
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
