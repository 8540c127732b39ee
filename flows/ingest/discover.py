"""Listing raw/: every input file, sorted, sidecars and dotfiles left out, symlinks never followed."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"


def _walk(directory: Path, found: list[Path], skipped: list[Path], sidecars: list[Path]) -> None:
    try:
        entries = list(os.scandir(directory))
    except OSError as exc:
        # Listed anyway so that read_file records it: nothing disappears without a trace.
        log.warning("cannot list %s: %s", directory, exc)
        found.append(directory)
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            skipped.append(path)
        elif entry.name.endswith(SIDECAR_SUFFIX) and not entry.is_dir(follow_symlinks=False):
            sidecars.append(path)  # read with its file; a symlinked one is checked there
        elif entry.is_symlink():
            found.append(path)  # read_file decides: inside raw/ it is read, outside quarantined
        elif entry.is_dir(follow_symlinks=False):
            _walk(path, found, skipped, sidecars)
        else:
            found.append(path)


def discover_files(raw_dir: Path) -> list[Path]:
    """Every input under raw_dir, recursively, sorted by relative path.

    Left out, with a log line: `*.meta.json` sidecars (read with their file) and hidden entries
    (names starting with '.'). Symlinks are listed but never followed into directories."""
    raw_dir = Path(raw_dir)
    found: list[Path] = []
    skipped: list[Path] = []
    sidecars: list[Path] = []
    _walk(raw_dir, found, skipped, sidecars)
    for path in skipped:
        log.info("skipped hidden entry %s", path)
    names = {p.name for p in found}
    for sidecar in sidecars:
        base = sidecar.name[: -len(SIDECAR_SUFFIX)]
        if base not in names and not any(n.rsplit(".", 1)[0] == base for n in names):
            log.warning("sidecar %s has no matching file", sidecar)
    found.sort(key=lambda p: p.relative_to(raw_dir).as_posix())
    return found
