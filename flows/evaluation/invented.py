"""Invented news articles, written for this project in its own words (no source text), that
train and test the misconduct classifier and the extraction where real annotated news is scarce:
police news that is NOT misconduct (crime reports, officers hurt, rescues, briefings, union
comment) and news that IS (with the evidence sentences as character offsets).

`tests/gold/invented/news.v1.jsonl` (and `probe.v1.jsonl` to `probe.v4.jsonl`: later probes used only by a test,
never for training), one article per line: `id`, `label`
(`police_not_misconduct` | `misconduct` | `no_police`, the last only in probes), `kind` (a short
description of the story), `text`,
`evidence` (list of [start, end) offsets of the sentences reporting misconduct; empty for
`police_not_misconduct`). Split train / dev / test by `split_of(id)` like the devdata gold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flows.evaluation.devgold import split_of

INVENTED_PATH = (
    Path(__file__).resolve().parents[2] / "tests" / "gold" / "invented" / "news.v1.jsonl"
)
LABELS = ("police_not_misconduct", "misconduct", "no_police")


class InventedCorpusError(ValueError):
    """The invented corpus file breaks its format."""


@dataclass(frozen=True)
class InventedDoc:
    doc_id: str
    label: str
    kind: str
    text: str
    evidence: tuple[tuple[int, int], ...]

    @property
    def split(self) -> str:
        return split_of(self.doc_id)


def load_invented(path: Path = INVENTED_PATH) -> list[InventedDoc]:
    """Every article of the file, validated (unique ids, known labels, evidence inside the text
    and only on misconduct articles)."""
    docs: list[InventedDoc] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InventedCorpusError(f"{path.name}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InventedCorpusError(f"{path.name}:{n}: not a JSON object")
        doc_id, label, text = row.get("id"), row.get("label"), row.get("text")
        if not isinstance(doc_id, str) or not doc_id or doc_id in seen:
            raise InventedCorpusError(f"{path.name}:{n}: missing or repeated id {doc_id!r}")
        if label not in LABELS:
            raise InventedCorpusError(f"{path.name}:{n}: label {label!r} not in {LABELS}")
        if not isinstance(text, str) or not text.strip():
            raise InventedCorpusError(f"{path.name}:{n}: empty text")
        try:
            evidence = tuple((int(s), int(e)) for s, e in row.get("evidence") or [])
        except (TypeError, ValueError) as exc:
            raise InventedCorpusError(
                f"{path.name}:{n}: evidence must be [start, end] pairs"
            ) from exc
        if any(not 0 <= s < e <= len(text) for s, e in evidence):
            raise InventedCorpusError(f"{path.name}:{n}: evidence offsets outside the text")
        if (label == "misconduct") != bool(evidence):
            raise InventedCorpusError(
                f"{path.name}:{n}: a misconduct article needs evidence, and only it has any"
            )
        seen.add(doc_id)
        docs.append(InventedDoc(doc_id, label, str(row.get("kind") or ""), text, evidence))
    return docs


__all__ = ["INVENTED_PATH", "InventedCorpusError", "InventedDoc", "load_invented"]
