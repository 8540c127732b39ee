"""Curation between linking and publishing: stable ids, corrections, attribution, redaction, titles, the final frames."""
