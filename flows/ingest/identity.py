"""Content identity: normalised-text article ids, quarantine ids and hashes."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise_for_identity(text: str) -> str:
    """NFC, every Unicode whitespace run (NBSP, CR, LF, tabs...) to one space, BOM dropped, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\ufeff", " ").split())


def article_id_for_text(text: str) -> str:
    """'art_' + first 16 hex digits of the SHA-256 of the identity-normalised text."""
    digest = hashlib.sha256(normalise_for_identity(text).encode("utf-8")).hexdigest()
    return "art_" + digest[:16]


def quarantine_id(source_path: str) -> str:
    """Id of a quarantined input: hashed from its path with a prefix no content id can share."""
    digest = hashlib.sha256(("quarantine:" + source_path).encode("utf-8")).hexdigest()
    return "art_" + digest[:16]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
