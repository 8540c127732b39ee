"""The learned decision: a spaCy text classifier scoring a candidate sentence with its neighbours.

The question it answers: does this window report misconduct by police, or a death or serious
injury after police contact? The rules find candidates and explain them (`rule_id`); the score
(`Mention.classifier_score`, the evidence column `classifier_score`) decides with them:
a rule mention is kept when its score reaches `threshold`, and a candidate sentence whose rule
match was rejected is kept on the score alone when it reaches `alone_threshold` (both chosen on
the dev split, never on test; see the model card `models/misconduct_textcat/README.md`).

The model is trained by `pmd train` (flows/evaluation/train.py) from the config
`models/misconduct_textcat.cfg` and committed; `load_classifier` refuses a model whose meta
does not match this code (name, version, labels, spaCy version, thresholds present).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAME = "pmd_misconduct_textcat"
MODEL_VERSION = "1.0.0"  # bump with a retrained model whose behaviour or labels change
MODELS_DIR = Path(__file__).parent / "models"
MODEL_DIR = MODELS_DIR / "misconduct_textcat"
CONFIG_PATH = MODELS_DIR / "misconduct_textcat.cfg"
POSITIVE = "MISCONDUCT"
NEGATIVE = "OTHER"
LABELS = (POSITIVE, NEGATIVE)
WINDOW = 1  # neighbouring sentences on each side that make up a window


class ClassifierError(RuntimeError):
    """The committed model is missing or does not match this code."""


def window_span(spans: Sequence[tuple[int, int]], j: int, window: int = WINDOW) -> tuple[int, int]:
    """Character span of sentence j with up to `window` sentences either side."""
    lo, hi = max(0, j - window), min(len(spans) - 1, j + window)
    return spans[lo][0], spans[hi][1]


def window_text(text: str, spans: Sequence[tuple[int, int]], j: int) -> str:
    s, e = window_span(spans, j)
    return text[s:e]


@dataclass(frozen=True)
class MisconductClassifier:
    """A loaded, validated classifier and the thresholds chosen for it on the dev split."""

    nlp: Language
    threshold: float
    alone_threshold: float
    article_threshold: float
    meta: dict
    # the best window of an article at or above this makes it a case report (`oversight_context`)
    context_threshold: float
    # an article naming an oversight body is a case report only when its best window reaches this
    oversight_floor: float

    def score(self, texts: Iterable[str], batch_size: int = 64) -> list[float]:
        """P(misconduct) of each text."""
        return [
            float(doc.cats.get(POSITIVE, 0.0))
            for doc in self.nlp.pipe((t[:20000] for t in texts), batch_size=batch_size)
        ]

    def keep(self, score: float | None, rule_match: bool, article_max: float | None = None) -> bool:
        """The decision: rules and score agree (the window's score, or the best window of the
        article: the article reports misconduct and the rules say where), or the score alone
        is very high."""
        if score is None:
            return rule_match
        if not rule_match:
            return score >= self.alone_threshold
        return score >= self.threshold or (
            article_max is not None and article_max >= self.article_threshold
        )


def validate_meta(meta: dict) -> None:
    """Raise ClassifierError unless the model's meta matches what this code expects."""
    problems = []
    if meta.get("name") != MODEL_NAME:
        problems.append(f"name {meta.get('name')!r} is not {MODEL_NAME!r}")
    if meta.get("version") != MODEL_VERSION:
        problems.append(f"version {meta.get('version')!r} is not {MODEL_VERSION!r}")
    wanted = meta.get("spacy_version") or ""
    if not spacy.util.is_compatible_version(spacy.about.__version__, wanted):
        problems.append(f"trained for spaCy {wanted}, running {spacy.about.__version__}")
    labels = set((meta.get("labels") or {}).get("textcat", []))
    if labels != set(LABELS):
        problems.append(f"labels {sorted(labels)} are not {sorted(LABELS)}")
    pmd = meta.get("pmd") or {}
    for key in (
        "threshold",
        "alone_threshold",
        "article_threshold",
        "context_threshold",
        "oversight_floor",
    ):
        value = pmd.get(key)
        if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            problems.append(f"pmd.{key} missing or not in [0, 1]")
    if problems:
        raise ClassifierError("misconduct classifier: " + "; ".join(problems))


