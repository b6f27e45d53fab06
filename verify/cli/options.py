"""What the commands share: the command class, the formats and options, the frame that turns a user error
into one line, and `run`, which writes a command's output."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperCommand, TyperGroup

from verify.cli.progress import progress_display
from verify.errors import VerifyError
from verify.io.reading import InputFormat

if TYPE_CHECKING:
    from verify.pipeline import Verifier


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


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    csv = "csv"
    jsonl = "jsonl"


TEXT_OR_JSON = (Format.text, Format.json)  # what every command but `report` writes


def require_format(command: str, format: Format, accepted: tuple[Format, ...]) -> None:
    """A format the command does not write is a user error (one line, exit 2), raised before any work."""
    if format not in accepted:
        formats = ", ".join(choice.value for choice in accepted)
        raise VerifyError(f"--format {format.value} is not for verify {command}: it writes {formats}")


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
    from verify.io.output import check_destination, require_stdout, write_file, write_stdout

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


def loaded_article(
    path: str, input_format: InputFormat, model: str | None, progress
) -> tuple[Verifier, str, InputFormat]:
    """The verifier, the text of the article at `path`, and how it was read (text, or html with its text
    extracted).

    The article and the model's name are checked before torch, transformers or spaCy load.
    """
    from verify.io.reading import read_article_as
    from verify.runtime.models import resolve_nli_model

    text, read_as = read_article_as(path, input_format)
    resolve_nli_model(model)
    from verify.pipeline import get_verifier

    progress("loading models")
    return get_verifier(model), text, read_as


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
