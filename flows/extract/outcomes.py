"""Outcome (vocabulary code + the source's words) and allegation status of an evidence sentence."""

from __future__ import annotations

import re

from flows.extract.resources import outcome_rules
from schemas.vocab import outcome_rank

_ALLEGED = re.compile(
    r"\b(?:alleg\w*|accus\w*|claim\w*|reportedly|said to have|suspected|complain\w*|investigat\w*|"
    r"under scrutiny|denies|denied|face a misconduct|case to answer)\b",
    re.IGNORECASE,
)
_ESTABLISHED = re.compile(
    r"\b(?:found that|finding that|findings?|revealed that|revealing that|concluded|conclusion|"
    r"admitted|admits|apologi[sz]ed|confirmed|convicted|guilty|jailed|dismissed for|sacked|"
    r"uncovered)\b",
    re.IGNORECASE,
)


_CLEARED = re.compile(
    r"\b(?:no case to answer|no indication|not (?:proven|proved|upheld|substantiated)|no misconduct|"
    r"found no (?:evidence of )?misconduct|management action|unsatisfactory performance)",
    re.IGNORECASE,
)


def find_outcome(text: str) -> tuple[str | None, str | None, str | None, tuple[int, int] | None]:
    """(outcome code, outcome words, status implied, span) of the most advanced outcome in `text`."""
    best = None
    for rule, regex in outcome_rules():
        for m in regex.finditer(text):
            rank = outcome_rank(rule["outcome"])
            if best is None or rank > best[0]:
                best = (rank, rule["outcome"], m.group(0).strip(), rule["status"], m.span())
            break
    if best is None:
        return None, None, None, None
    return best[1], best[2], best[3], best[4]


def allegation_status(text: str, outcome_status: str | None) -> str:
    """established when a finding/conviction/admission/conclusion is reported, alleged for claims."""
    if outcome_status == "alleged" and _CLEARED.search(text):
        return "alleged"  # investigated and not established: "no case to answer", "not upheld"
    if outcome_status == "established" or _ESTABLISHED.search(text):
        return "established"
    if outcome_status == "alleged" or _ALLEGED.search(text):
        return "alleged"
    return "unknown"
