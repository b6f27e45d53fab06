"""`verify evaluate`: the models scored on labelled data."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from verify.cli.options import (
    TEXT_OR_JSON,
    ForceOption,
    Format,
    FormatOption,
    ModelOption,
    OutOption,
    QuietOption,
    VerboseOption,
    require_format,
    run,
)
from verify.report.jsonl import to_json
from verify.report.text import metrics_text


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
            return to_json(metrics)
        return metrics_text(metrics, f"verify evaluate {path} ({metrics['task']})")

    run(work, out, force, verbose, quiet)
