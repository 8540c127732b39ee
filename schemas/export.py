"""Everything generated from the pandera models: Arrow schemas, CSV encoding, datapackage.json, data dictionary."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from schemas.tables import AUXILIARY_TABLES, TABLES
from schemas.vocab import descriptions, load_vocabulary

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "list<string>": pa.list_(pa.string()),
}
FRICTIONLESS_TYPES = {
    "string": "string",
    "int64": "integer",
    "float64": "number",
    "bool": "boolean",
    "date32": "date",
    "list<string>": "array",
}
# Characters that make spreadsheet software treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 (structured data); quotes are short verbatim extracts credited to their publishers",
}


def columns(table: str) -> list[dict[str, Any]]:
    """Column definitions of a table: name, arrow type, description, nullable, unique, allowed, ..."""
    schema = (TABLES.get(table) or AUXILIARY_TABLES[table]).to_schema()
    out = []
    for name, col in schema.columns.items():
        meta = dict((col.metadata or {}).get("pmd", {}))
        checks = {c.name: c for c in col.checks}
        pattern = None
        if "str_matches" in checks:
            pattern = checks["str_matches"].statistics.get("pattern")
            pattern = getattr(pattern, "pattern", pattern)
        out.append(
            {
                "name": name,
                "arrow": meta["arrow"],
                "description": meta["description"],
                "nullable": bool(col.nullable),
                "unique": bool(col.unique),
                "allowed": meta.get("allowed"),
                "pattern": pattern,
                "primary_key": bool(meta.get("primary_key")),
                "foreign_key": meta.get("foreign_key"),
            }
        )
    return out


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema(
        [
            pa.field(
                c["name"],
                ARROW_TYPES[c["arrow"]],
                nullable=c["nullable"] or c["arrow"] == "list<string>",
                metadata={"description": c["description"]},
            )
            for c in columns(table)
        ]
    )


def schema_fingerprint() -> str:
    """Hash of every table's column names, types, nullability and allowed values.

    A change to it is a schema change (MAJOR version) for consumers of the release."""
    spec = {
        t: [(c["name"], c["arrow"], c["nullable"], c["allowed"]) for c in columns(t)]
        for t in TABLES
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def _typed_column(arrow: str, s: pd.Series) -> pd.Series:
    """A column in the in-memory convention of its Arrow type, whatever dtype pandas gave it.

    pandas infers float64 for a column built by map/apply/a comprehension over zero rows (or
    holding only missing values): the type must come from the schema, not from the values."""
    if arrow == "list<string>":
        return s.astype(object).map(lambda v: [] if _isna(v) else list(v))
    if arrow == "string":
        return s.astype(object).where(s.notna(), None)
    if arrow == "date32":
        return pd.to_datetime(s)
    if arrow == "int64":
        return s.astype("int64")
    if arrow == "bool":
        return s.astype(bool)
    if arrow == "float64":
        return pd.to_numeric(s, errors="coerce").astype("float64")
    raise ValueError(f"unknown arrow type {arrow!r}")


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table's columns of `df`, in schema order, each in the type the schema gives it.

    Strings are objects (None when missing), lists are lists of strings, dates datetime64, counts
    int64, flags bool: the same frame for zero rows as for many. Raises KeyError naming the
    missing columns."""
    cols = columns(table)
    missing = [c["name"] for c in cols if c["name"] not in df.columns]
    if missing:
        raise KeyError(f"{table}: frame lacks columns {missing} required by schemas/tables.py")
    return pd.DataFrame(
        {c["name"]: _typed_column(c["arrow"], df[c["name"]]) for c in cols}, index=df.index
    )


def empty_frame(table: str) -> pd.DataFrame:
    """A zero-row frame of the table with every column typed from its Arrow schema."""
    return conform(table, from_arrow(table, arrow_schema(table).empty_table()))


def to_arrow(table: str, df: pd.DataFrame) -> pa.Table:
    """Convert an in-memory frame to an Arrow table with the published types (dates as date32, lists as lists)."""
    frame = conform(table, df)
    for c in columns(table):
        if c["arrow"] == "date32":
            frame[c["name"]] = frame[c["name"]].astype("datetime64[ms]")
    return pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)


