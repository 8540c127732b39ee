"""Content-hash cache of per-file ingest+extract results, so a rebuild redoes only what changed."""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import stat
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from flows.core.model import Article, ArticleExtraction

SIDECAR_SUFFIX = (
    ".meta.json"  # as flows.ingest.metadata.sidecar_paths: a.txt.meta.json, a.meta.json
)

# Everything whose change must invalidate cached extraction results.
_CODE_GLOBS = (
    "flows/ingest/**/*",
    "flows/extract/**/*",
    "flows/core/model.py",
    "flows/runtime/batch.py",
    "schemas/vocabularies/*",
)


@dataclass(slots=True)
class FileResult:
    """What one raw file yielded: its articles (texts dropped) and their extractions."""

    rel_path: str
    size: int
    mtime_ns: int
    content_sha256: str | None
    articles: list[Article]
    extractions: list[ArticleExtraction]
    # (article_id, char_start, char_end) -> the slice of the article text, captured at ingest.
    spans: dict[tuple[str, int, int], str] = field(default_factory=dict)


def _sidecars(path: Path) -> list[Path]:
    from flows.ingest.metadata import sidecar_paths

    return [p for p in dict.fromkeys(sidecar_paths(path)) if p != path and p.is_file()]


def file_signature(path: Path | str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file and its .meta.json sidecars together; None when the
    file is missing or a symlink (such files are never cached).

    Size is the sum and mtime the latest, so editing, adding or removing a sidecar changes it.
    Plain os calls on strings: this runs once per raw file on every build."""
    name = os.fspath(path)
    try:
        st = os.lstat(name)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    size, mtime = st.st_size, st.st_mtime_ns
    for sidecar in {name + SIDECAR_SUFFIX, os.path.splitext(name)[0] + SIDECAR_SUFFIX}:
        if sidecar == name:
            continue
        try:
            side = os.stat(sidecar)
        except OSError:
            continue
        if stat.S_ISREG(side.st_mode):
            size, mtime = size + side.st_size, max(mtime, side.st_mtime_ns)
    return size, mtime


def content_sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes followed by its sidecars' bytes; None when unreadable."""
    if path.is_symlink():
        return None
    h = hashlib.sha256()
    try:
        for part in [path, *_sidecars(path)]:
            h.update(os.fsencode(part.name) + b"\0")
            with open(part, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def code_version(root: Path) -> str:
    """Hash of the ingest and extraction code, patterns and vocabularies."""
    h = hashlib.sha256()
    for pattern in _CODE_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


class ResultCache:
    """SQLite store of FileResults keyed by path+stat and by content hash, per code version.

    Use from one thread (the flow's); results from other processes are stored here by the flow."""

    def __init__(self, path: Path, version: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.db = sqlite3.connect(str(path))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS by_stat (rel_path TEXT, size INT, mtime_ns INT, "
            "version TEXT, content_sha256 TEXT, PRIMARY KEY (rel_path, version))"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS by_content (content_sha256 TEXT, rel_path TEXT, "
            "version TEXT, payload BLOB, PRIMARY KEY (content_sha256, rel_path, version))"
        )

    def lookup_by_content(self, rel_path: str, sha256: str) -> FileResult | None:
        """A cached result for this path with the same content (e.g. a file touched, not edited)."""
        row = self.db.execute(
            "SELECT payload FROM by_content WHERE content_sha256 = ? AND rel_path = ? AND version = ?",
            (sha256, rel_path, self.version),
        ).fetchone()
        return None if row is None else pickle.loads(row[0])

    def lookup_files(self, raw_dir: Path, rel_paths: Iterable[str]) -> dict[str, FileResult]:
        """The cached results of the files under raw_dir whose content is unchanged: a stat match
        first, in one pass over this code version's rows (one query, not one per file: a build
        of 100,000 unchanged files reads them all), then, for files whose timestamps moved, a
        content-hash match, whose new stat is recorded."""
        root = os.fspath(raw_dir)
        sigs = {rel: file_signature(os.path.join(root, rel)) for rel in rel_paths}
        hits: dict[str, FileResult] = {}
        rows = self.db.execute(
            "SELECT s.rel_path, s.size, s.mtime_ns, c.payload FROM by_stat s JOIN by_content c "
            "ON c.content_sha256 = s.content_sha256 AND c.rel_path = s.rel_path AND c.version = s.version "
            "WHERE s.version = ?",
            (self.version,),
        )
        for rel, size, mtime_ns, payload in rows:
            if sigs.get(rel) == (size, mtime_ns):
                hits[rel] = pickle.loads(payload)
        for rel, sig in sigs.items():
            if rel not in hits and sig is not None:
                hit = self._lookup_moved(Path(root) / rel, rel, sig)
                if hit is not None:
                    hits[rel] = hit
        return hits

    def _lookup_moved(self, path: Path, rel_path: str, sig: tuple[int, int]) -> FileResult | None:
        """A content-hash match for a file whose size or mtime moved; its new stat is recorded."""
        if not self.db.execute(
            "SELECT 1 FROM by_content WHERE rel_path = ? AND version = ? LIMIT 1",
            (rel_path, self.version),
        ).fetchone():
            return None  # never seen: no point hashing it here, the worker will
        sha = content_sha256(path)
        hit = self.lookup_by_content(rel_path, sha) if sha else None
        if hit is not None and file_signature(path) == sig:
            hit.size, hit.mtime_ns = sig
            with self.db:
                self.db.execute(
                    "INSERT OR REPLACE INTO by_stat VALUES (?, ?, ?, ?, ?)",
                    (rel_path, sig[0], sig[1], self.version, sha),
                )
            return hit
        return None

    def store(self, results: Iterable[FileResult]) -> None:
        with self.db:
            for r in results:
                if r.content_sha256 is None:
                    continue  # unreadable files are re-examined every run
                self.db.execute(
                    "INSERT OR REPLACE INTO by_stat VALUES (?, ?, ?, ?, ?)",
                    (r.rel_path, r.size, r.mtime_ns, self.version, r.content_sha256),
                )
                self.db.execute(
                    "INSERT OR REPLACE INTO by_content VALUES (?, ?, ?, ?)",
                    (r.content_sha256, r.rel_path, self.version, pickle.dumps(r, protocol=5)),
                )

    def close(self) -> None:
        self.db.close()


# Everything after extraction whose change must invalidate memoised stage results.
_STAGE_GLOBS = ("flows/link/**/*", "flows/curate/**/*", "schemas/**/*")


def stage_code_version(root: Path) -> str:
    """Hash of the extraction code (code_version) and of the linking, curation and schema code."""
    h = hashlib.sha256(code_version(root).encode())
    for pattern in _STAGE_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


class StageMemo(MutableMapping):
    """Results of one pure per-item computation of a later stage (e.g. one incident's redaction
    decisions), keyed by a digest of its inputs, per code version, in SQLite.

    Reads go to the database as needed; writes are kept in memory and written by `flush` in one
    transaction. `hits` and `misses` count look-ups, so a build can report (and a test check)
    that only changed items were recomputed. Items of other code versions are deleted on open."""

    def __init__(self, path: Path, namespace: str, version: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.namespace, self.version = namespace, version
        self.hits = self.misses = 0
        self._new: dict[str, object] = {}
        self.db = sqlite3.connect(str(path), timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        with self.db:
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS memo (namespace TEXT, digest TEXT, version TEXT, "
                "payload BLOB, PRIMARY KEY (namespace, digest, version))"
            )
            self.db.execute(
                "DELETE FROM memo WHERE namespace = ? AND version != ?", (namespace, version)
            )

    def __getitem__(self, digest: str):
        if digest in self._new:
            self.hits += 1
            return self._new[digest]
        row = self.db.execute(
            "SELECT payload FROM memo WHERE namespace = ? AND digest = ? AND version = ?",
            (self.namespace, digest, self.version),
        ).fetchone()
        if row is None:
            self.misses += 1
            raise KeyError(digest)
        self.hits += 1
        return pickle.loads(row[0])

    def __setitem__(self, digest: str, value) -> None:
        self._new[digest] = value

    def __delitem__(self, digest: str) -> None:
        raise NotImplementedError("memoised results are only added")

    def __iter__(self):
        raise NotImplementedError("a memo is looked up by digest, not listed")

    def __len__(self) -> int:
        return len(self._new)

    def flush(self) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?)",
                [
                    (self.namespace, d, self.version, pickle.dumps(v, protocol=5))
                    for d, v in self._new.items()
                ],
            )
        self._new.clear()

    def close(self) -> None:
        self.flush()
        self.db.close()
