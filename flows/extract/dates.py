"""Date expressions: finding them, resolving them against a reference date, inferring that reference date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cache

from flows.extract.resources import date_rules


@dataclass(frozen=True)
class DateExpr:
    start: int
    end: int
    text: str
    prep: str | None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    relative: tuple[str, int] | None = None  # (unit, offset)
    needs_metadata: bool = False
    year_end: int | None = None  # 'in 2015/16': the last year of a span of years


@dataclass(frozen=True)
class Resolved:
    start: dt.date
    end: dt.date
    precision: str


@cache
def _tables() -> tuple[
    dict[str, int], dict[str, int], list[re.Pattern], list[tuple[re.Pattern, dict]]
]:
    rules = date_rules()
    months = {m: i + 1 for i, m in enumerate(rules["months"])}
    months_all = {**months, **rules["month_abbreviations"]}
    weekdays = {w: i for i, w in enumerate(rules["weekdays"])}
    mon = "|".join(sorted(months_all, key=len, reverse=True))
    wd = "|".join(weekdays)
    prep = r"(?:(?P<prep>on|in|during|since|until|till|before|by|from|after|between|as of)\s+)?"
    mod = r"(?:(?:early|late|mid|the end of|the start of|the beginning of)[\s-]+)?"
    bare = "|".join(re.escape(w) for w in rules.get("bare_weekday_after", []))
    wd_title = "|".join(w.title() for w in weekdays)
    wdp = rf"(?:(?P<wd>{wd}),?\s+)?(?:the\s+)?"
    day = r"(?P<d>[0-3]?\d)(?!\d)(?:st|nd|rd|th)?"
    year = r"(?P<y>(?:19|20)\d{2})(?!\d)"
    patterns = [
        rf"\b{prep}{wdp}{day}(?:\s+of)?\s+(?P<m>{mon})\.?(?:,?\s+{year})?\b",
        rf"\b{prep}{wdp}(?P<m>{mon})\.?\s+{day}(?:,?\s+{year})?\b",
        rf"\b{prep}{mod}(?P<m>{mon})\.?,?\s+(?:of\s+)?{year}\b",
        rf"\b(?P<prep>in|during|since|until|before|by|from|after|between)\s+{mod}{year}"
        r"(?:/(?P<y2>\d\d(?:\d\d)?))?\b(?!\s*(?:%|per cent))",
        rf"\b(?P<prep>in|during|since|until|before|by|from|after)\s+{mod}(?P<m>{mon})\b(?!\s+\d)",
        rf"\b(?P<prep>on|last|this)\s+(?P<wd>{wd})\b",
        # "early Saturday", "late Friday", "Tuesday night": a weekday of the week of publication
        rf"\b(?P<prep>early|late)\s+(?P<wd>{wd})\b",
        rf"\b(?P<wd>{wd})\s+(?:morning|afternoon|evening|night)\b",
        # 'died Saturday', 'was shot Tuesday': the weekday alone right after an event word (the
        # date is the group `date`; the word before is context, not part of it)
        rf"\b(?:{bare})\s+(?P<date>(?-i:(?P<wd>{wd_title})))\b",
    ]
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    relatives = [
        (re.compile(rf"\b{re.escape(r['text'])}\b", re.IGNORECASE), r) for r in rules["relative"]
    ]
    return months_all, weekdays, compiled, relatives


def find_dates(text: str) -> list[DateExpr]:
    """Every date expression in `text`, longest first where they overlap, in text order."""
    months, weekdays, compiled, relatives = _tables()
    found: list[DateExpr] = []
    for regex in compiled:
        for m in regex.finditer(text):
            g = m.groupdict()
            mon = g.get("m")
            if mon and mon[0].islower() and mon.lower() in ("may", "march", "mar"):
                continue  # "may" the verb, "march" the noun
            day = int(g["d"]) if g.get("d") else None
            year_end = None
            if g.get("y2"):  # '2015/16', '2015/2016': the span of two years
                y, y2 = int(g["y"]), int(g["y2"])
                y2 += y // 100 * 100 if y2 < 100 else 0
                year_end = y2 if y < y2 <= y + 10 else None
            if day is not None and not 1 <= day <= 31:
                continue
            span = "date" if g.get("date") else 0
            found.append(
                DateExpr(
                    m.start(span),
                    m.end(span),
                    m.group(span),
                    (g.get("prep") or "").lower() or None,
                    day,
                    months[mon.lower().rstrip(".")] if mon else None,
                    int(g["y"]) if g.get("y") else None,
                    weekdays[g["wd"].lower()] if g.get("wd") else None,
                    needs_metadata=bool(g.get("wd")) and not mon,
                    year_end=year_end,
                )
            )
    for regex, rule in relatives:
        for m in regex.finditer(text):
            found.append(
                DateExpr(
                    m.start(),
                    m.end(),
                    m.group(0),
                    None,
                    relative=(rule["unit"], int(rule["offset"])),
                    needs_metadata=bool(rule.get("needs_metadata")),
                )
            )
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[DateExpr] = []
    for d in found:
        if out and d.start < out[-1].end:
            continue
        prev = out[-1] if out else None
        if (
            prev is not None
            and d.relative is not None
            and d.relative[0] == "year"
            and prev.month is not None
            and prev.year is None
            and _MONTH_OF_YEAR.fullmatch(text[prev.end : d.start])
            and text[d.end : d.end + 2] not in ("'s", "’s")
        ):
            # 'in January last year', 'in March of this year': the month of that year
            out[-1] = replace(prev, end=d.end, text=text[prev.start : d.end], relative=d.relative)
            continue
        out.append(d)
    return out


_MONTH_OF_YEAR = re.compile(r"\s+(?:of\s+)?")


_HINT = re.compile(
    r"\b(?:(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|(?:19|20)\d\d|year|month|yesterday|today)",
    re.IGNORECASE,
)


_INFER_HINT = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+\d|\d\s+(?:of\s+)?"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)


def find_dates_fast(text: str, margin: int = 50, hint: re.Pattern = _HINT) -> list[DateExpr]:
    """find_dates on windows around cheap hints only (month, weekday, year words): same result, faster."""
    windows: list[list[int]] = []
    for m in hint.finditer(text):
        s, e = max(0, m.start() - margin), min(len(text), m.end() + margin)
        if windows and s <= windows[-1][1]:
            windows[-1][1] = e
        else:
            windows.append([s, e])
    out = []
    for s, e in windows:
        for d in find_dates(text[s:e]):
            out.append(DateExpr(d.start + s, d.end + s, *[getattr(d, f) for f in _FIELDS]))
    return out


_FIELDS = (
    "text",
    "prep",
    "day",
    "month",
    "year",
    "weekday",
    "relative",
    "needs_metadata",
    "year_end",
)


def _period(year: int, month: int | None = None, day: int | None = None) -> Resolved | None:
    try:
        if day is not None and month is not None:
            d = dt.date(year, month, day)
            return Resolved(d, d, "day")
        if month is not None:
            last = calendar.monthrange(year, month)[1]
            return Resolved(dt.date(year, month, 1), dt.date(year, month, last), "month")
        return Resolved(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    except ValueError:
        return None


def resolve(
    expr: DateExpr, reference: dt.date | None, from_metadata: bool = False
) -> Resolved | None:
    """The period an expression denotes; None when it cannot be resolved safely."""
    if expr.needs_metadata and not from_metadata:
        return None
    if expr.relative:
        if reference is None or not from_metadata:
            return None  # "last year" against an inferred reference date is a guess
        unit, offset = expr.relative
        if unit == "year":
            # 'in January last year': that year's month (and day, when one is given)
            return _period(reference.year + offset, expr.month, expr.day)
        if unit == "month":
            y, m = divmod(reference.year * 12 + reference.month - 1 + offset, 12)
            return _period(y, m + 1)
        d = reference + dt.timedelta(days=offset)
        return Resolved(d, d, "day")
    if expr.month is None and expr.year is None and expr.weekday is not None:
        if reference is None:
            return None
        back = (reference.weekday() - expr.weekday) % 7 or (7 if expr.prep == "last" else 0)
        d = reference - dt.timedelta(days=back)
        return Resolved(d, d, "day")
    if expr.year_end is not None and expr.year is not None:
        # 'in 2015/16' (a financial year, a season) lies somewhere in two years: no precision of
        # the vocabulary says that, and a 'year' precision spanning two failed validation
        return None
    if expr.year is not None:
        return _period(expr.year, expr.month, expr.day)
    if reference is None or expr.month is None:
        return None
    res = _period(reference.year, expr.month, expr.day)
    if res is not None and res.start > reference:
        res = _period(reference.year - 1, expr.month, expr.day)
    return res


def stated_years(text: str) -> list[tuple[int, int]]:
    """(position, year) of the incident dates that state a month and a year, in text order (the
    referral, the finding, the hearing run on a later timeline of their own)."""
    return [
        (d.start, d.year)
        for d in find_dates_fast(text)
        if d.year and d.month and date_role(text, d) == "incident"
    ]


def year_reference(
    years: list[tuple[int, int]], pos: int, fallback: dt.date | None
) -> dt.date | None:
    """The reference date for a year-less date at `pos` of a text without a publication date: the
    end of the year of the last date before it that states one (an account running over several
    years goes on in the year it last named: 'On 17 April 2018 ... found on 19 April' is 2018),
    else `fallback`."""
    last = None
    for p, y in years:
        if p >= pos:
            break
        last = y
    return dt.date(last, 12, 31) if last is not None else fallback


def consistent_dates(periods: list[Resolved]) -> bool:
    """True when the periods can denote one event: each overlaps the most precise one.
    ('Kent Police in 2015, and the MPS in 2021' is two dates for one incident: none is its date.)"""
    if not periods:
        return True
    best = min(periods, key=lambda r: (r.end - r.start, r.start))
    return all(r.start <= best.end and best.start <= r.end for r in periods)


_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'-]{2,},\s*$")


def _longest_first(words: list[str]) -> str:
    """A regex alternation of the words, the longest first (so 'came to light' beats 'came')."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _clause_after(text: str, end: int) -> str:
    m = re.compile(r"[^;.!?]*").match(text, end)
    return m.group(0) if m else ""


