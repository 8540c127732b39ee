"""Per-batch work: ingest and extract a list of raw files, in this process or a pool of processes."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from flows.cache import FileResult
from flows.model import Article

_NLP = None
_NLP_TRAINED: bool | None = None


def _nlp(trained: bool | None):
    """One spaCy pipeline per process, loaded on first use."""
    global _NLP, _NLP_TRAINED
    if _NLP is None or trained != _NLP_TRAINED:
        from flows.extract import load_nlp

        _NLP, _NLP_TRAINED = load_nlp(trained=trained), trained
    return _NLP


def _content_sha256(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


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
    per_file: list[tuple[str, os.stat_result | None, list[Article]]] = []
    for rel in rel_paths:
        path = root / rel
        try:
            st = path.lstat()
        except OSError:
            st = None
        per_file.append((rel, st, read_file(path, root)))
    readable = [a for _, _, arts in per_file for a in arts if a.status is None]
    extractions = extract_articles(readable, _nlp(trained)) if readable else []
    by_article = {x.article_id: x for x in extractions}
    texts = {a.article_id: a.text for a in readable}
    results = []
    for rel, st, arts in per_file:
        exts = [by_article[a.article_id] for a in arts if a.article_id in by_article]
        spans = {
            (m.article_id, m.char_start, m.char_end): texts[m.article_id][m.char_start : m.char_end]
            for x in exts
            for m in x.mentions
        }
        is_regular = st is not None and not os.path.islink(root / rel)
        results.append(
            FileResult(
                rel_path=rel,
                size=st.st_size if st else -1,
                mtime_ns=st.st_mtime_ns if st else -1,
                content_sha256=_content_sha256(root / rel) if is_regular else None,
                articles=[_strip_text(a) for a in arts],
                extractions=exts,
                spans=spans,
            )
        )
    return results


class BatchRunner:
    """Runs process_files inline (processes <= 1) or spread over a pool of worker processes."""

    def __init__(self, processes: int = 1, trained: bool | None = None):
        self.processes = max(1, processes)
        self.trained = trained
        self._pool: ProcessPoolExecutor | None = None

    def run(self, rel_paths: list[str], raw_dir: Path) -> list[FileResult]:
        if not rel_paths:
            return []
        if self.processes == 1:
            return process_files(rel_paths, str(raw_dir), self.trained)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.processes)
        n = self.processes
        chunks = [rel_paths[i::n] for i in range(n) if rel_paths[i::n]]
        futures = [self._pool.submit(process_files, c, str(raw_dir), self.trained) for c in chunks]
        results = [r for f in futures for r in f.result()]
        order = {p: i for i, p in enumerate(rel_paths)}
        return sorted(results, key=lambda r: order[r.rel_path])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
