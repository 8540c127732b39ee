"""Extraction scores: the real ingest + extraction run over the sample articles, matched to tests/gold/."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from flows.evaluation.gold import GoldError, load_gold
from flows.evaluation.score import score, summary, system_incidents

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMAND = "pmd evaluate"

# ---------------------------------------------------------------- running, reporting, floors


def _resolve(path: Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() or path.exists() else REPO_ROOT / path


def evaluate(
    gold_dir: Path = Path("tests/gold"), raw_dir: Path = Path("raw"), nlp=None
) -> dict[str, Any]:
    """Run the real ingest, extraction and linking over the gold articles and score them."""
    from flows.extract import extract_articles, link_mentions, load_nlp
    from flows.ingest import read_file

    gold_dir, raw_dir = _resolve(gold_dir), _resolve(raw_dir)
    names = []
    for path in sorted(gold_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names.append(str(data.get("article", path.stem + ".txt")))
    articles, texts, id_to_name = [], {}, {}
    for name in names:
        read = [a for a in read_file(raw_dir / name, raw_dir) if a.status != "quarantined"]
        if not read:
            raise GoldError(f"{name}: ingest could not read the gold article")
        articles.append(read[0])
        texts[name], id_to_name[read[0].article_id] = read[0].text, name
    gold_articles, gold = load_gold(gold_dir, texts)
    extractions = extract_articles(articles, nlp if nlp is not None else load_nlp())
    incidents, evidence = link_mentions(extractions)
    system = system_incidents(incidents, evidence, id_to_name)
    refs = {id_to_name.get(x.article_id, x.article_id): x.reference_date for x in extractions}
    scores = score(gold_articles, gold, system, refs)
    scores["summary"] = summary(scores)
    return scores


def check_floors(scores: Mapping[str, Any], floors: Mapping[str, float]) -> list[str]:
    """Messages for every headline score below its floor (an unknown key is an error too)."""
    head = scores["summary"]
    out = []
    for key, floor in floors.items():
        if key.startswith("_") or isinstance(floor, Mapping):
            continue  # comments; the devdata floors are checked by flows.evaluation.report
        if key not in head:
            out.append(f"{key}: no such score (known: {', '.join(head)})")
        elif head[key] is None or head[key] < floor:
            out.append(f"{key}: {head[key]} is below the floor {floor}")
    return out


def _rows(scores: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    inc, ev, link = scores["incidents"], scores["evidence"], scores["linking"]
    f, ref = scores["fields"], scores["reference_date"]
    return [
        (
            "Incidents",
            "recall / precision / F1",
            f"{inc['recall']} / {inc['precision']} / {inc['f1']}",
        ),
        (
            "Incidents",
            "gold (+optional) / system / matched",
            f"{inc['gold']} (+{inc['gold_optional']}) / {inc['system']} / {inc['matched']}",
        ),
        (
            "Incidents",
            "false positives (of which split duplicates)",
            f"{inc['false_positives']} ({inc['split_duplicates']})",
        ),
        (
            "Evidence",
            "sentence recall / precision / F1",
            f"{ev['recall']} / {ev['precision']} / {ev['f1']}",
        ),
        ("Evidence", "recall attributed to the matched incident", f"{ev['attributed_recall']}"),
        (
            "Linking",
            "multi-article incidents linked into one",
            f"{link['linked_correctly']} of {link['multi_article_gold']} ({link['linked_share']})",
        ),
        (
            "Linking",
            "wrong merges (gold incidents merged away)",
            f"{link['wrong_merges']} ({link['wrongly_merged_gold']})",
        ),
        (
            "Fields",
            "categories set F1 / Jaccard",
            f"{f['categories_f1']} / {f['categories_jaccard']}",
        ),
        (
            "Fields",
            "date exact / wrong / empty",
            f"{f['date_exact']} / {f['date_wrong']} / {f['date_empty']}",
        ),
        ("Fields", "police forces set F1", f"{f['police_forces_f1']}"),
        ("Fields", "subjects / officers set F1", f"{f['subjects_f1']} / {f['officers_f1']}"),
        (
            "Fields",
            "commentators put in subjects/officers",
            f"{scores['commentator_as_person_errors']}",
        ),
        (
            "Fields",
            "outcome / allegation status exact",
            f"{f['outcome_exact']} / {f['allegation_status_exact']}",
        ),
        ("Fields", "location match", f"{f['location_match']}"),
        (
            "Articles",
            "reference date in window / year right",
            f"{ref['accuracy']} / {ref['year_accuracy']}",
        ),
    ]


def render_markdown(
    scores: Mapping[str, Any], when: str, devdata: Mapping[str, Any] | None = None
) -> str:
    from flows.evaluation.report import render_markdown as devdata_markdown

    lines = [
        "# Extraction evaluation",
        "",
        *([devdata_markdown(devdata, devdata.get("measured_on", when))] if devdata else []),
        "## The five sample articles",
        "",
        f"Measured on {when} against the hand annotations in `tests/gold/` (guidelines:",
        "`docs/annotation.md`), running the real ingest, extraction and linking code.",
        f"Reproduce with `{COMMAND}` (machine-readable scores: `docs/evaluation.json`).",
        "",
        "| area | score | value |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in _rows(scores)],
        "",
        "Matching: a system incident matches a gold incident when their evidence sentences overlap;",
        "one-to-one, greedily by the number of overlapping gold evidence sentences. Optional gold",
        "incidents (borderline cases) neither add to recall nor count as false positives. Field",
        "scores are over matched incidents; a wrong date is counted apart from an empty one.",
        "`pmd evaluate` exits 1 when a headline score falls below `tests/gold/floors.json`.",
        "",
        f"Missed gold incidents: {', '.join(scores['incidents']['missed']) or 'none'}.",
        f"Not linked across articles: {', '.join(scores['linking']['not_linked']) or 'none'}.",
        "",
    ]
    fields = REPO_ROOT / "docs" / "evaluation_fields.md"  # issue 14's section, kept on rewrite
    if fields.is_file():
        lines.append(fields.read_text(encoding="utf-8"))
    return "\n".join(lines)


DEVDATA = REPO_ROOT.parent / "shared" / "devdata"
DEVGOLD = REPO_ROOT / "tests" / "gold" / "devdata"


def _devdata(when: str, devdata: Path = DEVDATA) -> dict[str, Any] | None:
    """The per-kind scores on the devdata test split; without the devdata folder, the block
    last committed in docs/evaluation.json (with the date it was measured on), if any."""
    from flows.evaluation.report import devdata_block

    if devdata.is_dir():
        block = devdata_block(devdata, DEVGOLD, "test")
        return {"measured_on": when, **block}
    previous = REPO_ROOT / "docs" / "evaluation.json"
    try:
        return json.loads(previous.read_text(encoding="utf-8")).get("devdata")
    except (OSError, ValueError):
        return None


def run(floor_path: Path = Path("tests/gold/floors.json"), write_docs: bool = True) -> int:
    """Evaluate, print a table, write docs/evaluation.{json,md}; 1 when a score is below its floor."""
    from rich.console import Console
    from rich.table import Table

    from flows.evaluation import report

    scores = evaluate()
    when = dt.date.today().isoformat()
    floor_path = _resolve(floor_path)
    floors = json.loads(floor_path.read_text(encoding="utf-8")) if floor_path.is_file() else {}
    failures = check_floors(scores, floors)
    devdata = _devdata(when)
    if devdata is not None and DEVDATA.is_dir():
        failures += report.check_floors(devdata, floors.get("devdata") or {})
    table = Table(title="Extraction against tests/gold")
    for col in ("area", "score", "value"):
        table.add_column(col)
    for row in _rows(scores):
        table.add_row(*row)
    console = Console()
    console.print(table)
    if devdata is not None:
        kinds = Table(title=f"Development data, {devdata['split']} split")
        for col in ("text", "measure", "score", "target", "n"):
            kinds.add_column(col)
        for kind_row in report.rows(devdata):
            kinds.add_row(*kind_row)
        console.print(kinds)
    if write_docs:
        docs = REPO_ROOT / "docs"
        payload = {"measured_on": when, "command": COMMAND, **scores}
        if devdata is not None:
            payload["devdata"] = devdata
        text = json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"
        (docs / "evaluation.json").write_text(text, encoding="utf-8")
        (docs / "evaluation.md").write_text(
            render_markdown(scores, when, devdata), encoding="utf-8"
        )
    for msg in failures:
        console.print(f"[red]below floor[/red] {msg}")
    return 1 if failures else 0


def main() -> None:
    raise SystemExit(run())


if __name__ == "__main__":
    main()
