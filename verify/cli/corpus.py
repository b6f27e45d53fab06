"""`verify corpus`: many articles, and the conflicts between them."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from verify.cli.options import (
    ARTICLES_HELP,
    DatasetOption,
    Format,
    FormatOption,
    InputFormatOption,
    ModelOption,
    QuietOption,
    RecordsOption,
    VerboseOption,
    require_format,
    user_errors,
)
from verify.cli.progress import progress_display
from verify.corpus import RAY_WORKERS
from verify.datamodel import BATCH_SIZE
from verify.errors import VerifyError
from verify.io.reading import InputFormat

if TYPE_CHECKING:
    from verify.datamodel import ArticleAnalysis, ArticleFailure


class EngineName(str, Enum):
    process = "process"
    ray = "ray"


def corpus(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Folder for corpus.json, articles.jsonl, claims.jsonl, relations.jsonl, stories.jsonl and "
            "summary.md (docs/schema.md); it must not exist or be empty, unless --force.",
        ),
    ],
    articles: Annotated[
        list[str] | None, typer.Argument(metavar="ARTICLE", help=ARTICLES_HELP, show_default=False)
    ] = None,
    records: RecordsOption = None,
    dataset: DatasetOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow --out to be a folder with files, replacing them.")
    ] = False,
    format: FormatOption = Format.text,
    input_format: InputFormatOption = InputFormat.auto,
    model: ModelOption = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, metavar="N", help="Articles analysed together (as for report).")
    ] = BATCH_SIZE,
    engine: Annotated[
        EngineName,
        typer.Option(
            "--engine",
            help="Where the work runs: process (here) or ray (a local Ray cluster, or --address's; the ray extra).",
        ),
    ] = EngineName.process,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            metavar="ADDR",
            help="--engine ray: the cluster to join (auto: the one this machine joined with `ray start`).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            metavar="N",
            help=f"--engine ray: actors, each holding the models [default: {RAY_WORKERS}].",
            show_default=False,
        ),
    ] = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Many articles at once: each reported, then related claims of different articles checked against each
    other; the summary lists the contradictions between outlets first."""
    with user_errors(verbose, quiet):
        require_format("corpus", format, (Format.text, Format.markdown))
        if engine is EngineName.process and (address is not None or workers is not None):
            raise VerifyError("--address and --workers are for --engine ray")
        from verify.corpus import require_engine
        from verify.io.inputs import article_inputs
        from verify.io.output import check_folder_for_files, require_stdout, write_stdout
        from verify.runtime.models import resolve_nli_model

        inputs = article_inputs(articles or [], records, dataset, input_format)
        check_folder_for_files(out, force)
        require_stdout()  # the summary's place
        require_engine(engine.value)
        resolve_nli_model(model)
        with progress_display(enabled=not quiet, articles=len(inputs.ids)) as progress:
            progress("loading models")
            from verify.corpus import corpus_engine
            from verify.corpus.engine import analyse_corpus
            from verify.report.corpus import CorpusFolder, corpus_summary

            with (
                CorpusFolder(out, force) as files,
                corpus_engine(engine.value, model, batch_size, workers or RAY_WORKERS, address, progress) as chosen,
            ):

                def article_done(outcome: ArticleAnalysis | ArticleFailure) -> None:
                    files.add(outcome)
                    progress.advance()

                result = analyse_corpus(inputs.records(), chosen, article_done)
                files.finish(result)
        write_stdout(corpus_summary(result, markdown=format is Format.markdown))
        if not quiet:
            typer.echo(f"wrote {out}", err=True)
        if result.failures:
            raise typer.Exit(1)
