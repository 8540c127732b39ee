"""Publishing: stable incident ids, release diffs, SemVer, atomic immutable releases, recovery, verification."""

from flows.curate.stable_ids import assign_incident_ids, evidence_ids
from flows.publish.diff import Changes, diff_releases, diff_tables
from flows.publish.index import InvalidIndex, read_index, retired_incident_ids
from flows.publish.recover import recover_dataset_dir
from flows.publish.release import (
    Release,
    ReleaseExists,
    load_latest_release,
    load_release,
    write_release,
)
from flows.publish.verify import VerifyReport, verify_dataset, verify_release
from flows.publish.version import next_version

__all__ = [
    "Changes",
    "InvalidIndex",
    "Release",
    "ReleaseExists",
    "VerifyReport",
    "assign_incident_ids",
    "diff_releases",
    "diff_tables",
    "evidence_ids",
    "load_latest_release",
    "load_release",
    "next_version",
    "read_index",
    "recover_dataset_dir",
    "retired_incident_ids",
    "verify_dataset",
    "verify_release",
    "write_release",
]
