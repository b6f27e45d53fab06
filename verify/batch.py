"""Many articles, a JSON line each: what `verify report --format jsonl` writes (docs/schema.md).

A line is `{"id": ..., <the record's fields>, "report": <the report as --format json>}`, or, for an article
that could not be read or analysed, `{"id": ..., <the record's fields>, "error": "<one line>"}`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Container, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verify.datamodel import ArticleAnalysis, ArticleFailure
from verify.inputs import ArticleInputs
from verify.render import report_json

if TYPE_CHECKING:
    from verify.pipeline import Progress, Verifier

# Articles analysed together by default (`Verifier.analyse_many`): one, so that each report is exactly the one
# `Verifier.report` gives. More embed their claims and score their related pairs in one call, which fills the
# models' batches across short articles (faster, above all on a GPU), but under bf16 autocast moves a pair's
# probabilities by up to about 0.01: the model pads a batch to its longest input.
BATCH_SIZE = 1


@dataclass(frozen=True)
class ResultLine:
    """One article's output line, and what the command's exit status depends on."""

    id: str
    line: str  # the JSON, without its newline
    failed: bool
    contradictions: int


def report_lines(
    verifier: Verifier, inputs: ArticleInputs, skip: Container[str], batch_size: int, progress: Progress
) -> Iterator[ResultLine]:
    """The line of each article whose id is not in `skip`, in input order, as its batch of `batch_size`
    articles finishes (`Verifier.analyse_many`, which tells `progress` its stages)."""
    reads, pending = itertools.tee(inputs.read(skip))  # one to analyse, one to know how each was read
    analysed = verifier.analyse_many((read.article for read in reads), batch_size, progress)
    for read, outcome in zip(pending, analysed):
        yield result_line(outcome, with_text=read.from_html)


def result_line(outcome: ArticleAnalysis | ArticleFailure, with_text: bool = False) -> ResultLine:
    """The output line of one article; the report holds the article text only `with_text` (a text extracted
    from HTML, which the offsets point into), as `--format json` does."""
    if isinstance(outcome, ArticleFailure):
        line = {"id": outcome.id, **outcome.fields, "error": str(outcome.error)}
        return ResultLine(outcome.id, json_line(line), failed=True, contradictions=0)
    record, report = outcome.record, outcome.report
    line = {"id": record.id, **record.fields, "report": report_json(report, with_text)}
    return ResultLine(record.id, json_line(line), failed=False, contradictions=len(report.contradictions))


def json_line(data: dict[str, Any]) -> str:
    """Compact JSON on one line; a record's field JSON cannot hold (a date from a dataset) as its text."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
