"""Linking time at scale (issue 15.5): `link_mentions_review` over the mentions of N articles.

    .venv/bin/python benchmarks/link_scale.py --results <workdir>/cache/results.sqlite \
        --articles 10000 100000

The mentions are real extractions: the build cache (`cache/results.sqlite`) of a benchmark
corpus built by `benchmarks/run.py` (for example `--corpus police --articles 10000`). Past the
number of cached articles, the articles are used again under new ids, published 400 days later
per round (another outlet telling the story again a year on, as a growing corpus does). Prints
one JSON line per size: articles, mentions, incidents, review pairs, seconds (best of `--repeat`).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import pickle
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cached_extractions(results: Path) -> list:
    """Every ArticleExtraction of the most common code version in a build's result cache."""
    db = sqlite3.connect(str(results))
    version = db.execute(
        "SELECT version FROM by_content GROUP BY version ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    if version is None:
        raise SystemExit(f"{results}: no cached results (build a benchmark corpus first)")
    out = []
    for (payload,) in db.execute("SELECT payload FROM by_content WHERE version = ?", version):
        out.extend(pickle.loads(payload).extractions)
    return [x for x in out if x.mentions]


def corpus(base: list, n: int) -> list:
    """n articles: the cached ones, then copies under new ids published 400 days later per round."""
    out = []
    for i in range(n):
        x = base[i % len(base)]
        rnd = i // len(base)
        if rnd == 0:
            out.append(x)
            continue
        art = f"{x.article_id}-{rnd}"
        shift = dt.timedelta(days=400 * rnd)
        mentions = [
            dataclasses.replace(
                m, article_id=art, reported=m.reported + shift if m.reported else None
            )
            for m in x.mentions
        ]
        out.append(dataclasses.replace(x, article_id=art, mentions=mentions))
    return out


def run(extractions: list, repeat: int) -> dict:
    from flows.link.keys import link_mentions_review

    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        incidents, evidence, review = link_mentions_review(extractions)
        best = min(best, time.perf_counter() - t0)
    return {
        "articles": len(extractions),
        "mentions": sum(len(x.mentions) for x in extractions),
        "incidents": len(incidents),
        "review_pairs": len(review),
        "link_s": round(best, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    base = cached_extractions(args.results)
    print(json.dumps({"cached_articles_with_mentions": len(base)}), flush=True)
    for n in args.articles:
        print(json.dumps(run(corpus(base, n), args.repeat)), flush=True)


if __name__ == "__main__":
    main()
