"""Checking published releases: checksums, file set, schema, CSV vs Parquet, index entry, quotes vs raw files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.publish import index as idx
from flows.publish.fsio import release_files, sha256_file
from flows.publish.layout import CORE_FILES, SUMS, read_tables
from flows.publish.version import is_version
from schemas.checks import validate_tables
from schemas.export import schema_fingerprint, to_csv_frame
from schemas.tables import TABLES

MAX_PER_CHECK = 20


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        return "ok" if self.ok else "\n".join(f"- {p}" for p in self.problems)


def parse_sums(text: str) -> tuple[dict[str, str], list[str]]:
    """SHA256SUMS lines '<64 hex>  <path>' -> {path: hash}, plus a list of malformed lines."""
    sums, bad = {}, []
    for n, line in enumerate(text.splitlines(), 1):
        digest, sep, rel = line.partition("  ")
        if (
            not sep
            or len(digest) != 64
            or not rel
            or any(ch not in "0123456789abcdef" for ch in digest)
        ):
            bad.append(f"{SUMS} line {n}: malformed: {line[:80]!r}")
        else:
            sums[rel] = digest
    return sums, bad


def check_files(release_dir: Path) -> list[str]:
    problems: list[str] = []
    sums_path = release_dir / SUMS
    present = set(release_files(release_dir))
    if not sums_path.is_file():
        problems.append(f"{SUMS}: missing")
        sums: dict[str, str] = {}
    else:
        sums, bad = parse_sums(sums_path.read_text(encoding="utf-8", errors="replace"))
        problems += bad
    for rel in CORE_FILES:
        if rel not in present and rel not in sums:
            problems.append(f"{rel}: missing (and not listed in {SUMS})")
    for rel, expected in sorted(sums.items()):
        if rel not in present:
            problems.append(f"{rel}: missing")
            continue
        got = sha256_file(release_dir / rel)
        if got != expected:
            problems.append(f"{rel}: sha256 mismatch (expected {expected}, got {got})")
    for rel in sorted(present - set(sums) - {SUMS}):
        problems.append(f"extra file not in {SUMS}: {rel}")
    return problems


def check_csv_matches(release_dir: Path, table: str, df: pd.DataFrame) -> list[str]:
    """The CSV must be exactly the CSV form of the Parquet table."""
    path = release_dir / f"{table}.csv"
    try:
        csv = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return [f"{table}.csv: cannot be read: {exc}"]
    expected = to_csv_frame(table, df).astype(str).reset_index(drop=True)
    if list(csv.columns) != list(expected.columns):
        return [
            f"{table}.csv: columns {list(csv.columns)} disagree with {table}.parquet {list(expected.columns)}"
        ]
    if len(csv) != len(expected):
        return [f"{table}.csv: {len(csv)} rows but {table}.parquet has {len(expected)}"]
    problems = []
    diff = csv.to_numpy() != expected.to_numpy()
    for r, c in zip(*diff.nonzero(), strict=True):
        col = expected.columns[c]
        problems.append(
            f"{table}.csv: row {r} column {col} disagrees with {table}.parquet "
            f"({csv.iat[r, c][:60]!r} != {expected.iat[r, c][:60]!r})"
        )
        if len(problems) >= MAX_PER_CHECK:
            problems.append(f"{table}.csv: further disagreements not listed")
            break
    return problems


def check_index_entry(release_dir: Path, tables: dict[str, pd.DataFrame] | None) -> list[str]:
    dataset_dir, version = release_dir.parent, release_dir.name
    try:
        entry = idx.index_entry(idx.read_index(dataset_dir), version)
    except (idx.InvalidIndex, ValueError) as exc:
        return [f"index.json: {exc}"]
    if entry is None:
        return []
    problems = []
    listed = {f["path"]: f for f in entry.get("files", [])}
    present = set(release_files(release_dir))
    for rel, f in sorted(listed.items()):
        if rel not in present:
            problems.append(f"index.json: lists {rel} which is missing")
            continue
        size = (release_dir / rel).stat().st_size
        if size != f.get("bytes"):
            problems.append(f"index.json: {rel} is {size} bytes, index says {f.get('bytes')}")
        got = sha256_file(release_dir / rel)
        if got != f.get("sha256"):
            problems.append(
                f"index.json: {rel} sha256 {got} disagrees with index {f.get('sha256')}"
            )
    for rel in sorted(present - set(listed)):
        problems.append(f"index.json: file {rel} not listed in the index entry")
    if tables is not None:
        for t in TABLES:
            n = entry.get("counts", {}).get(t)
            if n != len(tables[t]):
                problems.append(
                    f"index.json: counts.{t} = {n} but {t}.parquet has {len(tables[t])} rows"
                )
    return problems


def _raw_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def check_quotes_against_raw(tables: dict[str, pd.DataFrame], raw_dir: Path) -> list[str]:
    """Re-read plain-text raw files whose text hash matches and compare every unredacted quote."""
    art = tables["articles"]
    art = art[(art["format"] == "txt") & art["text_sha256"].notna()]
    ev = tables["evidence"]
    ev = ev[~ev["is_redacted"].astype(bool) & ev["article_id"].isin(set(art["article_id"]))]
    problems = []
    for article_id, group in ev.groupby("article_id", sort=True):
        row = art[art["article_id"] == article_id].iloc[0]
        text = _raw_text(Path(raw_dir) / str(row["source_path"]))
        if text is None or hashlib.sha256(text.encode("utf-8")).hexdigest() != row["text_sha256"]:
            continue  # raw file changed or gone: nothing to re-check against
        for eid, s, e, q in zip(
            group["evidence_id"],
            group["char_start"],
            group["char_end"],
            group["quote"],
            strict=True,
        ):
            if text[int(s) : int(e)] != q:
                problems.append(f"evidence {eid}: quote differs from {row['source_path']}[{s}:{e}]")
    return problems


def _older_schema(release_dir: Path) -> bool:
    """True when the release was published under another schema (an earlier MAJOR version)."""
    try:
        meta = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    published = meta.get("schema_fingerprint")
    return bool(published) and published != schema_fingerprint()


def verify_release(release_dir: Path, raw_dir: Path | None = None) -> VerifyReport:
    """Every check of one release directory; problems are precise, human-readable strings."""
    release_dir = Path(release_dir)
    report = VerifyReport()
    if not release_dir.is_dir():
        report.problems.append(f"{release_dir}: release directory missing")
        return report
    report.problems += check_files(release_dir)
    if _older_schema(release_dir):
        # A release of an earlier MAJOR version was validated against the schema it was published
        # with; its checksums (above) prove it is unchanged since. Today's schema does not apply.
        return report
    tables = None
    try:
        tables = read_tables(release_dir)
    except Exception as exc:  # noqa: BLE001 - any unreadable Parquet is a reported problem
        report.problems.append(f"parquet tables cannot be read: {type(exc).__name__}: {exc}")
    if tables is not None:
        report.problems += [f"schema: {f}" for f in validate_tables(tables).failures]
        for t in TABLES:
            report.problems += check_csv_matches(release_dir, t, tables[t])
        if raw_dir is not None:
            report.problems += check_quotes_against_raw(tables, raw_dir)
    try:
        meta = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
        if meta.get("version") != release_dir.name:
            report.problems.append(
                f"datapackage.json: version {meta.get('version')!r} != directory {release_dir.name!r}"
            )
    except (OSError, ValueError) as exc:
        report.problems.append(f"datapackage.json: cannot be read: {exc}")
    report.problems += check_index_entry(release_dir, tables)
    return report


def verify_dataset(dataset_dir: Path, raw_dir: Path | None = None) -> VerifyReport:
    """index.json parses, its latest exists, every listed release verifies, no unlisted release dirs."""
    dataset_dir = Path(dataset_dir)
    report = VerifyReport()
    try:
        index = idx.read_index(dataset_dir)
    except idx.InvalidIndex as exc:
        report.problems.append(str(exc))
        return report
    if not (dataset_dir / idx.INDEX).exists():
        report.problems.append(f"{dataset_dir / idx.INDEX}: missing")
        return report
    versions = [r["version"] for r in index["releases"]]
    if index.get("latest") not in versions:
        report.problems.append(
            f"index.json: latest {index.get('latest')!r} is not a listed release"
        )
    elif versions and index["latest"] != versions[-1]:
        report.problems.append(
            f"index.json: latest {index['latest']} is not the highest version {versions[-1]}"
        )
    if len(set(versions)) != len(versions):
        report.problems.append("index.json: a version is listed twice")
    for v in versions:
        sub = verify_release(dataset_dir / v, raw_dir)
        report.problems += [f"{v}: {p}" for p in sub.problems]
    for p in sorted(dataset_dir.iterdir()):
        if p.is_dir() and is_version(p.name) and p.name not in versions:
            report.problems.append(
                f"{p.name}: release directory not listed in index.json (run recovery)"
            )
    return report