def _isna(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def from_arrow(table: str, tbl: pa.Table) -> pd.DataFrame:
    """Read a published Arrow table back into the in-memory conventions that the models validate."""
    df = tbl.to_pandas()
    for c in columns(table):
        name = c["name"]
        if name not in df:
            continue
        if c["arrow"] == "date32":
            df[name] = pd.to_datetime(df[name])
        elif c["arrow"] == "list<string>":
            df[name] = df[name].map(lambda v: [str(x) for x in v] if v is not None else [])
        elif c["arrow"] == "string":
            df[name] = df[name].astype("str").where(df[name].notna(), None)
        elif c["arrow"] == "int64":
            df[name] = df[name].astype("int64")
        elif c["arrow"] == "float64":
            df[name] = df[name].astype("float64")
        elif c["arrow"] == "bool":
            df[name] = df[name].astype(bool)
    return df


def neutralise_formula(value: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _json_lists(s: pd.Series) -> pd.Series:
    """Each list as a JSON array of neutralised strings (memoised: lists repeat a lot)."""
    memo: dict[tuple, str] = {}

    def encode(v: Any) -> str:
        key = tuple(v if isinstance(v, list) else list(v))
        out = memo.get(key)
        if out is None:
            out = memo[key] = json.dumps([neutralise_formula(x) for x in key], ensure_ascii=False)
        return out

    return s.map(encode)


def to_csv_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The CSV form: lists as JSON arrays, dates as ISO dates, booleans as true/false, text neutralised."""
    out = pd.DataFrame(index=df.index)
    for c in columns(table):
        s = df[c["name"]]
        if c["arrow"] == "list<string>":
            out[c["name"]] = _json_lists(s)
        elif c["arrow"] == "date32":
            out[c["name"]] = pd.to_datetime(s).dt.strftime("%Y-%m-%d").where(s.notna(), "")
        elif c["arrow"] == "bool":
            out[c["name"]] = np.where(s.astype(bool).to_numpy(), "true", "false")
        elif c["arrow"] == "int64":
            out[c["name"]] = s.astype("int64")
        elif c["arrow"] == "float64":
            num = pd.to_numeric(s, errors="coerce").astype("float64")
            out[c["name"]] = num.map(lambda v: "" if math.isnan(v) else repr(float(v)))
        else:
            # vectorised form of: "" if missing else neutralise_formula(str(v))
            text = s.astype("string").fillna("")
            out[c["name"]] = text.where(~text.str.startswith(FORMULA_PREFIXES), "'" + text).astype(
                object
            )
    return out


def frictionless_schema(table: str) -> dict[str, Any]:
    fields = []
    for c in columns(table):
        f: dict[str, Any] = {
            "name": c["name"],
            "type": FRICTIONLESS_TYPES[c["arrow"]],
            "description": c["description"],
        }
        constraints: dict[str, Any] = {}
        if not c["nullable"] and c["arrow"] != "list<string>":
            constraints["required"] = True
        if c["unique"]:
            constraints["unique"] = True
        if c["allowed"] and c["arrow"] == "string":
            constraints["enum"] = c["allowed"]
        if c["pattern"]:
            constraints["pattern"] = c["pattern"].lstrip("^").rstrip("$")
        if constraints:
            f["constraints"] = constraints
        if c["arrow"] == "bool":
            f["trueValues"] = ["true"]
            f["falseValues"] = ["false"]
        fields.append(f)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    pks = [c["name"] for c in columns(table) if c["primary_key"]]
    if pks:
        schema["primaryKey"] = pks
    fks = []
    for c in columns(table):
        if c["foreign_key"]:
            ref_table, ref_field = c["foreign_key"].split(".")
            fks.append(
                {"fields": [c["name"]], "reference": {"resource": ref_table, "fields": [ref_field]}}
            )
    if fks:
        schema["foreignKeys"] = fks
    return schema


def datapackage(
    version: str, created: str, extra_resources: list[dict] | None = None
) -> dict[str, Any]:
    """The Frictionless data package descriptor of a release (CSV resources; Parquet listed alongside)."""
    resources = []
    for t in TABLES:
        resources.append(
            {
                "name": t,
                "path": f"{t}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": (TABLES[t].__doc__ or "").strip(),
                "schema": frictionless_schema(t),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "police-misconduct-incidents",
        "title": "Police misconduct incidents reported in the news",
        "version": version,
        "created": created,
        "licenses": [DATA_LICENSE],
        "sources": [{"title": "News articles listed in articles.csv (url, publisher)"}],
        "schema_fingerprint": schema_fingerprint(),
        "vocabularies": {
            name: {"name": load_vocabulary(name)["name"], "codes": descriptions(name)}
            for name in ("categories", "outcomes")
        },
        "parquet": [f"{t}.parquet" for t in TABLES],
        "resources": resources + (extra_resources or []),
    }


def data_dictionary_markdown() -> str:
    """The data dictionary, generated from the models (docs/data_dictionary.md and each release card)."""
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from schemas/tables.py by `pmd docs`; do not edit by hand. -->",
        "",
        f"Schema fingerprint: `{schema_fingerprint()}`",
        "",
    ]
    for t, model in TABLES.items():
        lines += [f"## {t}", "", (model.__doc__ or "").strip(), ""]
        lines += [
            "| column | type | required | description | allowed values |",
            "|---|---|---|---|---|",
        ]
        for c in columns(t):
            allowed = ", ".join(f"`{a}`" for a in c["allowed"]) if c["allowed"] else ""
            req = "no" if c["nullable"] else "yes"
            desc = c["description"].replace("|", "\\|")
            lines.append(f"| `{c['name']}` | {c['arrow']} | {req} | {desc} | {allowed} |")
        lines.append("")
    for t, model in AUXILIARY_TABLES.items():
        lines += [f"## {t} (published beside the tables)", "", (model.__doc__ or "").strip(), ""]
        lines += [
            "| column | type | required | description | allowed values |",
            "|---|---|---|---|---|",
        ]
        for c in columns(t):
            allowed = ", ".join(f"`{a}`" for a in c["allowed"]) if c["allowed"] else ""
            req = "no" if c["nullable"] else "yes"
            desc = c["description"].replace("|", "\\|")
            lines.append(f"| `{c['name']}` | {c['arrow']} | {req} | {desc} | {allowed} |")
        lines.append("")
    for name in ("categories", "outcomes"):
        vocab = load_vocabulary(name)
        lines += [f"## Vocabulary `{vocab['name']}`", "", "| code | meaning |", "|---|---|"]
        lines += [f"| `{v['code']}` | {v['description']} |" for v in vocab["values"]]
        lines.append("")
    return "\n".join(lines)
