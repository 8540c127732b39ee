"""Polite feed collection of police news into raw/collected/ (see docs/collect.md)."""

from flows.collect.collect import collect_sources
from flows.collect.report import CollectReport, LogEntry, SourceRow, render_report
from flows.collect.sources import DEFAULT_SOURCES_PATH, Settings, Source, load_sources

__all__ = [
    "DEFAULT_SOURCES_PATH",
    "CollectReport",
    "LogEntry",
    "Settings",
    "Source",
    "SourceRow",
    "collect_sources",
    "load_sources",
    "render_report",
]
