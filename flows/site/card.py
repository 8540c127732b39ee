"""The release's README.md dataset card, rendered from the models, the release counts and the evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from flows.site.common import DATASET_TITLE, change_counts, environment, iso_date, summary
from flows.site.evaluation import load_evaluation
from schemas.export import DATA_LICENSE, data_dictionary_markdown


def _demote(markdown: str) -> str:
    """Nest a Markdown document's headings one level deeper (the dictionary sits under the card)."""
    return "\n".join("#" + line if line.startswith("#") else line for line in markdown.splitlines())


def _item(value: Any) -> str:
    """One correction or note as a single Markdown list line, whatever its shape."""
    if isinstance(value, dict):
        text = "; ".join(f"{k}: {v}" for k, v in value.items())
    else:
        text = str(value)
    return " ".join(text.split())


def citation(version: str, date: str) -> str:
    return (
        f"Police misconduct incidents reported in the news, version {version} ({date}). "
        f"Dataset, {DATA_LICENSE['name']}."
    )


def render_card(
    tables: dict[str, pd.DataFrame], context: dict[str, Any], evaluation_path: Path | None = None
) -> str:
    version = str(context.get("version", ""))
    date = iso_date(context.get("created_at")) or str(context.get("created_at", ""))
    return (
        environment(False)
        .get_template("README.md.j2")
        .render(
            title=DATASET_TITLE,
            version=version,
            date=date,
            previous_version=context.get("previous_version"),
            s=summary(tables),
            changes=change_counts(context.get("changes")),
            corrections=[_item(c) for c in context.get("corrections") or []],
            notes=[_item(n) for n in context.get("notes") or []],
            evaluation=load_evaluation(evaluation_path),
            dictionary=_demote(data_dictionary_markdown()),
            license_url=DATA_LICENSE["path"],
            citation=citation(version, date),
        )
    )
