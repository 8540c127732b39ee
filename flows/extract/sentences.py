"""Fast regex sentence splitter over a whole text, keeping character offsets."""

from __future__ import annotations

import re

_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9£$])")
_PARA = re.compile(r"[^\n]+")
_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "sgt",
        "insp",
        "supt",
        "det",
        "con",
        "rev",
        "gen",
        "col",
        "lt",
        "capt",
        "maj",
        "prof",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "gov",
        "sen",
        "rep",
        "ave",
        "rd",
        "u.s",
        "a.m",
        "p.m",
        "e.g",
        "i.e",
        "approx",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ch",
        "cllr",
        "hon",
        "const",
        "cst",
        "cpl",
    ]
)
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.$")
_CAPITALISED_BEFORE = re.compile(r"(?<![.!?…,;:])\b[A-Z][a-z]+\.?[ \u00a0]+$")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")  # 'd.c' of 'D.C.' (lower-cased, last stop off)


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the full stop at text[end-1] closes an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, max(0, end - 12), end)
    if not m:
        return False
    word = m.group(1).lower()
    if word in _ABBREV or len(word) == 1:
        return True
    if _INITIALS.fullmatch(word):
        # initials ('D.C.', 'A.J.') close no sentence right after a title or a first name
        # ('Officer D.C. Twiddy', 'Marcus A.J. Brown'); after anything else they may ('in the
        # U.S. He', 'Washington, D.C. The')
        return _CAPITALISED_BEFORE.search(text, max(0, m.start() - 30), m.start()) is not None
    return False


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of `text`; lines are never joined, whitespace is trimmed."""
    spans: list[tuple[int, int]] = []
    for para in _PARA.finditer(text):
        p_start, p_end = para.span()
        start = p_start
        for m in _END.finditer(text, p_start, p_end):
            end = m.end()
            if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, end):
                continue
            spans.append((start, end))
            start = end
        spans.append((start, p_end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def same_paragraph_back(text: str, spans, j: int, window: int) -> list[int]:
    """Indexes of up to `window` sentences before sentence j, nearest first, stopping at a paragraph break."""
    out = []
    for k in range(j - 1, max(-1, j - 1 - window), -1):
        if "\n\n" in text[spans[k][1] : spans[k + 1][0]]:
            break
        out.append(k)
    return out


def parse_case(sentence: str) -> str:
    """The sentence as the parser should read it: a sentence written in capitals ('THUG WHO BIT
    COPS IS JAILED', a tabloid headline) in lower case but for its first letter, which the small
    parser reads as words rather than as a row of names. Same length, so offsets hold."""
    letters = [c for c in sentence if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if len(letters) < 12 or upper < 0.85 * len(letters) or len(sentence.split()) < 3:
        return sentence
    out = [c.lower() if len(c.lower()) == 1 else c for c in sentence]
    first = next((i for i, c in enumerate(out) if c.isalpha()), None)
    if first is not None:
        out[first] = sentence[first]
    return "".join(out)
