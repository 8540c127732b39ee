"""A real build over hostile input: every file is accounted for, the run ends with the accounting
line, nothing crashes, and no network connection leaves the machine."""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
from pathlib import Path

import pytest

from flows.api import load_release
from schemas.checks import validate_tables

FRENCH = (
    "Le policier a été suspendu après une enquête sur des violences commises lors d'une "
    "interpellation à Lyon. La famille de la victime demande que toute la lumière soit faite "
    "sur cette affaire et que les responsables soient sanctionnés par la justice."
)
SPORT = (
    "Arsenal beat Chelsea 2-1 at the Emirates on Saturday. The winning goal came in the 89th "
    "minute from a corner, and the manager praised his side's patience after a difficult week."
)


def _write_hostile_corpus(raw: Path, outside: Path) -> None:
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (raw / "latin1.txt").write_bytes(
        "Caf\u00e9 owner says PC Smith was na\u00efve, but no complaint was made.".encode("latin-1")
    )
    (raw / "french.txt").write_text(FRENCH, encoding="utf-8")
    (raw / "sport.txt").write_text(SPORT, encoding="utf-8")
    lines = [
        json.dumps({"text": SPORT, "title": "Match report"}),
        "{not json",
        json.dumps({"title": "no text"}),
    ]
    (raw / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    outside.write_text("secret", encoding="utf-8")
    (raw / "escape.txt").symlink_to(outside)
    shutil.copy(raw / "sport.txt", raw / "sport_copy.txt")


@pytest.fixture
def no_network(monkeypatch):
    """Refuse any socket connection to a non-loopback address, and record attempts."""
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        try:
            loopback = ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except (OSError, ValueError):
            loopback = isinstance(host, str) and host.startswith("/")  # unix sockets are local
        if not loopback:
            attempts.append(str(address))
            raise OSError(f"network disabled in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


def test_hostile_build_accounts_for_every_file_offline(
    prefect_harness, tmp_path, raw_dir, no_network
):
    from flows.pipeline import build_dataset

    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw)
    _write_hostile_corpus(raw, tmp_path / "outside.txt")
    summary = build_dataset(
        raw_dir=raw, dataset_dir=tmp_path / "dataset", cache_dir=None, processes=1
    )

    assert no_network == [], f"the build tried to reach the network: {no_network}"
    tables = load_release("latest", tmp_path / "dataset")
    assert validate_tables(tables).ok
    arts = tables["articles"]
    # Invariant: articles with incidents + no incident + duplicates + quarantined = articles seen,
    # and every file seen has at least one article row.
    assert sum(summary["articles"].values()) == len(arts)
    files = {p.split("#")[0] for p in arts["source_path"]}
    assert summary["files_seen"] == len(files) == 5 + 8
    status = dict(zip(arts["source_path"], arts["status"], strict=True))
    reason = dict(zip(arts["source_path"], arts["status_reason"], strict=True))
    assert status["empty.txt"] == "quarantined" and "empty" in reason["empty.txt"]
    assert status["binary.txt"] == "quarantined" and "binary" in reason["binary.txt"]
    assert status["escape.txt"] == "quarantined" and "outside" in reason["escape.txt"]
    assert status["french.txt"] == "quarantined" and "English" in reason["french.txt"]
    # Three copies of one text: the first in path order is read, the others are duplicates of it.
    copies = ["feed.jsonl#1", "sport.txt", "sport_copy.txt"]
    assert [status[p] for p in copies] == ["no_incident", "duplicate", "duplicate"]
    first_id = arts.set_index("source_path").loc["feed.jsonl#1", "article_id"]
    assert set(arts.set_index("source_path").loc[copies[1:], "duplicate_of"]) == {first_id}
    assert status["latin1.txt"] in {"no_incident", "incidents_found"}
    assert status["feed.jsonl#2"] == "quarantined" and "JSON" in reason["feed.jsonl#2"]
    assert status["feed.jsonl#3"] == "quarantined" and "text" in reason["feed.jsonl#3"]
    lines = "\n".join(f"files seen {summary['files_seen']}" for _ in [0])
    assert lines.startswith("files seen 13")
