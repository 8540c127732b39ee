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


def _max_length(pattern: list[dict]) -> int | None:
    """Longest match of a token pattern, None when unbounded."""
    total = 0
    for tok in pattern:
        op = tok.get("OP")
        if op in (None, "!", "?", "1"):
            total += 0 if op == "!" else 1
        elif op.startswith("{") and op.endswith("}") and not op.endswith(",}"):
            total += int(op[1:-1].split(",")[-1])
        else:
            return None
    return total


def _anchor_words(pattern: list[dict]) -> list[str] | None:
    """The words a match must start with (a first token `{"LOWER": {"IN": [...]}}` or `{"LOWER": w}`)."""
    first = pattern[0] if pattern else {}
    if set(first) != {"LOWER"}:
        return None
    value = first["LOWER"]
    if isinstance(value, str):
        return [value.lower()]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return [str(w).lower() for w in value["IN"]]
    return None


class MisconductMatcher:
    """Token patterns of misconduct_rules.v1 -> doc.spans['misconduct'] (label=category, id=rule id).

    Speed: a pattern whose first token is a word list is tried only where one of its words occurs, on
    a window of the pattern's longest match (the spaCy Matcher would otherwise try every pattern's first
    token at every token: the largest cost of extraction on police-heavy text). Same matches."""

    def __init__(self, nlp: Language):
        self.rules = {r["id"]: r for r in misconduct_rules()}
        self.matcher = Matcher(
            nlp.vocab
        )  # patterns without a word-list anchor, run on the whole doc
        self.anchored: dict[str, list[tuple[str, Matcher, int | None]]] = {}
        for rule in self.rules.values():
            words = _anchor_words(rule["pattern"])
            if words is None:
                self.matcher.add(rule["id"], [rule["pattern"]])
                continue
            one = Matcher(nlp.vocab)
            one.add(rule["id"], [rule["pattern"]])
            entry = (rule["id"], one, _max_length(rule["pattern"]))
            for w in dict.fromkeys(words):
                self.anchored.setdefault(w, []).append(entry)

    def _span(self, doc: Doc, rid: str, start: int, end: int) -> Span:
        span = Span(doc, start, end, label=self.rules[rid]["category"], span_id=rid)
        span.kb_id_ = f"{MISCONDUCT_RULES}:{rid}"
        return span

    def __call__(self, doc: Doc) -> Doc:
        found: set[tuple[str, int, int]] = set()
        if len(self.matcher):
            for match_id, start, end in self.matcher(doc):
                found.add((doc.vocab.strings[match_id], start, end))
        for tok in doc:
            for rid, one, longest in self.anchored.get(tok.lower_, ()):
                stop = len(doc) if longest is None else min(len(doc), tok.i + longest)
                for _, start, end in one(doc[tok.i : stop]):
                    if start == 0:
                        found.add((rid, tok.i, tok.i + end))
        spans = [self._span(doc, rid, start, end) for rid, start, end in found]
        doc.spans["misconduct"] = sorted(spans, key=lambda s: (s.start, -s.end, s.id_))
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
