"""The collection report: per-source counts, the item log, rendering as a table or plain lines."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

OUTCOMES = ("fetched", "irrelevant", "known", "failed")


@dataclass
class LogEntry:
    """One decision about one item (the collection log)."""

    source: str
    url: str
    outcome: str  # one of OUTCOMES
    reason: str | None = None
    path: str | None = None
    title: str | None = None


@dataclass
class SourceRow:
    """Counts for one source in one run. `error` is set when the source itself failed."""

    source: str
    publisher: str
    seen: int = 0
    irrelevant: int = 0
    known: int = 0
    fetched: int = 0
    failed: int = 0
    not_modified: bool = False
    error: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.error:
            return f"source failed: {self.error}"
        if self.not_modified:
            return "feed not modified (304)"
        return "ok"


@dataclass
class CollectReport:
    """Everything one run did; `rows` in source order, `log` in decision order."""

    rows: list[SourceRow] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    state_written: bool = False

    def row(self, source: str) -> SourceRow:
        return next(r for r in self.rows if r.source == source)

    def totals(self) -> dict[str, int]:
        return {
            k: sum(getattr(r, k) for r in self.rows)
            for k in ("seen", "irrelevant", "known", "fetched", "failed")
        }

    def to_dict(self) -> dict:
        return {
            "rows": [asdict(r) | {"status": r.status} for r in self.rows],
            "log": [asdict(e) for e in self.log],
            "written": list(self.written),
            "state_written": self.state_written,
            "totals": self.totals(),
        }


def render_plain(report: CollectReport) -> str:
    """One line per source, then one indented line per failure."""
    lines = []
    for r in report.rows:
        lines.append(
            f"{r.source} ({r.publisher}): seen {r.seen}, irrelevant {r.irrelevant}, "
            f"known {r.known}, fetched {r.fetched}, failed {r.failed} [{r.status}]"
        )
        lines.extend(f"  failed {url}: {reason}" for url, reason in r.failures)
    t = report.totals()
    lines.append(
        f"total: seen {t['seen']}, irrelevant {t['irrelevant']}, known {t['known']}, "
        f"fetched {t['fetched']}, failed {t['failed']}"
    )
    return "\n".join(lines) + "\n"


def render_rich(report: CollectReport, width: int = 140) -> str:
    """The same report as a rich table (with ANSI styles), for terminals."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Collection report")
    for name in ("source", "seen", "irrelevant", "known", "fetched", "failed", "status"):
        table.add_column(name, justify="right" if name not in ("source", "status") else "left")
    for r in report.rows:
        style = "red" if r.error or r.failed else None
        table.add_row(
            escape(r.source),
            str(r.seen),
            str(r.irrelevant),
            str(r.known),
            str(r.fetched),
            str(r.failed),
            escape(r.status),
            style=style,
        )
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True)
    console.print(table)
    for r in report.rows:
        for url, reason in r.failures:
            console.print(
                f"[red]{escape(r.source)}[/red] failed {escape(url)}: {escape(reason)}",
                soft_wrap=True,
                highlight=False,
            )
    return buffer.getvalue()


def render_report(report: CollectReport, *, terminal: bool | None = None) -> str:
    """A rich table when writing to a terminal, plain lines otherwise."""
    if terminal is None:
        from rich.console import Console

        terminal = Console().is_terminal
    return render_rich(report) if terminal else render_plain(report)
