"""Commentators are not perpetrators; allegations stay alleged until a source reports a finding."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import MutableMapping
from functools import cache
from pathlib import Path

import pandas as pd

from flows.curate.redact import _as_list, _id_col, _sentences_by_incident
from flows.extract.identity import (
    compile_pattern,
    identity_rules,
    load_rule_file,
    name_regex,
    name_variants,
    require_key,
)

RULES_DIR = Path(__file__).resolve().parent / "rules"


@cache
def _attribution_patterns(stem: str = "attribution.v1"):
    data = load_rule_file(stem, RULES_DIR)
    verb = require_key(data, "speech_verbs", str, f"{stem}.yaml")
    templates = []
    for i, p in enumerate(require_key(data, "speaker_patterns", list, f"{stem}.yaml")):
        t = p.replace("{VERB}", verb)
        compile_pattern(t.replace("{NAME}", "Jane Roe"), f"{stem}.yaml: speaker_patterns[{i}]")
        templates.append(t)
    return tuple(templates)


def check_attribution(
    incidents: pd.DataFrame,
    evidence: pd.DataFrame,
    memo: MutableMapping[str, tuple[list[str], list[dict]]] | None = None,
) -> tuple[pd.DataFrame, list[dict]]:
    """Remove officers whose name only appears as the speaker of a statement; report why.

    An incident's outcome depends only on its officers and its quotes: with `memo` (see
    `redaction_decisions`) it is looked up by a digest of those and computed only when new."""
    rules = identity_rules()
    templates = _attribution_patterns()
    col = _id_col(incidents)
    sentences = _sentences_by_incident(evidence, _id_col(evidence))
    inc = incidents.copy()
    new_officers, report = [], []
    for key, officers in zip(inc[col], inc["officers"], strict=True):
        names, sents = _as_list(officers), sentences.get(key, [])
        found = None
        if memo is not None and names:
            digest = hashlib.sha256(
                json.dumps([names, sents], ensure_ascii=False).encode("utf-8")
            ).hexdigest()
            found = memo.get(digest)
        if found is None:
            found = _officer_attribution(names, sents, rules, templates)
            if memo is not None and names:
                memo[digest] = found
        kept, entries = found
        report += [{"incident_id": key, **entry} for entry in entries]
        new_officers.append(list(kept))
    inc["officers"] = new_officers
    return inc, report


def _officer_attribution(
    names: list[str], sents: list[str], rules, templates
) -> tuple[list[str], list[dict]]:
    """(officers kept, report entries without the incident id) for one incident."""
    kept: list[str] = []
    report: list[dict] = []
    for name in names:
        variants = name_variants(name, rules)
        regex = name_regex(variants)
        mention = re.compile(regex)
        speakers = [re.compile(t.replace("{NAME}", regex), re.IGNORECASE) for t in templates]
        total = as_speaker = 0
        for s in sents:
            spans = [m.span() for m in mention.finditer(s)]
            total += len(spans)
            said = {m.span(0) for p in speakers for m in p.finditer(s)}
            as_speaker += sum(1 for sp in spans if any(a <= sp[0] and sp[1] <= b for a, b in said))
        if total and as_speaker == total:
            report.append(
                {
                    "name": name,
                    "decision": "removed from officers",
                    "reason": f"appears only as the speaker of a statement ({total} mention(s))",
                }
            )
        else:
            if not total:
                report.append(
                    {
                        "name": name,
                        "decision": "kept",
                        "reason": "name not found in the incident's evidence",
                    }
                )
            kept.append(name)
    return kept, report


@cache
def _allegation_cues(stem: str = "allegation_cues.v1"):
    data = load_rule_file(stem, RULES_DIR)
    where = f"{stem}.yaml"
    cues = tuple(compile_pattern(p, where) for p in require_key(data, "finding_cues", list, where))
    return cues, compile_pattern(require_key(data, "negations", str, where), where)


def has_finding_cue(sentence: str) -> bool:
    """True when the sentence reports a finding, conviction, admission or official conclusion."""
    cues, negation = _allegation_cues()
    for cue in cues:
        for m in cue.finditer(sentence):
            if not negation.search(sentence[max(0, m.start() - 40) : m.start()]):
                return True
    return False


def enforce_allegation_status(
    incidents: pd.DataFrame, evidence: pd.DataFrame
) -> tuple[pd.DataFrame, list[dict]]:
    """Downgrade 'established' to 'alleged' where no evidence sentence reports a finding."""
    col = _id_col(incidents)
    sentences = _sentences_by_incident(evidence, _id_col(evidence))
    inc = incidents.copy()
    statuses, report = [], []
    for key, status in zip(inc[col], inc["allegation_status"], strict=True):
        if status == "established" and not any(has_finding_cue(s) for s in sentences.get(key, [])):
            statuses.append("alleged")
            report.append(
                {
                    "incident_id": key,
                    "decision": "established -> alleged",
                    "reason": "no evidence sentence reports a finding, conviction or admission",
                }
            )
        else:
            statuses.append(status)
    inc["allegation_status"] = pd.Series(
        statuses, index=inc.index, dtype=incidents["allegation_status"].dtype
    )
    return inc, report
