"""Per-batch work: ingest and extract a list of raw files, in this process or a pool of processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Literal

from flows.core.model import Article
from flows.runtime.cache import FileResult, content_sha256, file_signature

_NLP = None
_NLP_TRAINED: bool | None = None


def _nlp(trained: bool | None):
    """One spaCy pipeline per process, loaded on first use."""
    global _NLP, _NLP_TRAINED
    if _NLP is None or trained != _NLP_TRAINED:
        from flows.extract import load_nlp

        _NLP, _NLP_TRAINED = load_nlp(trained=trained), trained
    return _NLP


def _warm_up(trained: bool | None) -> None:
    """Pool initializer: load the pipeline while the flow is still discovering files."""
    _nlp(trained)


def _inline_only() -> bool:
    """True inside a daemonic process (e.g. a Dask worker), which may not start child processes."""
    if multiprocessing.current_process().daemon:
        return True
    try:
        from distributed import get_worker

        get_worker()
        return True
    except (ImportError, ValueError):
        return False


def _strip_text(article: Article) -> Article:
    article.text = ""
    return article


def process_files(
    rel_paths: list[str], raw_dir: str, trained: bool | None = None
) -> list[FileResult]:
    """Ingest then extract every file; texts are dropped, evidence slices are kept for validation."""
    from flows.extract import extract_articles
    from flows.ingest import read_file

    root = Path(raw_dir)
    per_file: list[tuple[str, tuple[int, int] | None, str | None, list[Article]]] = []
    for rel in rel_paths:
        path = root / rel
        # Signature, then hash, then read: a file edited meanwhile is never cached as unchanged.
        sig = file_signature(path)
        sha = content_sha256(path) if sig is not None else None
        per_file.append((rel, sig, sha, read_file(path, root)))
    readable = [a for *_, arts in per_file for a in arts if a.status is None]
    extractions = extract_articles(readable, _nlp(trained)) if readable else []
    by_article = {x.article_id: x for x in extractions}
    texts = {a.article_id: a.text for a in readable}
    results = []
    for rel, sig, sha, arts in per_file:
        exts = [by_article[a.article_id] for a in arts if a.article_id in by_article]
        spans = {
            (m.article_id, m.char_start, m.char_end): texts[m.article_id][m.char_start : m.char_end]
            for x in exts
            for m in x.mentions
        }
        results.append(
            FileResult(
                rel_path=rel,
                size=sig[0] if sig else -1,
                mtime_ns=sig[1] if sig else -1,
                content_sha256=sha,
                articles=[_strip_text(a) for a in arts],
                extractions=exts,
                spans=spans,
            )
        )
    return results


MIB = 1 << 20
# Memory a build needs, measured (docs/performance.md) and rounded up: an extraction worker
# (spaCy rules pipeline and a batch in flight, ~260 MiB), the flow process and the embedded
# Prefect server before results arrive (~600 MiB), and what the flow holds per file (~4.4 KiB).
WORKER_BYTES = 320 * MIB
FLOW_BASE_BYTES = 640 * MIB
FLOW_BYTES_PER_FILE = 8 * 1024
MIN_FILES_PER_WORKER = 50  # below this a worker costs more to start than it saves
# The workers are replaced by fresh ones after this many batches (a flow batch of 500 files
# gives each of two workers 250, so about 10,000 files each): a worker's memory grows while it
# extracts (spaCy's string store of every new word, allocator fragmentation), and a fresh one
# costs several seconds of CPU to load the pipeline and gazetteers. Measured at 10,000 articles,
# replacing them every 2,000 files cost about 50 CPU seconds and did not lower the peak (it is
# reached early), so the replacement only bounds growth on long builds. The pool is shut down
# and started again between batches rather than with `max_tasks_per_child`, which can deadlock on
# Python 3.11 to 3.13 (CPython gh-115634).
TASKS_PER_WORKER = 40


def usable_cpus() -> int:
    """Cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _read_int(path: str) -> int | None:
    try:
        text = Path(path).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max" (no limit) is not a number


