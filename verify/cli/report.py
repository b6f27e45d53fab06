"""`verify report`: one article's report in any format, or many articles as JSON lines."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated

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
    loaded_article,
    run,
    user_errors,
)
from verify.cli.progress import progress_display
from verify.datamodel import BATCH_SIZE
from verify.errors import VerifyError
from verify.io.reading import InputFormat


class Table(str, Enum):
    claims = "claims"
    relations = "relations"


class FailOn(str, Enum):
    contradiction = "contradiction"


def report(
    articles: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ARTICLE",
            help=f"{ARTICLES_HELP} Several articles (or a folder, --input, --dataset) need --format jsonl.",
            show_default=False,
        ),
    ] = None,
    format: FormatOption = Format.text,
    table: Annotated[
        Table | None,
        typer.Option(
            "--table",
            help="--format csv: the table to write, one CSV holding one: claims (a row per claim, the default) "
            "or relations (a row per scored pair of claims).",
        ),
    ] = None,
    records: RecordsOption = None,
    dataset: DatasetOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write the output to FILE instead of the terminal. With --format jsonl, append to FILE and "
            "resume: the articles whose ids it holds are skipped.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Allow --out to replace an existing file (--format jsonl: start it afresh)."),
    ] = False,
    model: ModelOption = None,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size",
            min=1,
            metavar="N",
            help="--format jsonl: articles analysed together, their claims embedded and their pairs scored in "
            "one call each: faster, above all on a GPU, but the NLI probabilities then move by float rounding "
            "(about 0.01 with bf16) from those of one article at a time.",
        ),
    ] = BATCH_SIZE,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="For scripts: exit with status 1 when the report (any report, with --format jsonl) has any "
            "contradiction (after writing it), 0 when it has none; user errors stay status 2.",
        ),
    ] = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Claims grouped by source, contradictions and corroborations between sources.

    With --format jsonl, one line per article as it finishes: {"id", the record's fields, "report"}, or
    {"id", the record's fields, "error"} for an article that failed, which ends the run with status 1."""
    paths = articles or []
    one_article = len(paths) == 1 and records is None and dataset is None and not Path(paths[0]).is_dir()
    if not one_article or format is Format.jsonl:
        options = ManyArticles(paths, records, dataset, input_format, format, out, force, model, batch_size, fail_on)
        with user_errors(verbose, quiet):
            _require_csv_for_table(table, format)
            report_many(options, quiet)
        return
    article = paths[0]

    def work(progress) -> tuple[str, int]:
        _require_csv_for_table(table, format)
        verifier, text, read_as = loaded_article(article, input_format, model, progress)
        result = verifier.report(text, article, progress)
        found = fail_on is FailOn.contradiction and bool(result.contradictions)
        from verify.report.formats import rendered_report

        table_value = (table or Table.claims).value
        output = rendered_report(result, format.value, table_value, with_text=read_as is InputFormat.html)
        return output, 1 if found else 0

    run(work, out, force, verbose, quiet)


def _require_csv_for_table(table: Table | None, format: Format) -> None:
    if table is not None and format is not Format.csv:
        raise VerifyError(f"--table is for --format csv, not --format {format.value}")


def _require_jsonl(paths: list[str], format: Format) -> None:
    """Several articles are written one report per line; every other format holds one report."""
    if format is not Format.jsonl:
        folder = len(paths) == 1 and Path(paths[0]).is_dir()
        what = f"{paths[0]}: is a directory: its articles are" if folder else "several articles are"
        raise VerifyError(f"{what} reported with --format jsonl (one report per line), not --format {format.value}")


@dataclass(frozen=True)
class ManyArticles:
    """What `verify report --format jsonl` reads, and how it writes."""

    paths: list[str]
    records: Path | None
    dataset: Path | None
    input_format: InputFormat
    format: Format
    out: Path | None
    force: bool
    model: str | None
    batch_size: int
    fail_on: FailOn | None


def report_many(options: ManyArticles, quiet: bool) -> None:
    """A JSON line per article (`verify.report.jsonl.result_lines`) on stdout or appended to --out, skipping the
    articles --out already holds; models load once, and only when there is an article to analyse. Exit
    status 1 if an article failed (or, with --fail-on, a report has a contradiction)."""
    from verify.io.inputs import article_inputs
    from verify.io.output import AppendedLines, require_stdout, write_stdout
    from verify.runtime.models import resolve_nli_model

    inputs = article_inputs(options.paths, options.records, options.dataset, options.input_format)
    _require_jsonl(options.paths, options.format)
    if options.out is None:
        require_stdout()
    with ExitStack() as opened:
        appended = opened.enter_context(AppendedLines(options.out, options.force)) if options.out else None
        finished = appended.finished if appended else set()
        todo = sum(identifier not in finished for identifier in inputs.ids)
        resolve_nli_model(options.model)
        # An article that failed in an earlier run of the same command still counts.
        failed = sum(identifier in appended.failed for identifier in inputs.ids) if appended else 0
        contradicted = 0
        if todo:
            from verify.pipeline import get_verifier
            from verify.report.jsonl import result_lines

            with progress_display(enabled=not quiet, articles=todo) as progress:
                progress("loading models")
                verifier = get_verifier(options.model)
                for result in result_lines(
                    inputs, finished, lambda records: verifier.analyse_many(records, options.batch_size, progress)
                ):
                    if appended:
                        appended.append(result.line)
                    else:
                        write_stdout(result.line + "\n")
                    progress.advance()
                    failed += result.failed
                    contradicted += result.contradictions > 0
    if not quiet:
        skipped = len(inputs.ids) - todo
        where = f" to {options.out}" if options.out else ""
        already = f" ({skipped} already there, skipped)" if skipped else ""
        failures = f"; {failed} of {len(inputs.ids)} articles failed (their lines say why)" if failed else ""
        typer.echo(f"wrote {todo} lines{where}{already}{failures}", err=True)
    if failed or (options.fail_on is FailOn.contradiction and contradicted):
        raise typer.Exit(1)
