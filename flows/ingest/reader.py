"""read_file: one raw file to Articles, for every format, never raising."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

from flows.core.model import Article
from flows.ingest.decode import decode_bytes, normalise_newlines
from flows.ingest.html import declared_charset, extract_html
from flows.ingest.identity import sha256_bytes, sha256_text
from flows.ingest.metadata import is_inside, pick_fields, read_sidecar
from flows.ingest.records import article_from_text, quarantined

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}


def source_path_for(path: Path, raw_dir: Path) -> str:
    """Path relative to raw/ in POSIX form (lexical: symlinks are not resolved)."""
    try:
        return Path(path).relative_to(raw_dir).as_posix()
    except ValueError:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(raw_dir))
        return Path(rel).as_posix()


def _precheck(path: Path, raw_dir: Path, fmt: str, max_bytes: int) -> str | None:
    """Reason to quarantine without reading the content, or None."""
    if path.is_symlink():
        if not is_inside(path, raw_dir):
            return "symlink points outside raw/"
        if not path.exists():
            return "broken symlink"
    elif not is_inside(path, raw_dir):
        return "path outside raw/"
    try:
        info = path.stat()
    except FileNotFoundError:
        return "file disappeared before it was read"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (device, socket or pipe)"
    if fmt == "unknown":
        return f"unsupported file type {path.suffix.lower() or '(no extension)'}"
    if info.st_size > max_bytes:
        return f"file too large ({info.st_size} bytes > limit {max_bytes} bytes)"
    if info.st_size == 0:
        return "empty file"
    return None


def _read_bytes(path: Path, max_bytes: int) -> bytes | str:
    """The file's bytes, or a reason string. Reads at most max_bytes + 1 bytes."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        return "unreadable (permission denied)"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if len(data) > max_bytes:
        return f"file too large (more than {max_bytes} bytes > limit {max_bytes} bytes)"
    if not data:
        return "empty file"
    return data


def _records_json(text: str, source_path: str) -> list[tuple[str, object]] | str:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"malformed JSON: {exc.msg} (line {exc.lineno} column {exc.colno})"
    except RecursionError:
        return "malformed JSON: nested too deeply"
    if isinstance(data, dict):
        return [(f"{source_path}#1", data)]
    if isinstance(data, list):
        if not data:
            return "JSON list has no objects"
        return [(f"{source_path}#{n}", item) for n, item in enumerate(data, start=1)]
    return f"JSON top level is a {type(data).__name__}, not an object or list of objects"


def _records_jsonl(text: str, source_path: str) -> list[tuple[str, object]] | str:
    records: list[tuple[str, object]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append((f"{source_path}#{number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            records.append(
                (f"{source_path}#{number}", f"malformed JSON on line {number}: {exc.msg}")
            )
        except RecursionError:
            records.append(
                (f"{source_path}#{number}", f"malformed JSON on line {number}: nested too deeply")
            )
    return records or "no JSON records (only blank lines)"


def _from_record(rid: str, obj: object, fmt: str, encoding: str | None, sidecar: dict) -> Article:
    if isinstance(obj, str):  # a parse error already described
        return quarantined(rid, fmt, obj, encoding=encoding)
    n = rid.rsplit("#", 1)[1]
    if not isinstance(obj, dict):
        return quarantined(
            rid, fmt, f"record {n} is a {type(obj).__name__}, not an object", encoding=encoding
        )
    raw_text = obj.get("text")
    if "text" not in obj:
        return quarantined(rid, fmt, f"record {n} has no 'text' field", encoding=encoding)
    if not isinstance(raw_text, str):
        return quarantined(
            rid,
            fmt,
            f"record {n} 'text' is a {type(raw_text).__name__}, not a string",
            encoding=encoding,
        )
    text = normalise_newlines(raw_text.removeprefix("\ufeff"))
    if not text.strip():
        return quarantined(rid, fmt, f"record {n} has empty 'text'", encoding=encoding)
    meta = {**pick_fields(obj), **sidecar}
    content = sha256_text(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str))
    return article_from_text(text, rid, fmt, encoding, meta, content)


def _read(path: Path, raw_dir: Path, source_path: str, fmt: str, max_bytes: int) -> list[Article]:
    reason = _precheck(path, raw_dir, fmt, max_bytes)
    if reason:
        return [quarantined(source_path, fmt, reason)]
    data = _read_bytes(path, max_bytes)
    if isinstance(data, str):
        return [quarantined(source_path, fmt, data)]
    content_sha = sha256_bytes(data)
    decoded = decode_bytes(data)
    if decoded.text is None and fmt == "html" and (charset := declared_charset(data)):
        decoded = decode_bytes(data.decode(charset, errors="replace").encode("utf-8"))
    if decoded.text is None:
        return [
            quarantined(
                source_path,
                fmt,
                decoded.problem or "undecodable",
                encoding=decoded.encoding,
                content_sha256=content_sha,
            )
        ]
    text = normalise_newlines(decoded.text)
    if not text.strip():
        return [
            quarantined(
                source_path,
                fmt,
                "whitespace-only file",
                encoding=decoded.encoding,
                content_sha256=content_sha,
            )
        ]
    sidecar = read_sidecar(path, raw_dir)
    if fmt == "txt":
        return [
            article_from_text(
                text,
                source_path,
                fmt,
                decoded.encoding,
                sidecar,
                content_sha,
                headline_from_text=True,
            )
        ]
    if fmt == "html":
        main, meta, _ = extract_html(text)
        if not main.strip():
            return [
                quarantined(
                    source_path,
                    fmt,
                    "no readable text in HTML",
                    encoding=decoded.encoding,
                    content_sha256=content_sha,
                )
            ]
        return [
            article_from_text(
                main, source_path, fmt, decoded.encoding, {**meta, **sidecar}, content_sha
            )
        ]
    records = (
        _records_json(text, source_path) if fmt == "json" else _records_jsonl(text, source_path)
    )
    if isinstance(records, str):
        return [
            quarantined(
                source_path, fmt, records, encoding=decoded.encoding, content_sha256=content_sha
            )
        ]
    return [_from_record(rid, obj, fmt, decoded.encoding, sidecar) for rid, obj in records]


def read_file(path: Path, raw_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> list[Article]:
    """Articles read from one raw file: one per article, quarantined ones with a specific reason.

    Never raises: an unexpected error becomes a quarantined record naming the error."""
    path, raw_dir = Path(path), Path(raw_dir)
    source_path = source_path_for(path, raw_dir)
    fmt = FORMATS.get(path.suffix.lower(), "unknown")
    try:
        return _read(path, raw_dir, source_path, fmt, max_bytes)
    except Exception as exc:  # the contract is to record, never to crash the run
        log.exception("unexpected error reading %s", source_path)
        return [
            quarantined(
                source_path, fmt, f"internal error while reading: {type(exc).__name__}: {exc}"
            )
        ]
