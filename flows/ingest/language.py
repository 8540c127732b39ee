"""Is this article English? A cheap function-word ratio first, langdetect only when ambiguous."""

from __future__ import annotations

import re

from flows.ingest.wordlists import load_words

_FUNCTION_WORDS = load_words("english_function_words.v1.txt")
_TOKEN_RE = re.compile(r"[^\W\d_]+")
_SAMPLE_CHARS = 5000
_ENGLISH_RATIO = 0.2
_MIN_TOKENS = 20


def function_word_ratio(text: str) -> tuple[float, int]:
    """Share of English function words among the word tokens of the text's first 5000 chars."""
    tokens = _TOKEN_RE.findall(text[:_SAMPLE_CHARS].lower())
    if not tokens:
        return 0.0, 0
    return sum(1 for t in tokens if t in _FUNCTION_WORDS) / len(tokens), len(tokens)


def detect_language(text: str) -> str | None:
    """'en', another ISO 639-1 code, or None when the text is too short or has no words to judge."""
    ratio, count = function_word_ratio(text)
    if count and ratio >= _ENGLISH_RATIO:
        return "en"
    if count < _MIN_TOKENS:
        return None
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(text[:_SAMPLE_CHARS])
    except LangDetectException:
        return None
