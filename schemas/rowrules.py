"""Row rules shared by the table models (schemas/tables.py) and the release checks (schemas/checks.py)."""

from __future__ import annotations

import pandas as pd


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
