#!/usr/bin/env python
"""Extraction speed on real text, one process: words per CPU-second for the Daily Mail mix and for a
police-heavy mix (IOPC + Mapping Police Violence + 2020PB + the Daily Mail articles labelled misconduct),
both read from ../shared/devdata at run time (never copied into the repository).

Measures `extract_articles` with the pipeline loaded (ingest and start-up excluded), for the default
pipeline (trained parser on candidate sentences) and the blank-only pipeline.

Example: PYTHONPATH=. .venv/bin/python benchmarks/extract_speed.py [--repeat 3] [--blank]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEVDATA = ROOT.parent / "shared" / "devdata"


def _rows(name: str) -> list[dict]:
    path = DEVDATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def corpora() -> dict[str, list[tuple[str, str]]]:
    """(id, text) pairs of the two mixes."""
    from flows.evaluation.devgold import load_devgold

    dailymail = [(r["id"], r["text"]) for r in _rows("dailymail_dev.jsonl")]
    gold = ROOT / "tests" / "gold" / "devdata"
    misconduct = [
        (d.doc_id, d.text) for d in load_devgold(gold, DEVDATA, "labels") if d.label == "misconduct"
    ]
    police = [
        (r["id"], r["text"])
        for name in ("iopc_recommendations_dev.jsonl", "mpv_dev.jsonl", "2020pb_dev.jsonl")
        for r in _rows(name)
    ]
    return {"dailymail_mix": dailymail, "police_heavy": police + misconduct}


def measure(nlp, docs: list[tuple[str, str]], repeat: int) -> dict:
    from flows.evaluation.devdata import make_article
    from flows.extract import extract_articles

    articles = [make_article(i, t) for i, t in docs]
    words = sum(len(t.split()) for _, t in docs)
    extract_articles(articles[:20], nlp)  # warm-up
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        extract_articles(articles, nlp)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    return {
        "documents": len(docs),
        "words": words,
        "cpu_s": round(best_cpu, 2),
        "words_per_cpu_s": round(words / best_cpu),
        "words_per_wall_s": round(words / best_wall),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per corpus; the best is kept")
    parser.add_argument("--blank", action="store_true", help="also measure the blank-only pipeline")
    args = parser.parse_args()
    if not DEVDATA.is_dir():
        sys.exit(f"development data not found at {DEVDATA}")
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from flows.extract import load_nlp

    pipelines = {"default (trained parser)": load_nlp()}
    if args.blank:
        pipelines["blank-only"] = load_nlp(trained=False)
    mixes = corpora()
    print("| pipeline | corpus | documents | words | CPU s | words / CPU s | words / wall s |")
    print("|---|---|---|---|---|---|---|")
    for label, nlp in pipelines.items():
        for name, docs in mixes.items():
            r = measure(nlp, docs, args.repeat)
            print(
                f"| {label} | {name} | {r['documents']:,} | {r['words']:,} | {r['cpu_s']} | "
                f"{r['words_per_cpu_s']:,} | {r['words_per_wall_s']:,} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
