"""Ingest: reading raw files of every format into Articles, never crashing, never dropping silently."""

from flows.ingest.boilerplate import find_boilerplate, load_patterns
from flows.ingest.dedupe import mark_duplicates, mark_duplicates_against
from flows.ingest.discover import (
    RawDirError,
    check_raw_dir,
    discover_files,
    discover_relative,
)
from flows.ingest.identity import article_id_for_text
from flows.ingest.reader import MAX_FILE_BYTES, read_file

__all__ = [
    "MAX_FILE_BYTES",
    "RawDirError",
    "article_id_for_text",
    "check_raw_dir",
    "discover_files",
    "discover_relative",
    "find_boilerplate",
    "load_patterns",
    "mark_duplicates",
    "mark_duplicates_against",
    "read_file",
]
