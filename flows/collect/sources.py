"""Load and validate the source list (`sources.yaml`): settings plus one entry per feed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from flows.collect.urls import is_http_url, slugify

SOURCES_VERSION = "sources.v1"
KINDS = ("rss", "atom", "sitemap", "urls")
FILTERS = ("police", "none")
DEFAULT_SOURCES_PATH = Path(__file__).with_name("sources.yaml")


class SourcesError(ValueError):
    """The source list is not well-formed; the message names the entry and the field."""


@dataclass(frozen=True)
class Settings:
    """Politeness and limits shared by every source (top-level `settings:` of sources.yaml)."""

    user_agent: str = "police-misconduct-data-collector/0.1"
    contact_url: str = ""
    min_interval_seconds: float = 5.0
    timeout_seconds: float = 20.0
    retries: int = 2
    backoff_seconds: float = 2.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    max_items_per_source: int = 100
    commit_collected: bool = False

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: the project's name and version, then the contact URL."""
        return f"{self.user_agent} (+{self.contact_url})" if self.contact_url else self.user_agent


@dataclass(frozen=True)
class Source:
    """One feed, news sitemap or URL list to collect from."""

    name: str
    publisher: str
    kind: str
    url: str
    filter: str = "police"
    extra_terms: tuple[str, ...] = ()
    confirmed: bool = False
    note: str | None = None
    enabled: bool = True

    @property
    def publisher_slug(self) -> str:
        """Folder name of this publisher under raw/collected/."""
        return slugify(self.publisher) or "unknown-publisher"


@dataclass(frozen=True)
class SourceList:
    """A validated sources.yaml."""

    settings: Settings
    sources: tuple[Source, ...] = field(default_factory=tuple)


_SETTING_TYPES = {f.name: f.type for f in fields(Settings)}
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _parse_settings(raw: object) -> Settings:
    if raw is None:
        return Settings()
    if not isinstance(raw, dict):
        raise SourcesError("settings: must be a mapping")
    unknown = sorted(set(raw) - set(_SETTING_TYPES))
    if unknown:
        raise SourcesError(f"settings: unknown key(s) {unknown}")
    values: dict[str, object] = {}
    for key, value in raw.items():
        kind = _SETTING_TYPES[key]
        if kind == "bool":
            if not isinstance(value, bool):
                raise SourcesError(f"settings.{key}: must be true or false, got {value!r}")
        elif kind in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise SourcesError(f"settings.{key}: must be a number >= 0, got {value!r}")
            value = int(value) if kind == "int" else float(value)
        elif not isinstance(value, str):
            raise SourcesError(f"settings.{key}: must be a string, got {value!r}")
        values[key] = value
    settings = Settings(**values)  # type: ignore[arg-type]
    if settings.contact_url and not is_http_url(settings.contact_url):
        raise SourcesError(f"settings.contact_url: not an http(s) URL: {settings.contact_url!r}")
    return settings


def _parse_source(index: int, raw: object) -> Source:
    where = f"sources[{index}]"
    if not isinstance(raw, dict):
        raise SourcesError(f"{where}: must be a mapping")
    where = f"sources[{index}] ({raw.get('name', '?')})"
    allowed = {f.name for f in fields(Source)}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise SourcesError(f"{where}: unknown key(s) {unknown}")
    for key in ("name", "publisher", "kind", "url"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise SourcesError(f"{where}: `{key}` is required and must be a non-empty string")
    if not _NAME_RE.match(raw["name"]):
        raise SourcesError(f"{where}: `name` must be lower-case letters, digits and hyphens")
    if raw["kind"] not in KINDS:
        raise SourcesError(f"{where}: `kind` must be one of {list(KINDS)}, got {raw['kind']!r}")
    if not is_http_url(raw["url"]):
        raise SourcesError(f"{where}: `url` must be an absolute http(s) URL, got {raw['url']!r}")
    filt = raw.get("filter", "police")
    if filt not in FILTERS:
        raise SourcesError(f"{where}: `filter` must be one of {list(FILTERS)}, got {filt!r}")
    extra = raw.get("extra_terms", [])
    if not isinstance(extra, list) or not all(isinstance(t, str) and t.strip() for t in extra):
        raise SourcesError(f"{where}: `extra_terms` must be a list of non-empty strings")
    for key in ("confirmed", "enabled"):
        if key in raw and not isinstance(raw[key], bool):
            raise SourcesError(f"{where}: `{key}` must be true or false")
    confirmed = raw.get("confirmed", False)
    note = raw.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        raise SourcesError(f"{where}: `note` must be a non-empty string")
    if not confirmed and not note:
        raise SourcesError(f"{where}: an unconfirmed address needs a `note` saying why")
    return Source(
        name=raw["name"],
        publisher=raw["publisher"].strip(),
        kind=raw["kind"],
        url=raw["url"].strip(),
        filter=filt,
        extra_terms=tuple(t.strip() for t in extra),
        confirmed=confirmed,
        note=note,
        enabled=raw.get("enabled", True),
    )


def parse_sources(data: object) -> SourceList:
    """Validate a parsed sources.yaml document; raise SourcesError naming the bad entry."""
    if not isinstance(data, dict):
        raise SourcesError("sources file: top level must be a mapping")
    if data.get("version") != SOURCES_VERSION:
        raise SourcesError(f"sources file: `version` must be {SOURCES_VERSION!r}")
    unknown = sorted(set(data) - {"version", "settings", "sources"})
    if unknown:
        raise SourcesError(f"sources file: unknown top-level key(s) {unknown}")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list):
        raise SourcesError("sources file: `sources` must be a list")
    sources = tuple(_parse_source(i, s) for i, s in enumerate(raw_sources))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SourcesError(f"sources file: duplicate source name(s) {dupes}")
    return SourceList(settings=_parse_settings(data.get("settings")), sources=sources)


def load_sources(path: Path = DEFAULT_SOURCES_PATH) -> SourceList:
    """Read and validate a sources.yaml file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML: {exc}") from exc
    return parse_sources(data)
