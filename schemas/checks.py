"""Validation of a whole release: each table against its model, then the cross-table rules, lazily."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.errors as pa_errors

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


def date_precision_agrees(df: pd.DataFrame) -> pd.Series:
    """day: start == end; month: start is the 1st and end the month's last day; year: Jan 1..Dec 31;
    unknown: both empty. Start never after end."""
    start = pd.to_datetime(df["date_start"])
    end = pd.to_datetime(df["date_end"])
    p = df["date_precision"]
    both = start.notna() & end.notna()
    neither = start.isna() & end.isna()
    day = both & (start == end)
    month = both & (start.dt.day == 1) & (end == start + pd.offsets.MonthEnd(0))
    year = (
        both
        & (start.dt.month == 1)
        & (start.dt.day == 1)
        & (end.dt.month == 12)
        & (end.dt.day == 31)
        & (start.dt.year == end.dt.year)
    )
    ok = (
        ((p == "day") & day)
        | ((p == "month") & month)
        | ((p == "year") & year)
        | ((p == "unknown") & neither)
    )
    return ok.fillna(False).astype(bool)


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
    inc_ids = set(inc["incident_id"])
    art_ids = set(art["article_id"])
    for i, row in ev.iterrows():
        if row["incident_id"] not in inc_ids:
            failures.append(
                Failure(
                    "evidence", "incident exists", i, f"unknown incident_id {row['incident_id']}"
                )
            )
        if row["article_id"] not in art_ids:
            failures.append(
                Failure("evidence", "article exists", i, f"unknown article_id {row['article_id']}")
            )
    with_evidence = set(ev["incident_id"])
    ev_counts = ev.groupby("incident_id").size().to_dict()
    ev_articles = ev.groupby("incident_id")["article_id"].agg(lambda s: sorted(set(s))).to_dict()
    for i, row in inc.iterrows():
        iid = row["incident_id"]
        if iid not in with_evidence:
            failures.append(Failure("incidents", "has evidence", i, f"{iid} has no evidence row"))
            continue
        if sorted(set(row["article_ids"])) != ev_articles.get(iid):
            failures.append(
                Failure(
                    "incidents",
                    "article_ids match evidence",
                    i,
                    f"{iid}: article_ids {row['article_ids']} != evidence articles {ev_articles.get(iid)}",
                )
            )
        if int(row["evidence_count"]) != ev_counts.get(iid, 0):
            failures.append(
                Failure(
                    "incidents",
                    "evidence_count matches",
                    i,
                    f"{iid}: evidence_count {row['evidence_count']} != {ev_counts.get(iid, 0)}",
                )
            )
        for aid in row["article_ids"]:
            if aid not in art_ids:
                failures.append(
                    Failure("incidents", "article exists", i, f"{iid}: unknown article_id {aid}")
                )
    status = dict(zip(art["article_id"], art["status"], strict=False))
    counts = ev.groupby("article_id")["incident_id"].nunique().to_dict()
    for i, row in art.iterrows():
        n = counts.get(row["article_id"], 0)
        if row["status"] == "incidents_found" and n == 0:
            failures.append(
                Failure(
                    "articles",
                    "status agrees with evidence",
                    i,
                    f"{row['article_id']} is incidents_found but has no evidence",
                )
            )
        if (
            row["status"] != "incidents_found"
            and n > 0
            and status.get(row["article_id"]) == row["status"]
        ):
            failures.append(
                Failure(
                    "articles",
                    "status agrees with evidence",
                    i,
                    f"{row['article_id']} is {row['status']} but has evidence",
                )
            )
        if int(row["incident_count"]) != n:
            failures.append(
                Failure(
                    "articles",
                    "incident_count matches",
                    i,
                    f"{row['article_id']}: incident_count {row['incident_count']} != {n}",
                )
            )
    if texts is not None or spans is not None:
        for i, row in ev.iterrows():
            start, end = int(row["char_start"]), int(row["char_end"])
            if texts is not None:
                text = texts.get(row["article_id"])
                span = None if text is None else text[start:end]
            else:
                span = spans.get((row["article_id"], start, end))  # type: ignore[union-attr]
            if span is None:
                failures.append(
                    Failure("evidence", "quote matches text", i, f"no text for {row['article_id']}")
                )
                continue
            if bool(row["is_redacted"]):
                if len(span) == 0:
                    failures.append(
                        Failure(
                            "evidence",
                            "offsets in text",
                            i,
                            "redacted quote offsets fall outside the text",
                        )
                    )
            elif span != row["quote"]:
                failures.append(
                    Failure(
                        "evidence",
                        "quote matches text",
                        i,
                        f"quote != text[{row['char_start']}:{row['char_end']}] ({span[:40]!r}...)",
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
