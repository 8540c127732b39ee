"""The collection state file: URLs and content hashes already seen, feed validators (atomic)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

STATE_VERSION = "collect_state.v1"
STATE_FILENAME = ".state.json"


class StateError(ValueError):
    """The state file exists but cannot be used; the message says why."""


@dataclass
class CollectState:
    """What earlier runs saw.

    urls: normalised URL -> record (`status` 'fetched' or 'refused', `path`, `sha256`, `reason`).
    hashes: sha256 of saved bytes -> relative path of the saved file.
    feeds: feed URL -> {'etag', 'last_modified'} for conditional requests.
    """

    urls: dict[str, dict] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    feeds: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "version": STATE_VERSION,
            "urls": self.urls,
            "hashes": self.hashes,
            "feeds": self.feeds,
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load_state(path: Path) -> CollectState:
    """Read the state file; a missing file is an empty state, a corrupt one a StateError."""
    path = Path(path)
    if not path.exists():
        return CollectState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StateError(
            f"{path}: state file is not valid JSON ({exc}); move it aside to start afresh"
        ) from exc
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise StateError(f"{path}: not a {STATE_VERSION} state file")
    parts = {k: data.get(k, {}) for k in ("urls", "hashes", "feeds")}
    if not all(isinstance(v, dict) for v in parts.values()):
        raise StateError(f"{path}: `urls`, `hashes` and `feeds` must be objects")
    return CollectState(**parts)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename, so readers never see half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_state(state: CollectState, path: Path) -> bool:
    """Write the state atomically; returns False (and writes nothing) when it is unchanged."""
    path = Path(path)
    text = state.to_json()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_bytes(path, text.encode("utf-8"))
    return True
