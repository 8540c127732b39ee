"""Hostile and broken inputs: each gets a recorded status and a specific reason; ingest carries on."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.ingest import discover_files, mark_duplicates, read_file

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ENGLISH = (
    "A police officer who was filmed punching a man during an arrest has been charged with "
    "assault, prosecutors said. The officer has been suspended while the case goes through the "
    "courts and the force has apologised to the man's family.\n"
)
FRENCH = (
    "Un policier qui a été filmé en train de frapper un homme lors d'une interpellation a été "
    "mis en examen pour violences volontaires, a indiqué le parquet. Le fonctionnaire a été "
    "suspendu pendant la durée de la procédure et la préfecture a présenté ses excuses à la "
    "famille de la victime, qui demande que toute la lumière soit faite sur cette affaire.\n"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Case:
    """A fixture builder (writes into raw/, returns the path to read) and what must be recorded."""

    build: Callable[[Path], Path]
    status: str | None
    reason: str | None
    check: Callable[[list], None] | None = None
    discovered: bool = True  # whether discover_files lists the built path


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(raw: Path) -> Path:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return build


def _sparse_100mb(raw: Path) -> Path:
    path = raw / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    return path


def _symlink_outside(raw: Path) -> Path:
    outside = raw.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(ENGLISH)
    (raw / "escape.txt").symlink_to(outside / "secret.txt")
    return raw / "escape.txt"


def _symlink_dir_outside(raw: Path) -> Path:
    outside = raw.parent / "outside_dir"
    outside.mkdir(exist_ok=True)
    (outside / "inner.txt").write_text(ENGLISH)
    (raw / "escape_dir").symlink_to(outside, target_is_directory=True)
    return raw / "escape_dir"


def _broken_symlink(raw: Path) -> Path:
    (raw / "dangling.txt").symlink_to(raw / "nothing-here.txt")
    return raw / "dangling.txt"


def _sidecar_escape(raw: Path) -> Path:
    path = raw / "sidecar_escape.txt"
    path.write_text(ENGLISH.replace("punching", "kicking"))
    meta = {
        "source_path": "../../etc/passwd",
        "text": "replaced text",
        "url": "file:///etc/passwd",
        "title": "Officer charged with assault",
        "published": "2024-02-01",
    }
    (raw / "sidecar_escape.txt.meta.json").write_text(json.dumps(meta))
    return path


def _sidecar_symlink(raw: Path) -> Path:
    outside = raw.parent / "outside_meta"
    outside.mkdir(exist_ok=True)
    (outside / "m.json").write_text(json.dumps({"title": "Stolen title"}))
    path = raw / "sidecar_link.txt"
    path.write_text(ENGLISH.replace("punching", "slapping"))
    (raw / "sidecar_link.txt.meta.json").symlink_to(outside / "m.json")
    return path


def _duplicate(raw: Path) -> Path:
    (raw / "dup_a.txt").write_text(ENGLISH.replace("punching", "shoving"))
    path = raw / "dup_b.txt"
    path.write_bytes(ENGLISH.replace("punching", "shoving").replace("\n", "\r\n").encode())
    return path


def _dir_named_like_file(raw: Path) -> Path:
    path = raw / "story.txt"
    path.mkdir()
    return path


def _fifo(raw: Path) -> Path:
    path = raw / "pipe.txt"
    os.mkfifo(path)
    return path


def _unreadable(raw: Path) -> Path:
    path = raw / "locked.txt"
    path.write_text(ENGLISH)
    path.chmod(0)
    return path


def _copy_fixture(rel: str, name: str) -> Callable[[Path], Path]:
    return _write(name, (FIXTURES / rel).read_bytes())


def _text_is(expected: str, encoding: str) -> Callable[[list], None]:
    def check(articles: list) -> None:
        (article,) = articles
        assert article.text == expected
        assert article.encoding == encoding

    return check


def _hostile_html_clean(articles: list) -> None:
    (article,) = articles
    assert "lied about the arrest of a cyclist" in article.text
    for injected in ("INJECTED", "STYLE TEXT", "alert", "evil.invalid"):
        assert injected not in article.text


def _sidecar_fields_only(articles: list) -> None:
    (article,) = articles
    assert article.source_path == "sidecar_escape.txt"
    assert "kicking" in article.text and "replaced text" not in article.text
    assert article.url is None and article.title == "Officer charged with assault"
    assert str(article.published_date) == "2024-02-01"


def _no_stolen_title(articles: list) -> None:
    (article,) = articles
    assert article.status is None and article.title is None


def _good_lines_survive(articles: list) -> None:
    assert [a.status for a in articles] == [None, "quarantined", None]


LATIN1 = "Le café in Zürich cost £5, the officer said.\n" + ENGLISH
CP1252 = "He said \u201cno comment\u201d \u2013 it\u2019s over, \u20ac5 fine.\n" + ENGLISH
UTF16 = "Officers\u2019 messages \u201cappalling\u201d, said the watchdog.\n" + ENGLISH
GOOD_LINE = json.dumps({"text": ENGLISH})
OTHER_LINE = json.dumps({"text": ENGLISH.replace("punching", "kneeing"), "n": 2})

CASES = {
    "empty file": Case(_write("empty.txt", b""), "quarantined", "empty file"),
    "whitespace only": Case(_write("blank.txt", b"  \r\n\t\n  "), "quarantined", "whitespace-only"),
    "binary NUL bytes": Case(
        _write("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        "quarantined",
        "binary content (NUL bytes)",
    ),
    "control characters": Case(
        _write("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 20 + b"text"),
        "quarantined",
        "binary content (control characters)",
    ),
    "latin-1 text": Case(
        _write("latin1.txt", LATIN1.encode("latin-1")),
        None,
        None,
        _text_is(LATIN1, "iso-8859-1"),
    ),
    "windows-1252 curly quotes": Case(
        _write("cp1252.txt", CP1252.encode("cp1252")),
        None,
        None,
        _text_is(CP1252, "cp1252"),
    ),
    "utf-16 with BOM and CRLF": Case(
        _write("utf16.txt", UTF16.replace("\n", "\r\n").encode("utf-16")),
        None,
        None,
        _text_is(UTF16, "utf-16-le"),
    ),
    "100 MB file": Case(
        _sparse_100mb, "quarantined", "file too large (104857600 bytes > limit 20971520 bytes)"
    ),
    "hostile html": Case(
        _copy_fixture("html/hostile.html", "hostile.html"), None, None, _hostile_html_clean
    ),
    "html with no text": Case(
        _write("scripts_only.html", b"<html><script>alert(1)</script><body> </body></html>"),
        "quarantined",
        "no readable text in HTML",
    ),
    "malformed json file": Case(
        _write("broken.json", b'{"text": "A police officer was"'), "quarantined", "malformed JSON"
    ),
    "json nested too deeply": Case(
        _write("deep.json", b"[" * 200_000), "quarantined", "nested too deeply"
    ),
    "malformed jsonl line": Case(
        _write("mixed.jsonl", f'{GOOD_LINE}\n{{"text": "x",,}}\n{OTHER_LINE}\n'.encode()),
        "quarantined",
        "malformed JSON on line 2: Expecting property name enclosed in double quotes",
        _good_lines_survive,
    ),
    "json record without text": Case(
        _write("notext.jsonl", b'{"title": "Headline only"}\n'),
        "quarantined",
        "record 1 has no 'text' field",
    ),
    "unsupported extension": Case(
        _write("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        "quarantined",
        "unsupported file type .pdf",
    ),
    "symlink outside raw": Case(_symlink_outside, "quarantined", "symlink points outside raw/"),
    "directory symlink outside raw": Case(
        _symlink_dir_outside, "quarantined", "symlink points outside raw/"
    ),
    "broken symlink": Case(_broken_symlink, "quarantined", "broken symlink"),
    "sidecar trying to redirect": Case(_sidecar_escape, None, None, _sidecar_fields_only),
    "sidecar symlinked outside": Case(
        _sidecar_symlink,
        None,
        None,
        _no_stolen_title,
    ),
    "same article under two names": Case(_duplicate, "duplicate", "same text as dup_a.txt"),
    "non-English article": Case(
        _write("french.txt", FRENCH.encode()), "quarantined", "not English (detected: fr)"
    ),
    "directory named like a file": Case(
        _dir_named_like_file, "quarantined", "is a directory", discovered=False
    ),
    "named pipe": Case(_fifo, "quarantined", "not a regular file"),
    "unreadable permissions": Case(_unreadable, "quarantined", "unreadable (permission denied)"),
}


def _params():
    for name, case in CASES.items():
        marks = []
        if name == "unreadable permissions" and IS_ROOT:
            marks.append(pytest.mark.skip(reason="running as root: chmod 0 does not block reads"))
        if name == "named pipe" and not hasattr(os, "mkfifo"):
            marks.append(pytest.mark.skip(reason="no named pipes on this platform"))
        yield pytest.param(case, id=name, marks=marks)


def _belongs(article, rel: str) -> bool:
    return article.source_path == rel or article.source_path.startswith(rel + "#")


def _ingest(raw: Path) -> tuple[list[Path], list]:
    paths = discover_files(raw)
    return paths, mark_duplicates([a for p in paths for a in read_file(p, raw)])


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(_params()))
def test_hostile_input_is_recorded(tmp_path, case):
    raw = tmp_path / "raw"
    raw.mkdir()
    target = case.build(raw)
    rel = target.relative_to(raw).as_posix()
    paths, articles = _ingest(raw)
    assert (target in paths) == case.discovered
    mine = [a for a in articles if _belongs(a, rel)] if case.discovered else read_file(target, raw)
    assert mine, f"{rel} left no record"
    assert any(a.status == case.status for a in mine), [(a.status, a.status_reason) for a in mine]
    if case.reason is not None:
        assert any(
            a.status == case.status and case.reason in (a.status_reason or "") for a in mine
        ), [a.status_reason for a in mine]
    for article in mine:
        if article.status == "quarantined":
            assert article.text == "" and article.word_count == 0
            assert article.status_reason
    if case.check:
        case.check(mine)


@pytest.mark.timeout(120)
def test_every_discovered_file_is_accounted_for(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, case in CASES.items():
        if name == "unreadable permissions" and IS_ROOT:
            continue
        case.build(raw)
    (raw / ".hidden.txt").write_text(ENGLISH)
    paths, articles = _ingest(raw)
    rels = [p.relative_to(raw).as_posix() for p in paths]
    assert rels == sorted(rels)
    assert ".hidden.txt" not in rels and not any(r.endswith(".meta.json") for r in rels)
    owners = {a.source_path: [r for r in rels if _belongs(a, r)] for a in articles}
    assert all(len(o) == 1 for o in owners.values()), owners  # every article has one file
    assert {o[0] for o in owners.values()} == set(rels)  # every file has articles
    assert len({a.source_path for a in articles}) == len(articles)
    for article in articles:
        assert article.status in (None, "quarantined", "duplicate")
        assert (article.status is None) == (article.status_reason is None)
        assert (article.status == "duplicate") == (article.duplicate_of is not None)
    kept = [a.article_id for a in articles if a.status != "duplicate"]
    assert len(kept) == len(set(kept))
