"""Later sentences that report how an already-found incident was decided (its outcome) join it."""

from __future__ import annotations

from flows.core.model import Mention
from flows.extract.mentions import police_tie
from flows.extract.outcomes import allegation_status, find_outcome
from flows.extract.resources import OUTCOME_RULES, continuation_cues, outcome_rules

# How far (in sentences) after the incident's last evidence sentence an outcome may still be its own.
MAX_GAP = 12


def _rule_id(outcome: str) -> str:
    rule = next(r for r, _ in outcome_rules() if r["outcome"] == outcome)
    return f"{OUTCOME_RULES}:{rule['id']}"


def outcome_continuations(
    text: str,
    spans: list[tuple[int, int]],
    mention_sentences: list[int],
    mentions: list[Mention],
    oversight: bool,
) -> list[Mention]:
    """Outcome sentences ('we found no case to answer', 'the officer was dismissed') that follow an
    incident, tied to police or in an oversight report. The caller passes only articles whose mentions
    form ONE incident (otherwise whose outcome it is, is unclear).

    `mention_sentences[i]` is the sentence index of `mentions[i]`. Each continuation copies the
    categories and forces of the incident; `join_continuations` then gives it the incident's link keys.
    Outcome sentences
    carry no date: a decision's date is never the incident's."""
    if not mentions:
        return []
    anchor = mentions[0]
    taken = set(mention_sentences)
    last = max(mention_sentences)
    first = min(mention_sentences)
    out = []
    for j in range(first + 1, min(len(spans), last + MAX_GAP + 1)):
        if j in taken:
            continue
        s, e = spans[j]
        sentence = text[s:e]
        outcome, words, status, _ = find_outcome(sentence)
        if outcome is None or outcome == "civil_settlement":
            continue
        if not (police_tie(sentence) or oversight):
            continue
        out.append(
            Mention(
                article_id=anchor.article_id,
                char_start=s,
                char_end=e,
                quote=sentence,
                rule_id=_rule_id(outcome),
                categories=list(anchor.categories),
                police_forces=list(anchor.police_forces),
                outcome=outcome,
                outcome_text=words,
                allegation_status=allegation_status(sentence, status),
            )
        )
    return out


def join_continuations(mentions: list[Mention], continuations: list[Mention]) -> None:
    """Give the continuations the incident's link keys (a key naming its first sentence when it has none)."""
    anchor = mentions[0]
    key = next(iter(anchor.link_keys), None)
    if key is None:
        key = f"event:article:{anchor.article_id}:{anchor.char_start}"
        for m in mentions:
            m.link_keys.append(key)
    for m in continuations:
        m.link_keys = list(anchor.link_keys) if anchor.link_keys else [key]


BACK_REFERENCE_RULE = "continuation_cues.v1:refers_back"


def back_reference_continuations(
    text: str,
    spans: list[tuple[int, int]],
    mention_sentences: list[int],
    mentions: list[Mention],
) -> list[Mention]:
    """Sentences right after an evidence sentence, in the same paragraph, that refer back to it
    ("She told the tribunal ...", "The officer was ...", "This behaviour ..."): evidence of the same
    incident. Only after a sentence holding ONE mention (a sentence listing several cases is ambiguous);
    a sentence that is evidence of its own stops the chain. Each continuation copies the incident's
    categories, forces, people and link keys (a key naming the anchor when it has none); no date."""
    cue, max_chain = continuation_cues()
    per_sentence: dict[int, list[Mention]] = {}
    for m, j in zip(mentions, mention_sentences, strict=False):
        per_sentence.setdefault(j, []).append(m)
    taken = set(per_sentence)
    out = []
    for j, ms in sorted(per_sentence.items()):
        if len(ms) != 1:
            continue
        anchor = ms[0]
        for k in range(j + 1, min(len(spans), j + 1 + max_chain)):
            if k in taken or "\n\n" in text[spans[k - 1][1] : spans[k][0]]:
                break
            s, e = spans[k]
            sentence = text[s:e]
            if not cue.match(sentence):
                break
            outcome, words, status, _ = find_outcome(sentence)
            if outcome == "civil_settlement":
                outcome = words = status = None
            taken.add(k)
            out.append(
                Mention(
                    article_id=anchor.article_id,
                    char_start=s,
                    char_end=e,
                    quote=sentence,
                    rule_id=BACK_REFERENCE_RULE,
                    categories=list(anchor.categories),
                    police_forces=list(anchor.police_forces),
                    location=anchor.location,
                    subjects=list(anchor.subjects),
                    officers=list(anchor.officers),
                    outcome=outcome,
                    outcome_text=words,
                    allegation_status=allegation_status(sentence, status),
                    link_keys=list(anchor.link_keys),
                )
            )
    return out
