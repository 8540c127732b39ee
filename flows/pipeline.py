"""The `build_dataset` Prefect flow: raw/ in, a validated, versioned release under dataset/ out."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger
from prefect import task as prefect_task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.exceptions import MissingContextError
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.core import settings
from flows.core.model import ArticleExtraction
from flows.curate.assemble import articles_frame, dedupe_articles, finish_tables
from flows.curate.redact import protected_by_article
from flows.curate.review import key_to_id, review_table
from flows.publish.fsio import dataset_lock
from flows.publish.index import read_index
from flows.runtime.batch import BatchRunner, worker_count
from flows.runtime.cache import FileResult, ResultCache, code_version
from schemas.checks import validate_tables
from schemas.export import schema_fingerprint

LOG = logging.getLogger("pmd")
INLINE_BELOW_FILES = 50


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """Prefect's run logger inside a flow or task run, the plain 'pmd' logger outside one."""
    try:
        return get_run_logger()
    except MissingContextError:
        return LOG


def task(fn=None, **kwargs):
    """Prefect task without input hashing: our inputs are large frames and process pools."""
    kwargs.setdefault("cache_policy", NO_CACHE)
    if fn is None:
        return lambda f: prefect_task(f, **kwargs)
    return prefect_task(fn, **kwargs)


