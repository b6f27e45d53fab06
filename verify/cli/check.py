"""`verify check`: one claim against an article."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from verify.cli.options import (
    TEXT_OR_JSON,
    ForceOption,
    Format,
    FormatOption,
    InputFormatOption,
    ModelOption,
    OutOption,
    QuietOption,
    VerboseOption,
    loaded_article,
    require_format,
    run,
)
from verify.io.reading import InputFormat
from verify.report.jsonl import to_json, verdict_json
from verify.report.text import verdict_text


class Labels(str, Enum):
    nli = "nli"
    fever = "fever"


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
        from verify.io.reading import require_claim

        require_format("check", format, TEXT_OR_JSON)
        require_claim(claim)
        verifier, text, _ = loaded_article(against, input_format, model, progress)
        verdict = verifier.check(claim, text, progress)
        if format is Format.json:
            return to_json(verdict_json(verdict, labels.value))
        return verdict_text(verdict, labels.value)

    run(work, out, force, verbose, quiet)
