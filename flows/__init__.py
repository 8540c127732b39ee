"""The police misconduct dataset pipeline: collect, ingest, extract, validate, publish."""

from flows.core.settings import configure_prefect

configure_prefect()