@cache
def _report_regexes() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    rules = date_rules()
    subj = _longest_first(rules["report_subjects"])
    verbs = _longest_first(rules["report_verbs"])
    subject_first = re.compile(
        rf"^[\s,]*(?:[^\s,]+\s+){{0,5}}?(?:[\w’'-]+\s+)?\b(?:{subj})\b", re.I
    )
    verb = re.compile(rf"\b(?:{verbs})\b", re.I)
    passive = re.compile(
        r"\b(?:came to light|emerged|(?:was|were) (?:revealed|published|exposed|uncovered))\b", re.I
    )
    return subject_first, verb, passive


@cache
def _procedure_start() -> re.Pattern:
    rules = date_rules()
    nouns = "|".join(re.escape(n) for n in rules["procedure_nouns"])
    verbs = "|".join(re.escape(v) for v in rules["procedure_start_verbs"])
    return re.compile(rf"\b(?:{nouns})\b[^.;]{{0,70}}\b(?:{verbs})\s+$", re.I)


def _started_procedure(before: str) -> bool:
    """'an investigation ... that began in 2018': the date is when the procedure started."""
    return bool(_procedure_start().search(before))


def date_role(text: str, expr: DateExpr) -> str:
    """'incident', 'bound' (since/until...: not when it happened) or 'report' (publication of findings)."""
    excluded = {p.lower() for p in date_rules()["excluded_prefixes"]}
    before = text[max(0, expr.start - 30) : expr.start].lower()
    if expr.prep in excluded or any(before.rstrip().endswith(p) for p in excluded if " " in p):
        return "bound"
    if _DATELINE.match(text[: expr.start]):
        return "report"
    procedural = date_rules().get("procedural_before", [])
    words = re.findall(r"[a-z]+", before)[-4:]
    if any(w in procedural for w in words):
        return "report"
    if _started_procedure(text[max(0, expr.start - 90) : expr.start]):
        return "report"
    clause = _clause_after(text, expr.end)
    subject_first, verb, passive = _report_regexes()
    own_date = any(d.start > 0 for d in find_dates(clause))  # "..., the IOPC found on Tuesday"
    if not own_date and (
        (subject_first.search(clause) and verb.search(clause)) or passive.search(clause)
    ):
        return "report"
    if _reported_before().search(text[max(0, expr.start - 60) : expr.start]):
        return "report"  # "the IOPC found on Tuesday", "footage released on Thursday shows"
    subject_before, verb_after = _report_frame()
    if subject_before.search(text[max(0, expr.start - 60) : expr.start]) and verb_after.match(
        text, expr.end
    ):
        return "report"  # "a jury on Thursday found", "prosecutors on Monday charged"
    return "incident"