def available_memory() -> int | None:
    """Bytes the build may still use: the kernel's MemAvailable, lowered by a cgroup memory limit
    (v2 or v1) when one is set; None when neither can be read."""
    candidates: list[int] = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                candidates.append(int(line.split()[1]) * 1024)
                break
    except (OSError, ValueError, IndexError):
        pass
    for limit_path, usage_path in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ):
        limit, usage = _read_int(limit_path), _read_int(usage_path)
        if limit is not None and usage is not None and limit < 1 << 60:
            candidates.append(max(0, limit - usage))
    return min(candidates) if candidates else None


def worker_count(
    requested: int | None = None,
    files: int | None = None,
    *,
    cpus: int | None = None,
    available: int | None | Literal["detect"] = "detect",
) -> int:
    """How many extraction worker processes a build starts.

    `requested` > 0 is used as given. Otherwise (None or 0): one per usable core, as many as the
    available memory holds once the flow's own share for `files` files is set aside, no more than
    one per MIN_FILES_PER_WORKER files, and at least 1. `cpus` and `available` (bytes, or None
    for unknown) default to this machine's."""
    if requested:
        return max(1, requested)
    n = usable_cpus() if cpus is None else max(1, cpus)
    free = available_memory() if available == "detect" else available
    if free is not None:
        budget = free - FLOW_BASE_BYTES - FLOW_BYTES_PER_FILE * (files or 0)
        n = min(n, budget // WORKER_BYTES)
    if files is not None:
        n = min(n, files // MIN_FILES_PER_WORKER)
    return max(1, int(n))


class BatchRunner:
    """Runs process_files inline (processes <= 1) or spread over a pool of worker processes.

    Safe to share between the threads of a ThreadPoolTaskRunner (one pool, created once) and
    picklable for a Dask worker, where it always runs inline (Dask workers are daemonic and Dask
    already gives one task per worker thread). Workers are spawned, not forked: the flow process
    has threads (Prefect's event loop), and forking a threaded process can deadlock the child."""

    def __init__(
        self,
        processes: int = 1,
        trained: bool | None = None,
        tasks_per_worker: int = TASKS_PER_WORKER,
    ):
        self.processes = max(1, processes)
        self.trained = trained
        self.tasks_per_worker = tasks_per_worker
        self._pool: ProcessPoolExecutor | None = None
        self._runs = 0  # batches the current pool's workers have run
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {
            "processes": self.processes,
            "trained": self.trained,
            "tasks_per_worker": self.tasks_per_worker,
        }

    def __setstate__(self, state: dict) -> None:
        self.processes = state["processes"]
        self.trained = state["trained"]
        self.tasks_per_worker = state.get("tasks_per_worker", TASKS_PER_WORKER)
        self._pool = None
        self._runs = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker processes now (they load spaCy while the caller does other work)."""
        if self.processes > 1 and not _inline_only():
            self._get_pool()

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm_up,
                    initargs=(self.trained,),
                )
                self._runs = 0
            return self._pool

    def run(self, rel_paths: list[str], raw_dir: Path) -> list[FileResult]:
        if not rel_paths:
            return []
        if self.processes == 1 or _inline_only():
            return process_files(rel_paths, str(raw_dir), self.trained)
        pool = self._get_pool()
        n = self.processes
        chunks = [rel_paths[i::n] for i in range(n) if rel_paths[i::n]]
        futures = [pool.submit(process_files, c, str(raw_dir), self.trained) for c in chunks]
        results = [r for f in futures for r in f.result()]
        self._runs += 1
        if self._runs >= self.tasks_per_worker:
            self.close()  # the next batch starts fresh workers (TASKS_PER_WORKER)
        order = {p: i for i, p in enumerate(rel_paths)}
        return sorted(results, key=lambda r: order[r.rel_path])

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None
