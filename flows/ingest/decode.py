"""Bytes to text: BOMs, UTF-8, Windows-1252/Latin-1, other charsets, and binary detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# C0/C1 controls other than tab, newlines, form feed and vertical tab; private-use characters.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")
_MAX_CONTROL_RATIO = 0.05
_CP1252_ONLY = bytes(range(0x80, 0xA0))


@dataclass(frozen=True)
class Decoded:
    """Result of decoding: text (None when not text) with encoding, or the reason it is not text."""

    text: str | None
    encoding: str | None
    problem: str | None = None


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    return len(_CONTROL_RE.findall(sample)) / len(sample)


def _check_text(text: str, encoding: str) -> Decoded:
    if _control_ratio(text) > _MAX_CONTROL_RATIO:
        return Decoded(None, encoding, "binary content (control characters)")
    return Decoded(text, encoding)


def decode_bytes(data: bytes) -> Decoded:
    """Decode file bytes. BOM first; then strict UTF-8; NUL bytes mean binary; then Windows-1252
    for mostly-ASCII bytes (English news from Western sites; Latin-1's printable range is the same);
    otherwise charset-normalizer. The BOM is removed, newlines are left to the caller."""
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                return Decoded(
                    None, name, f"invalid {name} text after byte-order mark ({exc.reason})"
                )
            return _check_text(text.removeprefix("\ufeff"), name)
    if b"\x00" in data:
        return Decoded(None, None, "binary content (NUL bytes)")
    try:
        return _check_text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    high = sum(1 for b in data if b >= 0x80)
    if high <= max(0.1 * len(data), 1):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            has_c1 = any(b in _CP1252_ONLY for b in data)
            return _check_text(text, "cp1252" if has_c1 else "iso-8859-1")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return Decoded(None, None, "binary content (no text encoding fits)")
    return _check_text(str(best), best.encoding)
