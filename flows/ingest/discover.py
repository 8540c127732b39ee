"""Listing raw/: every input file, sorted, sidecars and dotfiles left out, symlinks never followed."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"


class RawDirError(ValueError):
    """The raw folder is missing, not a folder, or holds no input file: nothing to build from."""


def _entries(directory: str) -> Iterator[tuple[str, str]]:
    """(kind, path) for every entry under directory, lazily: kind is found, skipped or sidecar.
    Paths are strings (os.scandir's own): a raw/ of 100,000 files is listed without building a
    Path object per entry."""
    try:
        entries = list(os.scandir(directory))
    except OSError as exc:
        # Listed anyway so that read_file records it: nothing disappears without a trace.
        log.warning("cannot list %s: %s", directory, exc)
        yield "found", directory
        return
    for entry in entries:
        if entry.name.startswith("."):
            yield "skipped", entry.path
        elif entry.name.endswith(SIDECAR_SUFFIX) and not entry.is_dir(follow_symlinks=False):
            yield "sidecar", entry.path  # read with its file; a symlinked one is checked there
        elif entry.is_symlink():
            # read_file decides: inside raw/ it is read, outside quarantined
            yield "found", entry.path
        elif entry.is_dir(follow_symlinks=False):
            yield from _entries(entry.path)
        else:
            yield "found", entry.path


def check_raw_dir(raw_dir: Path) -> None:
    """Raise RawDirError (a one-line message naming the folder) unless raw_dir holds an input.

    Stops at the first input file, so it costs next to nothing on a full raw/."""
    raw_dir = Path(raw_dir)
    if not raw_dir.exists():
        raise RawDirError(f"raw folder {raw_dir} does not exist")
    if not raw_dir.is_dir():
        raise RawDirError(f"raw folder {raw_dir} is not a folder")
    if not any(kind == "found" for kind, _ in _entries(str(raw_dir))):
        raise RawDirError(f"raw folder {raw_dir} is empty: no article files to build from")


def discover_files(raw_dir: Path) -> list[Path]:
    """Every input under raw_dir, recursively, sorted by relative path.

    Left out, with a log line: `*.meta.json` sidecars (read with their file) and hidden entries
    (names starting with '.'). Symlinks are listed but never followed into directories."""
    raw_dir = Path(raw_dir)
    return [raw_dir / rel for rel in discover_relative(raw_dir)]


def discover_relative(raw_dir: Path) -> list[str]:
    """`discover_files` as paths relative to raw_dir ('/'-separated), sorted."""
    root = str(raw_dir)
    found: list[str] = []
    skipped: list[str] = []
    sidecars: list[str] = []
    lists = {"found": found, "skipped": skipped, "sidecar": sidecars}
    for kind, path in _entries(root):
        lists[kind].append(path)
    for path in skipped:
        log.info("skipped hidden entry %s", path)
    names = {os.path.basename(p) for p in found}
    for sidecar in sidecars:
        base = os.path.basename(sidecar)[: -len(SIDECAR_SUFFIX)]
        if base not in names and not any(n.rsplit(".", 1)[0] == base for n in names):
            log.warning("sidecar %s has no matching file", sidecar)
    prefix = os.path.join(root, "")
    rel = [
        (p[len(prefix) :] if p.startswith(prefix) else os.path.relpath(p, root)).replace(
            os.sep, "/"
        )
        for p in found
    ]
    rel.sort()
    return rel
