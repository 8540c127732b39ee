"""`pmd`: the command line of the police misconduct dataset (build, verify, validate, serve, ...)."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from flows.core import settings

if TYPE_CHECKING:
    from flows.runtime.prefect_api import LocalApi

app = typer.Typer(
    help="Build, check and publish the police misconduct dataset.\n\nExample: pmd build",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

RAW = typer.Option(settings.RAW_DIR, "--raw-dir", help="Folder of raw articles.")
DATASET = typer.Option(settings.DATASET_DIR, "--dataset-dir", help="Folder of releases.")


def _terminal_progress():
    """On a terminal, a live bar (files done of total, rate, time left); elsewhere log lines only."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from flows import pipeline

    bar = Progress(
        "extracting",
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        transient=True,
    )
    task = bar.add_task("files", total=None, rate="")
    started = time.monotonic()

    def hook(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        rate = done / max(time.monotonic() - started, 1e-6)
        bar.update(task, completed=done, total=total, rate=f"{rate:,.0f} files/s")

    pipeline.PROGRESS_HOOK = hook
    return bar


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def _api_ready(api: LocalApi | None) -> contextlib.AbstractContextManager[object]:
    """Wait for the early local API; if it could not start, Prefect starts its own as before."""
    if api is None or api.wait():
        return contextlib.nullcontext()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    typer.echo("the local Prefect API did not start; using Prefect's temporary server", err=True)
    return temporary_settings(restore_defaults={PREFECT_API_URL})


@app.command(epilog="Example: pmd build --processes 2")
def build(
    raw_dir: Path = RAW,
    dataset_dir: Path = DATASET,
    processes: int = typer.Option(
        0,
        help="Worker processes for extraction (0 = one per core, as many as free memory holds).",
    ),
    batch_size: int = typer.Option(500, help="Files per batch (one Prefect task per batch)."),
    trained: bool = typer.Option(
        True,
        "--trained/--no-trained",
        help="Use the trained spaCy pipeline's dependency parse (default); --no-trained: rules only.",
    ),
    cache: bool = typer.Option(
        True, "--cache/--no-cache", help="Reuse results for unchanged files."
    ),
    dask_address: str = typer.Option(
        "", help="Run tasks on this Dask scheduler (e.g. tcp://127.0.0.1:8786)."
    ),
) -> None:
    """Ingest raw/, extract incidents, validate, and publish a release if anything changed."""
    from flows.ingest import RawDirError, check_raw_dir

    try:  # before Prefect starts: a missing or empty raw folder is one line, not a failed run
        check_raw_dir(raw_dir.resolve())
    except RawDirError as exc:
        _fail(str(exc))
    from flows.runtime.prefect_api import start_local_api

    # The Prefect API starts on another core while the pipeline imports (see prefect_api.py).
    api = start_local_api()
    from flows.pipeline import build_dataset

    flow_fn = build_dataset
    if dask_address:
        from prefect_dask import DaskTaskRunner

        # prefect-dask's DaskTaskRunner is not declared as TaskRunner[PrefectFuture[Any]]
        runner = DaskTaskRunner(address=dask_address)
        flow_fn = build_dataset.with_options(task_runner=runner)  # type: ignore[arg-type]
    from schemas.checks import ReleaseInvalid

    bar = _terminal_progress()
    try:
        with _api_ready(api):
            summary = flow_fn(
                raw_dir=raw_dir.resolve(),
                dataset_dir=dataset_dir.resolve(),
                processes=processes or None,
                batch_size=batch_size,
                trained=None if trained else False,
                cache_dir=settings.CACHE_DIR if cache else None,
            )
    except ReleaseInvalid as exc:
        _fail(f"the release would be invalid and was not published:\n{exc}")
    finally:
        if bar is not None:
            bar.stop()
    from flows.pipeline import BuildSummary

    typer.echo("\n".join(BuildSummary(**summary).lines()))


@app.command(epilog="Example: pmd verify 1.0.0   (or: pmd verify all)")
def verify(
    version: str = typer.Argument("latest", help="Release version, 'latest' or 'all'."),
    dataset_dir: Path = DATASET,
    raw_dir: Path = typer.Option(
        None, "--raw-dir", help="Also re-check quotes against these raw files."
    ),
) -> None:
    """Check a release against its SHA256SUMS, its schemas and index.json; report corruption precisely."""
    from flows.publish import verify_dataset, verify_release

    if version == "all":
        report = verify_dataset(dataset_dir)
    else:
        if version == "latest":
            import json

            version = json.loads((dataset_dir / "index.json").read_text())["latest"]
        report = verify_release(dataset_dir / version, raw_dir=raw_dir)
    if not report.ok:
        _fail("\n".join(report.problems))
    typer.echo(f"{version}: ok")


@app.command(epilog="Example: pmd validate latest")
def validate(
    version: str = typer.Argument("latest", help="Release version or 'latest'."),
    dataset_dir: Path = DATASET,
) -> None:
    """Validate a release's tables against the pandera schemas and cross-table rules (lazily, every failure)."""
    from flows.api import load_release
    from schemas.checks import validate_tables

    report = validate_tables(load_release(version, dataset_dir))
    if not report.ok:
        _fail(str(report))
    typer.echo("valid")


@app.command(epilog='Example: pmd serve --cron "0 6 * * *"')
def serve(
    cron: str = typer.Option("0 6 * * *", help="Cron schedule (server time)."),
    collect: bool = typer.Option(
        True, "--collect/--no-collect", help="Collect from feeds before building."
    ),
) -> None:
    """Serve the scheduled deployment (collect, then build) until interrupted."""
    from prefect import serve as prefect_serve

    from flows.deploy import make_deployment

    prefect_serve(make_deployment(cron=cron, collect=collect))


@app.command(epilog="Example: pmd evaluate")
def evaluate() -> None:
    """Score extraction against the gold annotations in tests/gold/; exit 1 below the floors."""
    from flows.evaluation.run import run

    raise typer.Exit(code=run())


@app.command(epilog="Example: pmd train --devdata ../shared/devdata")
def train(
    devdata: Path = typer.Option(
        settings.ROOT.parent / "shared" / "devdata",
        "--devdata",
        help="Folder of the development data (read at run time, never copied).",
    ),
    out: Path = typer.Option(
        None, "--out", help="Where to write the model (default: the committed model folder)."
    ),
    limit: int = typer.Option(None, help="Train on a seeded subset of this many windows."),
) -> None:
    """Rebuild the misconduct classifier (fixed seed, flows/extract/models/*.cfg) and its card."""
    from flows.evaluation.train import train_classifier
    from flows.extract.classifier import MODEL_DIR

    if not devdata.is_dir():
        _fail(f"development data not found at {devdata}")
    card = train_classifier(devdata=devdata, out_dir=out or MODEL_DIR, limit=limit)
    dev = card["dev_windows"]
    typer.echo(
        f"wrote {out or MODEL_DIR}: threshold {card['threshold']}, dev windows precision "
        f"{dev['precision']} recall {dev['recall']} F1 {dev['f1']}"
    )


@app.command(epilog="Example: pmd docs --check")
def docs(
    check: bool = typer.Option(False, "--check", help="Fail if the committed docs differ."),
) -> None:
    """Regenerate docs/data_dictionary.md from the schemas."""
    from schemas.export import data_dictionary_markdown

    path = settings.ROOT / "docs" / "data_dictionary.md"
    text = data_dictionary_markdown()
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            _fail(f"{path} is out of date: run `pmd docs`")
        typer.echo("docs up to date")
        return
    path.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {path}")


@app.command(epilog="Example: pmd collect --sources flows/collect/sources.yaml")
def collect(
    raw_dir: Path = RAW,
    sources: Path = typer.Option(
        None, "--sources", help="sources.yaml (default: the shipped list)."
    ),
) -> None:
    """Gather new articles from the configured feeds into raw/collected/."""
    from flows.collect_flow import collect_flow

    kwargs = {"raw_dir": raw_dir}
    if sources is not None:
        kwargs["sources_path"] = sources
    report = collect_flow(**kwargs)
    typer.echo(report.get("text", "") if isinstance(report, dict) else str(report))


def main() -> None:  # pragma: no cover
    app(prog_name="pmd")


if __name__ == "__main__":  # pragma: no cover
    main()
