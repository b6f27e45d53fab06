"""JSON: a report as `verify report --format json` writes it, and a line per article as `--format jsonl` does
(docs/schema.md).

A line is `{"id": ..., <the record's fields>, "report": <the report as --format json>}`, or, for an article
that could not be read or analysed, `{"id": ..., <the record's fields>, "error": "<one line>"}`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from typing import Any

from verify.datamodel import ArticleAnalysis, ArticleFailure, ArticleRecord, ClaimVerdict, Report, to_jsonable
from verify.io.inputs import ArticleInputs
from verify.report.labels import LabelVocabulary, verdict_label
from verify.report.sections import by_source


def report_json(report: Report, with_text: bool = False) -> dict:
    """The report as documented in docs/schema.md; the article text itself only `with_text`."""
    data = to_jsonable(report)
    if not with_text:
        data.pop("text")
    data["sources"] = [
        {"name": name, "role": claims[0].source.role, "kind": claims[0].source.kind, "claims": [c.id for c in claims]}
        for name, claims in by_source(report.claims).items()
    ]
    return data


def verdict_json(verdict: ClaimVerdict, labels: LabelVocabulary = "nli") -> dict:
    """The verdict as documented in docs/schema.md, its label in the `labels` vocabulary."""
    return {**to_jsonable(verdict), "label": verdict_label(verdict.label, labels)}


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class ResultLine:
    """One article's output line, and what the command's exit status depends on."""

    id: str
    line: str  # the JSON, without its newline
    failed: bool
    contradictions: int


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


def result_lines(
    inputs: ArticleInputs,
    skip: Container[str],
    analyse: Callable[[Iterator[ArticleRecord | ArticleFailure]], Iterator[ArticleAnalysis | ArticleFailure]],
) -> Iterator[ResultLine]:
    """The line of each article whose id is not in `skip`, in input order, as `analyse` (e.g.
    `Verifier.analyse_many`, which analyses in batches) gives its outcome."""
    reads, pending = itertools.tee(inputs.read(skip))  # one to analyse, one to know how each was read
    for read, outcome in zip(pending, analyse(read.article for read in reads)):
        yield result_line(outcome, with_text=read.from_html)
