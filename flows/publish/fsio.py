"""Durable file-system primitives: fsync, atomic JSON replace, SHA-256, the dataset lock."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SLOWDOWN_ENV = "PMD_PUBLISH_SLOWDOWN"
LOCK_NAME = ".lock"  # dataset/.lock: created on first use, never committed


def slowdown_pause() -> None:
    """Test hook: sleep PMD_PUBLISH_SLOWDOWN seconds between publishing steps (widens crash windows)."""
    delay = os.environ.get(SLOWDOWN_ENV)
    if delay:
        time.sleep(float(delay))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def release_files(root: Path) -> list[str]:
    """Every regular file under root as a sorted relative POSIX path."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file beside `path`, fsync it, os.replace it over `path`, fsync the directory."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def dumps_json(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, dumps_json(obj).encode("utf-8"))


_HELD = threading.local()  # per thread: {lock path: depth} of the dataset locks it holds


class DatasetBusy(BlockingIOError):
    """Another build holds the dataset lock (raised only when asked not to wait)."""


@contextlib.contextmanager
def dataset_lock(
    dataset_dir: Path, on_wait: Callable[[], object] | None = None, wait: bool = True
) -> Iterator[None]:
    """Exclusive advisory lock on dataset/.lock (released by the kernel if the process dies).

    Re-entrant in the thread that holds it: a build holds it from reading the latest release to
    updating the index, and `write_release` and recovery take it again inside. Other threads and
    processes wait; `on_wait` is called once, before blocking, when another holder has it. With
    `wait=False`, DatasetBusy is raised instead of waiting."""
    dataset_dir = Path(dataset_dir)
    dataset_dir.mkdir(parents=True, exist_ok=True)
    path = dataset_dir / LOCK_NAME
    key = os.path.realpath(path)
    held: dict[str, int] = _HELD.__dict__.setdefault("depth", {})
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise DatasetBusy(f"another build holds {path}") from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