def load_classifier(path: Path | None = None) -> MisconductClassifier:
    """Load and validate a trained classifier (the committed one by default)."""
    path = Path(path) if path is not None else MODEL_DIR
    meta_path = path / "meta.json"
    if not meta_path.is_file():
        raise ClassifierError(f"no trained classifier at {path} (run `pmd train`)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    validate_meta(meta)
    nlp = spacy.load(path)
    if nlp.pipe_names != ["textcat"]:
        raise ClassifierError(f"{path}: pipeline {nlp.pipe_names} is not ['textcat']")
    pmd = meta["pmd"]
    return MisconductClassifier(
        nlp=nlp,
        threshold=float(pmd["threshold"]),
        alone_threshold=float(pmd["alone_threshold"]),
        article_threshold=float(pmd["article_threshold"]),
        meta=meta,
        context_threshold=float(pmd["context_threshold"]),
        oversight_floor=float(pmd["oversight_floor"]),
    )


@functools.lru_cache(maxsize=2)
def committed_classifier() -> MisconductClassifier:
    """The committed model, loaded once per process."""
    return load_classifier(MODEL_DIR)


class ClassifierComponent:
    """Holds the classifier inside the extraction pipeline (`nlp.get_pipe("pmd_classifier")`).

    It does nothing to the sentence docs passing through: extraction calls `score` on the
    candidate windows, a batch at a time."""

    def __init__(self, path: str | None = None, gate: bool = False):
        self._path = Path(path) if path else None
        # gate=False (default): the score is recorded on each mention but the rules and the parse
        # decide. Measured on the test split the model drops real British misconduct news (an
        # officer jailed for rape scores 0.10), so it does not decide until it is better.
        self.gate = gate

    @functools.cached_property
    def classifier(self) -> MisconductClassifier:
        return committed_classifier() if self._path is None else load_classifier(self._path)

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def score(self, texts: Iterable[str]) -> list[float]:
        return self.classifier.score(texts)

    def keep(self, score: float | None, rule_match: bool, article_max: float | None = None) -> bool:
        return self.classifier.keep(score, rule_match, article_max)


@Language.factory("pmd_classifier", default_config={"path": None, "gate": False})
def make_classifier_component(
    nlp: Language, name: str, path: str | None, gate: bool
) -> ClassifierComponent:
    return ClassifierComponent(path, gate)


COMPONENT = "pmd_classifier"


def score_windows(nlp: Language, texts: list[str]) -> list[float | None]:
    """Scores of candidate windows by the pipeline's classifier; None each when it has none."""
    if not texts or not nlp.has_pipe(COMPONENT):
        return [None] * len(texts)
    pipe: ClassifierComponent = nlp.get_pipe(COMPONENT)  # type: ignore[assignment]
    return [round(s, 4) for s in pipe.score(texts)]


def best_score(scores: Iterable[float | None]) -> float | None:
    """The best window score of an article (None when no window was scored)."""
    return max((s for s in scores if s is not None), default=None)


def oversight_context(
    nlp: Language, article_scores: Sequence[float | None], oversight_named: bool
) -> bool:
    """Is the article a report of a police case, in which a death or injury after police contact
    is an incident? Yes when its best candidate window reaches the classifier's
    `context_threshold` (an oversight body's summary, whether or not it names the body), or when
    it names an oversight body (`oversight_named`) and its best window reaches
    `oversight_floor` (an officer murdered by a detainee is not a case against the police, even
    when the watchdog looks at it). Without the classifier, naming the body decides."""
    best = best_score(article_scores)
    if not nlp.has_pipe(COMPONENT) or best is None:
        return oversight_named
    pipe: ClassifierComponent = nlp.get_pipe(COMPONENT)  # type: ignore[assignment]
    clf = pipe.classifier
    return best >= clf.context_threshold or (oversight_named and best >= clf.oversight_floor)


# quotations and speech verbs: a text with this many is a news report, not a case summary in an
# oversight body's own voice (devdata: 1 % of IOPC summaries, 3 % of MPV descriptions, 71 % of
# Daily Mail articles have as many). A quotation running on into the next paragraph leaves its
# first paragraph without a closing mark (the British style): it counts at the paragraph's end.
_REPORTED_SPEECH = re.compile(r'(?<!\w)["“][^"”\n]{3,}(?:["”]|(?=\n)|$)|\b(?:said|says|told)\b')
REPORTED_SPEECH_NEWS = 3


def in_own_voice(text: str) -> bool:
    """Does the text speak in its own voice, as an oversight body's case summary or a database's
    description does, rather than quote and attribute throughout as a news report does? In a
    text the classifier reads as a police case without naming an oversight body, only then do
    the oversight-only event words ('collapsed', 'was arrested', 'a collision') count: a crime
    report's 'the suspect was arrested, police said' is no police case."""
    return len(_REPORTED_SPEECH.findall(text)) < REPORTED_SPEECH_NEWS


def case_window(nlp: Language, score: float | None, oversight_named: bool) -> bool:
    """Is this candidate window part of an oversight body's case summary? The article names an
    oversight body or speaks in its voice (`oversight_named`: "our investigation", "the IOPC")
    and the window itself reads as a police case (its score reaches `context_threshold`). Such a
    summary tells one police contact, so its event words may take police from a neighbouring
    sentence; a crime report that merely reads like a police case (a stabbing, an arrest) is not
    one. Without the classifier (or a score), naming the body decides."""
    if not oversight_named:
        return False
    if score is None or not nlp.has_pipe(COMPONENT):
        return True
    pipe: ClassifierComponent = nlp.get_pipe(COMPONENT)  # type: ignore[assignment]
    return score >= pipe.classifier.context_threshold


def classified_mentions(
    nlp: Language, doc: Doc, ctx, score: float | None, article_scores: Sequence[float | None] = ()
) -> list:
    """The rule mentions of one candidate sentence, decided with the window's score.

    Rules and score agree: the mentions are kept, carrying the score. The rules matched a
    misconduct pattern but their context checks (agent, police tie) rejected it: the mentions
    built with those checks relaxed are kept when the score alone reaches `alone_threshold`.
    Without a classifier in the pipeline (or a score), or with the component's `gate` off (the
    default), the rules decide alone and the mentions only carry the score."""
    from flows.extract.mentions import build_mentions

    found = build_mentions(doc, ctx)
    if score is None or not nlp.has_pipe(COMPONENT):
        return found
    pipe: ClassifierComponent = nlp.get_pipe(COMPONENT)  # type: ignore[assignment]
    if not pipe.gate:
        for m in found:
            m.classifier_score = score
        return found
    article_max = best_score(article_scores)
    if found:
        kept = found if pipe.keep(score, True, article_max) else []
    elif doc.spans.get("misconduct") and pipe.keep(score, False):
        relaxed = dataclasses.replace(
            ctx, open_incident=True, police_prev=True, encounter_before=True, oversight=True
        )
        kept = build_mentions(doc, relaxed)
    else:
        kept = []
    for m in kept:
        m.classifier_score = score
    return kept
