"""CHANGELOG.md of a release: this release's entry on top, then every earlier entry."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

MAX_LISTED = 500
HEADER = "# Changelog\n"


def _title_lines(ids: Sequence[str], titles: Mapping[str, str]) -> list[str]:
    lines = [f"- `{i}` {titles.get(i, '')}".rstrip() for i in ids[:MAX_LISTED]]
    if len(ids) > MAX_LISTED:
        lines.append(f"- ... and {len(ids) - MAX_LISTED} more (see changes.json)")
    return lines


def _correction_line(c: Mapping[str, Any]) -> str:
    target = (
        c.get("incident_id") or c.get("article_id") or c.get("evidence_id") or c.get("id") or "?"
    )
    reason = c.get("reason") or "no reason given"
    rest = {
        k: v
        for k, v in c.items()
        if k not in {"incident_id", "article_id", "evidence_id", "id", "reason"}
    }
    detail = f" {json.dumps(rest, ensure_ascii=False, default=str)}" if rest else ""
    return f"- `{target}`{detail}: {reason}"


def render_entry(
    version: str,
    created_at: str,
    counts: Mapping[str, int],
    changes: Mapping[str, Any],
    titles: Mapping[str, str],
    removed_titles: Mapping[str, str],
    corrections: Sequence[Mapping[str, Any]] = (),
    notes: Sequence[str] = (),
    previous_version: str | None = None,
) -> str:
    """Markdown for one release; `changes` is Changes.to_json_dict()."""
    lines = [f"## {version} ({created_at[:10]})", ""]
    lines.append(f"Previous release: {previous_version}." if previous_version else "First release.")
    lines.append(
        f"Contains {counts['incidents']} incidents, {counts['evidence']} evidence sentences, "
        f"{counts['articles']} articles."
    )
    c = changes["counts"]
    lines.append(
        f"Incidents: {c['incidents_added']} added, {c['incidents_removed']} removed, "
        f"{c['incidents_changed']} changed. Articles: {c['articles_added']} added, "
        f"{c['articles_removed']} removed, {c['articles_changed']} changed. Evidence: "
        f"{c['evidence_added']} added, {c['evidence_removed']} removed, {c.get('evidence_changed', 0)} changed."
    )
    for table in ("articles", "evidence"):
        columns = changes.get(f"{table}_columns_changed") or {}
        if columns:
            what = ", ".join(f"`{col}` ({n})" for col, n in sorted(columns.items()))
            lines.append(f"Changed {table} columns (rows): {what}.")
    if changes.get("link_review_changed"):
        lines.append(
            "The linking review queue (`link_review.csv`: pairs of incidents for a person to "
            "confirm or leave apart) changed."
        )
    lines.append("")
    for note in notes:
        lines.append(f"- {note}")
    if notes:
        lines.append("")
    if changes["incidents_added"]:
        lines += ["### Incidents added", "", *_title_lines(changes["incidents_added"], titles), ""]
    if changes["incidents_removed"]:
        lines += [
            "### Incidents removed",
            "",
            *_title_lines(changes["incidents_removed"], removed_titles),
            "",
        ]
    merged = changes.get("incidents_merged") or {}
    if merged:
        lines += [
            "### Incidents merged",
            "",
            *[f"- `{old}` is now part of `{into}`" for old, into in sorted(merged.items())],
            "",
        ]
    changed = changes["incidents_changed"]
    if changed:
        lines += ["### Incidents changed", ""]
        for item in changed[:MAX_LISTED]:
            iid = item["incident_id"]
            fields = ", ".join(sorted(item["fields"]))
            lines.append(f"- `{iid}` {titles.get(iid, '')}: {fields}".replace("` :", "`:"))
        if len(changed) > MAX_LISTED:
            lines.append(f"- ... and {len(changed) - MAX_LISTED} more (see changes.json)")
        lines.append("")
    if corrections:
        lines += ["### Corrections applied", "", *[_correction_line(x) for x in corrections], ""]
    return "\n".join(lines)


def previous_entries(previous_changelog: str | None) -> str:
    """The entries of an earlier CHANGELOG.md without its header."""
    if not previous_changelog:
        return ""
    text = previous_changelog
    if text.startswith(HEADER):
        text = text[len(HEADER) :]
    return text.strip("\n") + "\n"


def render_changelog(entry: str, previous_changelog: str | None) -> str:
    rest = previous_entries(previous_changelog)
    return HEADER + "\n" + entry.rstrip("\n") + "\n" + ("\n" + rest if rest else "")