@dataclass
class BuildSummary:
    """What a build did, for people (the closing summary) and for benchmarks (stage timings)."""

    files_seen: int = 0
    articles: dict[str, int] = field(default_factory=dict)
    extracted_files: int = 0
    cached_files: int = 0
    words: int = 0
    incidents: int = 0
    evidence: int = 0
    incidents_added: int = 0
    incidents_changed: int = 0
    incidents_removed: int = 0
    corrections_applied: int = 0
    # Incidents whose redaction decisions were made in this build / found memoised in the cache.
    redaction_assessed: int = 0
    redaction_cached: int = 0
    release: str | None = None
    previous_release: str | None = None
    # A release another build published while this one ran (this build's diff is against it).
    published_meanwhile: str | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        a = self.articles
        out = [
            f"files seen {self.files_seen} (articles {sum(a.values())}): "
            f"with incidents {a.get('incidents_found', 0)} + no incident {a.get('no_incident', 0)} + "
            f"duplicates {a.get('duplicate', 0)} + quarantined {a.get('quarantined', 0)}",
            f"extracted {self.extracted_files} file(s), {self.cached_files} from cache",
            f"incidents {self.incidents} ({self.evidence} evidence rows): new {self.incidents_added}, "
            f"changed {self.incidents_changed}, retracted/removed {self.incidents_removed}",
        ]
        if self.release:
            out.append(
                f"release written: {self.release} (previous: {self.previous_release or 'none'})"
            )
        elif self.published_meanwhile:
            out.append(
                f"another build published {self.published_meanwhile} while this one ran; nothing new"
            )
        else:
            out.append(f"no changes: latest release stays {self.previous_release or 'none'}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- tasks (thin wrappers)


@task
def recover_dataset(dataset_dir: Path) -> list[str]:
    """Clear what an interrupted publish left behind, before anything else.

    Does not wait while another build is publishing: `assign_stable_ids` recovers again, under
    the lock, before it reads the latest release."""
    from flows.publish import recover_dataset_dir
    from flows.publish.fsio import DatasetBusy

    dataset_dir.mkdir(parents=True, exist_ok=True)
    try:
        return recover_dataset_dir(dataset_dir, wait=False)
    except DatasetBusy:
        run_logger().info(
            "another build is publishing: recovery runs later, under the dataset lock"
        )
        return []


@task
def discover_raw_files(raw_dir: Path) -> list[str]:
    """Every raw file, as a path relative to raw/, in a stable order; RawDirError if there is none."""
    from flows.ingest import check_raw_dir, discover_relative

    check_raw_dir(raw_dir)
    return discover_relative(raw_dir)


@task
def ingest_and_extract(
    rel_paths: list[str], raw_dir: Path, runner: BatchRunner
) -> list[FileResult]:
    """Ingest and extract one batch of files (spread over worker processes)."""
    return runner.run(rel_paths, raw_dir)


@task
def link_incidents(
    extractions: list[ArticleExtraction],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Group evidence sentences into incidents, within and across articles; the pairs alike but
    not linked go to the review queue (flows/link/persons.py)."""
    from flows.link.keys import link_mentions_review

    return link_mentions_review(extractions)


@task
def assign_stable_ids(incidents_k: pd.DataFrame, evidence_k: pd.DataFrame, dataset_dir: Path):
    """Reuse the previous release's incident ids; never reuse a retired one.

    Recovers first: the build holds the dataset lock from here, and a build that died while this
    one waited for it may have left a release to complete."""
    from flows.publish import (
        assign_incident_ids,
        load_latest_release,
        recover_dataset_dir,
        retired_incident_ids,
    )

    for message in recover_dataset_dir(dataset_dir):
        run_logger().warning(message)
    previous = load_latest_release(dataset_dir)
    never = retired_incident_ids(dataset_dir) if previous else set()
    matching = _with_retired_evidence(previous, dataset_dir, never)
    incidents, evidence = assign_incident_ids(incidents_k, evidence_k, matching, never)
    return incidents, evidence, previous


def _with_retired_evidence(previous, dataset_dir: Path, retired: set[str]):
    """The latest release, plus the last published evidence of every retired incident.

    A retracted or merged-away incident that extraction finds again gets its old id back (so the
    correction that retired it applies again) instead of a fresh id; a retired id is never given
    to a different incident."""
    if previous is None or not retired:
        return previous
    import dataclasses

    import pyarrow.parquet as pq

    from flows.publish import read_index
    from flows.publish.version import parse_version

    wanted, found = set(retired), []
    releases = read_index(dataset_dir)["releases"]
    for release in sorted(releases, key=lambda r: parse_version(r["version"]), reverse=True):
        if not wanted:
            break
        path = dataset_dir / release["version"] / "evidence.parquet"
        if not path.exists():
            continue
        ev = pq.read_table(
            path, columns=["incident_id", "article_id", "char_start", "char_end"]
        ).to_pandas()
        ev = ev[ev["incident_id"].isin(wanted)]
        found.append(ev)
        wanted -= set(ev["incident_id"])
    if not found:
        return previous
    evidence = pd.concat([previous.tables["evidence"], *found], ignore_index=True)
    return dataclasses.replace(previous, tables={**previous.tables, "evidence": evidence})


@task
def apply_reviewed_corrections(
    incidents: pd.DataFrame, evidence: pd.DataFrame, corrections_path: Path
):
    """Apply dataset/corrections.yaml (retract, fix a field, merge, split)."""
    from flows.curate.corrections import apply_corrections, load_corrections

    if not corrections_path.exists():
        return incidents, evidence, []
    result = apply_corrections(incidents, evidence, load_corrections(corrections_path))
    return result[0], result[1], list(result[2])


@task
def redact_protected_identities(
    incidents: pd.DataFrame,
    evidence: pd.DataFrame,
    article_protected: dict | None = None,
    memo_dir: Path | None = None,
):
    """Keep commentators out of officers, allegations alleged, and protected identities withheld.

    Returns the redacted frames, the decisions (the release gate checks them again) and
    (assessed, from cache): how many incidents' decisions were made and how many were memoised
    under `memo_dir` (the build cache) by an earlier build with the same inputs and code.
    """
    from flows.curate.attribution import check_attribution, enforce_allegation_status
    from flows.curate.redact import redact, redaction_decisions
    from flows.runtime.cache import StageMemo, stage_code_version

    logger = run_logger()
    version = stage_code_version(settings.ROOT) if memo_dir is not None else ""

    def open_memo(namespace: str) -> StageMemo | None:
        if memo_dir is None:
            return None
        return StageMemo(memo_dir / "stages.sqlite", namespace, version)

    said = open_memo("attribution")
    try:
        incidents, attribution = check_attribution(incidents, evidence, said)
    finally:
        if said is not None:
            said.close()
    incidents, allegations = enforce_allegation_status(incidents, evidence)
    memo = open_memo("redaction")
    try:
        decisions = redaction_decisions(incidents, evidence, article_protected, memo)
    finally:
        if memo is not None:
            memo.close()
    counts = (memo.misses, memo.hits) if memo is not None else (len(incidents), 0)
    logger.info(f"redaction: {counts[0]} incident(s) assessed, {counts[1]} unchanged from cache")
    for record in [*attribution, *allegations]:
        logger.info(f"review: {record}")
    withheld = [d for d in decisions if d.decision == "withheld"]
    logger.info(f"redaction: {len(withheld)} name(s) withheld of {len(decisions)} decision(s)")
    incidents, evidence = redact(incidents, evidence, decisions)
    return incidents, evidence, decisions, counts


@task
def validate_release(tables: dict[str, pd.DataFrame], spans: dict, decisions=()) -> None:
    """Lazy validation of every table and cross-table rule; an invalid release is never published.

    The redaction gate is part of it: a name withheld anywhere must not survive in any field.
    """
    from flows.curate.redact import leaked_names
    from schemas.checks import Failure, ReleaseInvalid

    report = validate_tables(tables, spans=spans)
    report.failures += [
        Failure("release", "protected_names_withheld", None, leak)
        for leak in leaked_names(tables["incidents"], tables["evidence"], list(decisions))
    ]
    if not report.ok:
        raise ReleaseInvalid(report)


@task(retries=2, retry_delay_seconds=1)
def publish_release(
    tables: dict[str, pd.DataFrame],
    dataset_dir: Path,
    previous,
    corrections: list[dict],
    created_at: str,
    review: pd.DataFrame | None = None,
):
    """Write an immutable release (or nothing, when nothing changed) and update index.json.

    `review` (the linking review queue, flows/curate/review.py) is written beside the tables and
    shown on the page."""
    from flows.publish import ReleaseExists, diff_tables, next_version, read_index, write_release
    from flows.publish.release import review_differs, write_auxiliary_table
    from flows.site import render_dataset_index, render_release_extras

    def extras(staging, tables, context) -> list[str]:
        written = (
            write_auxiliary_table(staging, "link_review", review) if review is not None else []
        )
        return written + render_release_extras(staging, tables, {**context, "link_review": review})

    changes = diff_tables(previous.tables if previous else None, tables)
    if previous is not None and review is not None:
        changes.link_review_changed = review_differs(previous.path, review)
    version = next_version(previous, schema_fingerprint(), changes)
    if version is None:
        return None, changes
    try:
        write_release(
            dataset_dir,
            version,
            tables,
            changes,
            created_at=created_at,
            corrections=corrections,
            extras=extras,
        )
    except ReleaseExists:
        # A retried attempt after a crash between rename and index update: recovery completed it.
        if read_index(dataset_dir).get("latest") != version:
            raise
    render_dataset_index(dataset_dir)
    return version, changes


# ---------------------------------------------------------------- the flow


def published_originals(dataset_dir: Path, version: str | None) -> dict[str, str]:
    """Content article_id -> the source_path release `version` published it with (not duplicates).

    Read before the dataset lock: should another build publish meanwhile, its originals are not
    seen, and a copy may at worst be chosen in path order, as without a previous release."""
    if version is None:
        return {}
    import pyarrow.parquet as pq

    path = dataset_dir / version / "articles.parquet"
    if not path.exists():
        return {}
    table = pq.read_table(path, columns=["article_id", "source_path", "status"]).to_pandas()
    table = table[table["status"] != "duplicate"]
    return dict(zip(table["article_id"], table["source_path"], strict=True))


def _batches(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# Set by the command line on a terminal to draw a live progress bar: called with (done, total).
PROGRESS_HOOK: Callable[[int, int], None] | None = None


def _progress(logger, done: int, total: int, started: float) -> str:
    """One periodic progress line (articles' files done of total, rate, time left)."""
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    left = (total - done) / rate if rate else 0.0
    line = f"files {done}/{total} ({done / max(total, 1):.0%}), {rate:,.0f} files/s, ~{left:,.0f}s left"
    logger.info(line)
    if PROGRESS_HOOK is not None:
        PROGRESS_HOOK(done, total)
    return line


@flow(
    name="build_dataset",
    task_runner=ThreadPoolTaskRunner(max_workers=2),  # type: ignore[arg-type]  # Prefect's generic runner typing
    log_prints=True,
)
def build_dataset(
    raw_dir: Path = settings.RAW_DIR,
    dataset_dir: Path = settings.DATASET_DIR,
    corrections_path: Path | None = None,
    cache_dir: Path | None = settings.CACHE_DIR,
    batch_size: int = 500,
    processes: int | None = None,
    trained: bool | None = None,
    created_at: str | None = None,
) -> dict[str, Any]:
    """Ingest raw/, extract incidents, validate them and publish a release if anything changed."""
    logger = run_logger()
    raw_dir, dataset_dir = Path(raw_dir), Path(dataset_dir)
    corrections_path = (
        Path(corrections_path) if corrections_path else dataset_dir / "corrections.yaml"
    )
    summary = BuildSummary()
    clock = time.monotonic()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.monotonic()
        summary.stage_seconds[stage] = round(summary.stage_seconds.get(stage, 0.0) + now - clock, 3)
        clock = now

    for message in recover_dataset(dataset_dir):
        logger.warning(message)
    started_from = read_index(dataset_dir)["latest"]
    files = discover_raw_files(raw_dir)
    summary.files_seen = len(files)
    lap("discover")

    # Ingest + extract, only for files whose cached result is stale.
    cache = (
        ResultCache(cache_dir / "results.sqlite", code_version(settings.ROOT))
        if cache_dir
        else None
    )
    results: dict[str, FileResult] = cache.lookup_files(raw_dir, files) if cache else {}
    todo = [rel for rel in files if rel not in results]
    summary.cached_files = len(results)
    summary.extracted_files = len(todo)
    # A few changed files are extracted inline: starting worker processes costs more than they do.
    workers = worker_count(processes, files=len(todo))
    runner = BatchRunner(workers if len(todo) >= INLINE_BELOW_FILES else 1, trained)
    try:
        context = FlowRunContext.get()
        if context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner):
            runner.start()  # local workers load spaCy while the first batch is prepared
        futures = [
            ingest_and_extract.submit(b, raw_dir, runner) for b in _batches(todo, batch_size)
        ]
        done, started = 0, time.monotonic()
        for fut in as_completed(futures):
            batch = fut.result()
            for r in batch:
                results[r.rel_path] = r
            if cache is not None:
                cache.store(batch)
            done += len(batch)
            _progress(logger, done, len(todo), started)
    finally:
        runner.close()
        if cache is not None:
            cache.close()
    logger.info(
        f"extracted {len(todo)} file(s); {summary.cached_files} unchanged file(s) from cache"
    )
    lap("ingest_extract")

    ordered = [results[rel] for rel in files]
    file_of = {a.source_path: r.rel_path for r in ordered for a in r.articles}
    articles = dedupe_articles(
        (a for r in ordered for a in r.articles), published_originals(dataset_dir, started_from)
    )
    live = {a.article_id for a in articles if a.status is None}
    # Each live text's extraction comes from the file that keeps its content id.
    kept_file = {a.article_id: file_of[a.source_path] for a in articles if a.status is None}
    extractions = {
        x.article_id: x
        for r in ordered
        for x in r.extractions
        if kept_file.get(x.article_id) == r.rel_path
    }
    spans = {k: v for r in ordered for k, v in r.spans.items() if k[0] in live}
    summary.words = sum(a.word_count for a in articles if a.status is None)
    # Large inputs are quoted: Prefect otherwise walks every element (every Mention of every
    # article, every span) looking for futures, which cost more than linking itself at 10,000
    # articles and grew with the corpus (tests/test_build_cost.py).
    incidents_k, evidence_k, review_k = link_incidents(
        quote([extractions[k] for k in sorted(extractions)])
    )
    lap("link")

    # One build at a time from reading the latest release to updating the index: a concurrent
    # build waits here, then diffs against whatever the other one published.
    def waiting() -> None:
        logger.info("waiting for another build to finish publishing")

    with dataset_lock(dataset_dir, on_wait=waiting):
        lap("lock_wait")
        incidents, evidence, previous = assign_stable_ids(incidents_k, evidence_k, dataset_dir)
        key_ids = key_to_id(evidence_k, evidence)
        incidents, evidence, applied = apply_reviewed_corrections(
            incidents, evidence, corrections_path
        )
        protected = protected_by_article(extractions.values())
        incidents, evidence, decisions, assessed = redact_protected_identities(
            incidents, evidence, quote(protected), cache_dir
        )
        summary.redaction_assessed, summary.redaction_cached = assessed
        incidents, evidence = finish_tables(incidents, evidence)
        tables = {
            "incidents": incidents,
            "evidence": evidence,
            "articles": articles_frame(articles, extractions, evidence),
        }
        lap("assemble")
        validate_release(quote(tables), quote(spans), quote(decisions))
        lap("validate")

        created = created_at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        review = review_table(review_k, key_ids, incidents, evidence, created[:10])
        version, changes = publish_release(
            quote(tables), dataset_dir, quote(previous), quote(applied), created, quote(review)
        )
        lap("publish")

    counts = tables["articles"]["status"].value_counts().to_dict()
    summary.articles = {k: int(v) for k, v in counts.items()}
    summary.incidents, summary.evidence = len(incidents), len(evidence)
    summary.incidents_added = len(changes.incidents_added)
    summary.incidents_changed = len(changes.incidents_changed)
    summary.incidents_removed = len(changes.incidents_removed)
    summary.corrections_applied = len(applied)
    summary.release = version
    summary.previous_release = previous.version if previous else None
    if summary.previous_release != started_from:
        summary.published_meanwhile = summary.previous_release
        logger.info(f"another build published {summary.previous_release} while this one ran")
    for line in summary.lines():
        logger.info(line)
    assert sum(summary.articles.values()) == len(tables["articles"])
    return summary.to_dict()
