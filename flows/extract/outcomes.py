"""Outcome (vocabulary code + the source's words) and allegation status of an evidence sentence."""

from __future__ import annotations

from flows.extract.resources import outcome_rules, status_cues
from schemas.vocab import outcome_rank


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
    cues = status_cues()
    if outcome_status == "alleged" and cues["cleared"].search(text):
        return "alleged"  # investigated and not established: "no case to answer", "not upheld"
    if outcome_status == "established" or cues["established"].search(text):
        return "established"
    if outcome_status == "alleged" or cues["alleged"].search(text):
        return "alleged"
    return "unknown"
