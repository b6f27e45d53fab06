"""The `verify` command line: each command (a module here) parses options, calls one library function and
renders its result; `options` holds what they share."""

from __future__ import annotations

from typing import Annotated

import typer

from verify.cli import check, corpus, evaluate, report, serve, train
from verify.cli.options import Command, Group, user_errors

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
        from verify.io.output import write_stdout

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


app.command(cls=Command)(report.report)
app.command(cls=Command)(corpus.corpus)
app.command(cls=Command)(check.check)
app.command(cls=Command)(evaluate.evaluate)
app.command("train-nli", cls=Command)(train.train_nli)
app.command(cls=Command)(serve.serve)