@cache
def _report_frame() -> tuple[re.Pattern, re.Pattern]:
    """A report subject right before a date and its verb right after it."""
    rules = date_rules()
    subjects = [*rules["report_subjects"], *rules.get("report_frame_subjects", [])]
    subj = _longest_first(subjects)
    verbs = _longest_first(rules["report_verbs"])
    return (
        re.compile(rf"\b(?:{subj})\s*,?\s*$", re.I),
        re.compile(rf"\s*,?\s*(?:{verbs})\b", re.I),
    )


@cache
def _reported_before() -> re.Pattern:
    """A report subject and its verb right before a date: the date is when it was reported."""
    rules = date_rules()
    subj = _longest_first(rules["report_subjects"])
    verbs = _longest_first(rules["report_verbs"])
    return re.compile(
        rf"\b(?:{subj})\b(?:\s+(?:was|were|has|had|have|been|\w+ly))*\s+(?:{verbs})\s*$", re.I
    )


_YEAR = re.compile(
    r"(?<![£$€\d,.])\b((?:19|20)\d{2})\b(?!\s*(?:%|per cent|people|officers|deaths|cases))"
)


def infer_reference_date(text: str) -> tuple[dt.date | None, str | None]:
    """Reference date of an undated article from its own text, and a sentence saying how."""
    years = [int(y) for y in _YEAR.findall(text)]
    found = find_dates_fast(text, hint=_INFER_HINT)
    combos = [d for d in found if d.weekday is not None and d.day and d.month and not d.year]
    if not years and not combos:
        return None, None
    how: list[str] = []
    year = max(years) if years else None
    if year is not None:
        how.append(f"latest explicit year {year}")
    if combos:
        centre = year if year is not None else None
        candidates = range(centre - 1, centre + 3) if centre else range(1990, 2100)
        fits = [y for y in candidates if all(_fits(c, y) for c in combos)]
        if fits:
            best = min(
                fits,
                key=lambda y: (
                    abs(y - centre) if centre else 0,
                    -y if centre and y >= centre else y,
                ),
            )
            if centre is None or best >= centre:
                names = "; ".join(c.text.strip() for c in combos[:2])
                how.append(f"weekday '{names}' fits {best}")
                year = best
    if year is None:
        return None, None
    latest = None
    for d in found:
        r = resolve(d, dt.date(year, 12, 31))
        if (
            r
            and r.precision == "day"
            and r.start.year == year
            and (latest is None or r.start > latest)
        ):
            latest = r.start
    if latest is not None:
        how.append(f"latest date mentioned {latest.isoformat()}")
        return latest, "; ".join(how)
    how.append("day unknown, 1 January used")
    return dt.date(year, 1, 1), "; ".join(how)


def _fits(expr: DateExpr, year: int) -> bool:
    if expr.month is None or expr.day is None:
        return False
    try:
        return dt.date(year, expr.month, expr.day).weekday() == expr.weekday
    except (ValueError, TypeError):
        return False
