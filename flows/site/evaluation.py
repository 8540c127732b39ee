"""Measured accuracy read from docs/evaluation.json, whatever its keys, flattened for display."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
EVALUATION_PATH = REPO_ROOT / "docs" / "evaluation.json"


def _is_score(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _flatten(value: Any, path: tuple[str, ...], out: list[tuple[tuple[str, ...], Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, (*path, str(k)), out)
    elif isinstance(value, bool):
        return
    elif _is_score(value) or (isinstance(value, str) and len(path) == 1):
        out.append((path, value))


def format_number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


def per_kind(data: dict[str, Any], source: str) -> dict[str, Any] | None:
    """The short per-kind table of the card: one row per kind of text, scored on the test split
    of the development data, with the annotators' agreement and the five samples' headline."""
    from flows.evaluation.report import agreement_rows, rows

    block = data["devdata"]
    try:
        kinds = rows(block)
    except (KeyError, TypeError):
        return None
    summary = data.get("summary") or {}
    samples = None
    if isinstance(summary, dict) and "incident_recall" in summary:
        samples = (
            f"incident recall {format_number(summary['incident_recall'])}, precision "
            f"{format_number(summary.get('incident_precision'))}"
        )
    return {
        "source": source,
        "kinds": kinds,
        "split": block.get("split", "test"),
        "measured_on": block.get("measured_on") or data.get("measured_on"),
        "agreement": agreement_rows(block),
        "samples": samples,
    }


def load_evaluation(path: Path | None = None) -> dict[str, Any] | None:
    """Scores as {'facts': [(key, text)], 'columns': [...], 'rows': [(label, [cells])]}, or None.

    Top-level strings (for example when or how it was measured) become facts. Numbers nested
    under the same parent become one table row, their keys the columns, when that gives a
    compact table (at most 8 distinct keys); otherwise one row per dotted path.
    Returns None when the file is absent or unreadable or holds no number."""
    path = EVALUATION_PATH if path is None else Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("devdata"), dict):
        return per_kind(data, path.name)
    flat: list[tuple[tuple[str, ...], Any]] = []
    _flatten(data, (), flat)
    facts = [(p[0], v) for p, v in flat if isinstance(v, str)]
    numbers = [(p, v) for p, v in flat if not isinstance(v, str)]
    if not numbers:
        return None
    leaf_keys = list(dict.fromkeys(p[-1] for p, _ in numbers if len(p) > 1))
    if numbers and all(len(p) > 1 for p, _ in numbers) and len(leaf_keys) <= 8:
        grouped: dict[str, dict[str, Any]] = {}
        for p, v in numbers:
            grouped.setdefault(" / ".join(p[:-1]), {})[p[-1]] = v
        rows = [
            (label, [format_number(vals[k]) if k in vals else "" for k in leaf_keys])
            for label, vals in grouped.items()
        ]
        return {"source": path.name, "facts": facts, "columns": leaf_keys, "rows": rows}
    rows = [(" / ".join(p), [format_number(v)]) for p, v in numbers]
    return {"source": path.name, "facts": facts, "columns": ["value"], "rows": rows}
