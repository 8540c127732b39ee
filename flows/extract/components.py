"""spaCy components (registered factories): sentence splitter, misconduct matcher, forces/people/dates/outcomes."""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from flows.extract.dates import find_dates
from flows.extract.forces import find_forces
from flows.extract.people import find_location, find_people
from flows.extract.resources import MISCONDUCT_RULES, misconduct_rules
from flows.extract.sentences import split_sentences
from flows.extract.triggers import police_regex

CONTEXT_KEY = "pmd_police_context"  # doc.user_data flag: police named next to this text


def _spans(doc: Doc, items, label_of, kb_of=None) -> list[Span]:
    out = []
    for item in items:
        span = doc.char_span(item[0], item[1], label=label_of(item), alignment_mode="expand")
        if span is None:
            continue
        if kb_of is not None:
            span.kb_id_ = kb_of(item)
        out.append(span)
    return out


class RegexSentencizer:
    """Sentence boundaries from the regex splitter (no parser needed)."""

    def __call__(self, doc: Doc) -> Doc:
        starts = set()
        for s, _ in split_sentences(doc.text):
            span = doc.char_span(s, s + 1, alignment_mode="expand")
            if span is not None:
                starts.add(span.start)
        for token in doc:
            token.is_sent_start = token.i == 0 or token.i in starts
        return doc


class MisconductMatcher:
    """Token patterns of misconduct_rules.v1 -> doc.spans['misconduct'] (label=category, id=rule id)."""

    def __init__(self, nlp: Language):
        self.matcher = Matcher(nlp.vocab)
        self.rules = {r["id"]: r for r in misconduct_rules()}
        for rule in self.rules.values():
            self.matcher.add(rule["id"], [rule["pattern"]])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match_id, start, end in self.matcher(doc):
            rid = doc.vocab.strings[match_id]
            span = Span(doc, start, end, label=self.rules[rid]["category"], span_id=rid)
            span.kb_id_ = f"{MISCONDUCT_RULES}:{rid}"
            spans.append(span)
        doc.spans["misconduct"] = sorted(spans, key=lambda s: (s.start, -s.end))
        return doc


class IncidentFields:
    """Forces, people (with roles), dates and location -> doc.spans groups of the same names."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        context = bool(doc.user_data.get(CONTEXT_KEY)) or bool(police_regex().search(text))
        doc.spans["forces"] = _spans(doc, find_forces(text, context), lambda f: f[2])
        extra = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
        doc.spans["people"] = _spans(doc, find_people(text, extra), lambda p: p[3], lambda p: p[2])
        doc.spans["dates"] = _spans(
            doc, [(d.start, d.end) for d in find_dates(text)], lambda _: "DATE"
        )
        loc = find_location(text)
        doc.spans["location"] = []
        if loc:
            i = text.find(loc)
            doc.spans["location"] = _spans(doc, [(i, i + len(loc))], lambda _: "LOC")
        return doc


@Language.factory("pmd_sentencizer")
def make_sentencizer(nlp: Language, name: str) -> RegexSentencizer:
    return RegexSentencizer()


@Language.factory("pmd_misconduct")
def make_misconduct(nlp: Language, name: str) -> MisconductMatcher:
    return MisconductMatcher(nlp)


@Language.factory("pmd_fields")
def make_fields(nlp: Language, name: str) -> IncidentFields:
    return IncidentFields()
