"""Validation of a whole release: each table against its model, then the cross-table rules, lazily."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.errors as pa_errors

from schemas.rowrules import date_precision_agrees  # noqa: F401  (part of this module's API)
from schemas.tables import TABLES


@dataclass
class Failure:
    table: str
    check: str
    row: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "table"
        return f"{self.table} {where}: {self.check}: {self.reason}"


@dataclass
class ValidationReport:
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        if self.ok:
            return "valid"
        lines = [f"{len(self.failures)} validation failure(s):"]
        lines += [f"  - {f}" for f in self.failures[:200]]
        if len(self.failures) > 200:
            lines.append(f"  ... and {len(self.failures) - 200} more")
        return "\n".join(lines)


class ReleaseInvalid(ValueError):
    def __init__(self, report: ValidationReport):
        super().__init__(str(report))
        self.report = report


def _schema_failures(name: str, df: pd.DataFrame) -> list[Failure]:
    model = TABLES[name]
    try:
        model.validate(df, lazy=True)
    except pa_errors.SchemaErrors as exc:
        out: dict[tuple, Failure] = {}
        for rec in exc.failure_cases.to_dict("records"):
            idx = rec.get("index")
            row = int(idx) if isinstance(idx, (int, float)) and not pd.isna(idx) else None
            col = rec.get("column")
            frame_check = rec.get("schema_context") == "DataFrameSchema"
            if frame_check or col is None or pd.isna(col):
                check = str(rec.get("check"))
                # table-level failures (e.g. column_in_schema) name the offending column or value
                reason = (
                    "row fails the table rule"
                    if row is not None
                    else f"table fails the rule: {rec.get('failure_case')!r}"
                )
            else:
                check, reason = f"{col}: {rec.get('check')}", f"value {rec.get('failure_case')!r}"
            key = (row, check) if row is not None else (row, check, reason)
            out.setdefault(key, Failure(name, check, row, reason))
        return list(out.values())
    except pa_errors.SchemaError as exc:  # pragma: no cover - lazy mode collects instead
        return [Failure(name, "schema", None, str(exc))]
    return []


def _failures(table: str, check: str, mask: pd.Series, reasons: pd.Series) -> list[Failure]:
    """One Failure per row where mask is True (vectorised checks, loops only over failures)."""
    hit = mask[mask.fillna(False).astype(bool)].index
    return [Failure(table, check, int(i), str(reasons.loc[i])) for i in hit]


def cross_table_failures(
    tables: Mapping[str, pd.DataFrame],
    texts: Mapping[str, str] | None = None,
    spans: Mapping[tuple[str, int, int], str] | None = None,
) -> list[Failure]:
    """Referential and provenance rules between tables.

    `texts` maps article_id to the article text the offsets refer to; when given, every
    non-redacted quote must equal text[char_start:char_end]. `spans` is the streaming
    alternative: (article_id, char_start, char_end) -> that slice, captured from the article
    text at ingest time, for builds that do not keep whole texts in memory.
    """
    inc, ev, art = tables["incidents"], tables["evidence"], tables["articles"]
    failures: list[Failure] = []
    inc_ids = pd.Index(inc["incident_id"])
    art_ids = pd.Index(art["article_id"])
    failures += _failures(
        "evidence",
        "incident exists",
        ~ev["incident_id"].isin(inc_ids),
        "unknown incident_id " + ev["incident_id"].astype(str),
    )
    failures += _failures(
        "evidence",
        "article exists",
        ~ev["article_id"].isin(art_ids),
        "unknown article_id " + ev["article_id"].astype(str),
    )

    grouped = ev.groupby("incident_id")
    ev_counts = inc["incident_id"].map(grouped.size()).fillna(0).astype("int64")
    ev_articles = inc["incident_id"].map(grouped["article_id"].agg(lambda s: tuple(sorted(set(s)))))
    listed = inc["article_ids"].map(lambda v: tuple(sorted(set(v))) if isinstance(v, list) else ())
    no_ev = ev_counts == 0
    failures += _failures(
        "incidents", "has evidence", no_ev, inc["incident_id"].astype(str) + " has no evidence row"
    )
    mismatch = ~no_ev & (listed != ev_articles)
    failures += _failures(
        "incidents",
        "article_ids match evidence",
        mismatch,
        inc["incident_id"].astype(str)
        + ": article_ids "
        + listed.astype(str)
        + " != evidence articles "
        + ev_articles.astype(str),
    )
    wrong_n = ~no_ev & (inc["evidence_count"].astype("int64") != ev_counts)
    failures += _failures(
        "incidents",
        "evidence_count matches",
        wrong_n,
        inc["incident_id"].astype(str)
        + ": evidence_count "
        + inc["evidence_count"].astype(str)
        + " != "
        + ev_counts.astype(str),
    )
    known = set(art_ids)
    unknown = listed.map(lambda ids: [a for a in ids if a not in known])
    failures += _failures(
        "incidents",
        "article exists",
        unknown.map(bool),
        inc["incident_id"].astype(str) + ": unknown article_id " + unknown.astype(str),
    )

    n = (
        art["article_id"]
        .map(ev.groupby("article_id")["incident_id"].nunique())
        .fillna(0)
        .astype("int64")
    )
    found = art["status"] == "incidents_found"
    failures += _failures(
        "articles",
        "status agrees with evidence",
        found & (n == 0),
        art["article_id"].astype(str) + " is incidents_found but has no evidence",
    )
    failures += _failures(
        "articles",
        "status agrees with evidence",
        ~found & (n > 0),
        art["article_id"].astype(str) + " is " + art["status"].astype(str) + " but has evidence",
    )
    failures += _failures(
        "articles",
        "incident_count matches",
        art["incident_count"].astype("int64") != n,
        art["article_id"].astype(str)
        + ": incident_count "
        + art["incident_count"].astype(str)
        + " != "
        + n.astype(str),
    )
    if texts is not None or spans is not None:
        failures += _quote_failures(ev, texts, spans)
    return failures


def _quote_failures(
    ev: pd.DataFrame,
    texts: Mapping[str, str] | None,
    spans: Mapping[tuple[str, int, int], str] | None,
) -> list[Failure]:
    failures: list[Failure] = []
    rows = zip(
        ev.index,
        ev["article_id"],
        ev["char_start"],
        ev["char_end"],
        ev["quote"],
        ev["is_redacted"],
        strict=True,
    )
    for i, aid, start, end, quote, redacted in rows:
        start, end = int(start), int(end)
        if texts is not None:
            text = texts.get(aid)
            span = None if text is None else text[start:end]
        else:
            span = spans.get((aid, start, end))  # type: ignore[union-attr]
        if span is None:
            failures.append(Failure("evidence", "quote matches text", int(i), f"no text for {aid}"))
        elif bool(redacted):
            if len(span) == 0:
                failures.append(
                    Failure(
                        "evidence",
                        "offsets in text",
                        int(i),
                        "redacted quote offsets fall outside the text",
                    )
                )
        elif span != quote:
            failures.append(
                Failure(
                    "evidence",
                    "quote matches text",
                    int(i),
                    f"quote != text[{start}:{end}] ({span[:40]!r}...)",
                )
            )
    return failures


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    texts: Mapping[str, str] | None = None,
    spans: Mapping[tuple[str, int, int], str] | None = None,
) -> ValidationReport:
    """Validate every table and every cross-table rule; collect all failures (never stop at the first)."""
    report = ValidationReport()
    for name in TABLES:
        report.failures += _schema_failures(name, tables[name])
    try:
        report.failures += cross_table_failures(tables, texts, spans)
    except (KeyError, TypeError) as exc:
        report.failures.append(Failure("release", "cross-table", None, f"could not run: {exc!r}"))
    return report


def assert_valid(
    tables: Mapping[str, pd.DataFrame],
    texts: Mapping[str, str] | None = None,
    spans: Mapping[tuple[str, int, int], str] | None = None,
) -> None:
    report = validate_tables(tables, texts, spans)
    if not report.ok:
        raise ReleaseInvalid(report)
