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


def _entries(directory: Path) -> Iterator[tuple[str, Path]]:
    """(kind, path) for every entry under directory, lazily: kind is found, skipped or sidecar."""
    try:
        entries = list(os.scandir(directory))
    except OSError as exc:
        # Listed anyway so that read_file records it: nothing disappears without a trace.
        log.warning("cannot list %s: %s", directory, exc)
        yield "found", directory
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            yield "skipped", path
        elif entry.name.endswith(SIDECAR_SUFFIX) and not entry.is_dir(follow_symlinks=False):
            yield "sidecar", path  # read with its file; a symlinked one is checked there
        elif entry.is_symlink():
            yield "found", path  # read_file decides: inside raw/ it is read, outside quarantined
        elif entry.is_dir(follow_symlinks=False):
            yield from _entries(path)
        else:
            yield "found", path


def check_raw_dir(raw_dir: Path) -> None:
    """Raise RawDirError (a one-line message naming the folder) unless raw_dir holds an input.

    Stops at the first input file, so it costs next to nothing on a full raw/."""
    raw_dir = Path(raw_dir)
    if not raw_dir.exists():
        raise RawDirError(f"raw folder {raw_dir} does not exist")
    if not raw_dir.is_dir():
        raise RawDirError(f"raw folder {raw_dir} is not a folder")
    if not any(kind == "found" for kind, _ in _entries(raw_dir)):
        raise RawDirError(f"raw folder {raw_dir} is empty: no article files to build from")


def discover_files(raw_dir: Path) -> list[Path]:
    """Every input under raw_dir, recursively, sorted by relative path.

    Left out, with a log line: `*.meta.json` sidecars (read with their file) and hidden entries
    (names starting with '.'). Symlinks are listed but never followed into directories."""
    raw_dir = Path(raw_dir)
    found: list[Path] = []
    skipped: list[Path] = []
    sidecars: list[Path] = []
    lists = {"found": found, "skipped": skipped, "sidecar": sidecars}
    for kind, path in _entries(raw_dir):
        lists[kind].append(path)
    for path in skipped:
        log.info("skipped hidden entry %s", path)
    names = {p.name for p in found}
    for sidecar in sidecars:
        base = sidecar.name[: -len(SIDECAR_SUFFIX)]
        if base not in names and not any(n.rsplit(".", 1)[0] == base for n in names):
            log.warning("sidecar %s has no matching file", sidecar)
    found.sort(key=lambda p: p.relative_to(raw_dir).as_posix())
    return found
