"""A report as two tables, one row per claim and one per scored pair of claims: the rows of
`verify report --format csv` (one table per file, `--table`) and of `verify.report_dataframes(report)`.
Spans are written "start-end", several joined by ";"."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, Literal

from verify.datamodel import NLI_LABELS, Claim, ClaimRelation, Report, Span
from verify.errors import VerifyError

if TYPE_CHECKING:
    from pandas import DataFrame

Table = Literal["claims", "relations"]
CLAIM_COLUMNS = (
    "id",
    "start",
    "end",
    "text",
    "source",
    "mention",
    "role",
    "kind",
    "cue",
    "hedged",
    "spans",
    "content_spans",
)
RELATION_COLUMNS = (
    "first",
    "second",
    "first_text",
    "second_text",
    "label",
    "probability",
    "first_source",
    "second_source",
    "similarity",
    "same_source",
    "temporal_update",
    "note",
    *(f"{direction}_{label}" for direction in ("forward", "backward") for label in NLI_LABELS),
)
COLUMNS: dict[str, tuple[str, ...]] = {"claims": CLAIM_COLUMNS, "relations": RELATION_COLUMNS}
# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): a text starting with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spans(spans: tuple[Span, ...]) -> str:
    return ";".join(f"{span.start}-{span.end}" for span in spans)


def _claim_row(claim: Claim) -> dict[str, Any]:
    values = (
        claim.id,
        claim.start,
        claim.end,
        claim.text,
        claim.source.name,
        claim.source.mention,
        claim.source.role,
        claim.source.kind,
        claim.cue.text if claim.cue else None,  # None: the author's narration
        claim.cue.hedged if claim.cue else False,
        _spans(claim.spans),
        _spans(claim.content_spans),
    )
    return dict(zip(CLAIM_COLUMNS, values))


def _relation_row(claims: dict[str, Claim], relation: ClaimRelation) -> dict[str, Any]:
    first, second = claims[relation.first], claims[relation.second]
    values = (
        relation.first,
        relation.second,
        first.text,
        second.text,
        relation.label,
        relation.probability,
        first.source.name,
        second.source.name,
        relation.similarity,
        relation.same_source,
        relation.temporal_update,
        relation.note,
        *relation.forward.as_dict().values(),  # in NLI_LABELS order, as the columns
        *relation.backward.as_dict().values(),
    )
    return dict(zip(RELATION_COLUMNS, values))


def table_rows(report: Report, table: Table) -> list[dict[str, Any]]:
    """One table of the report as rows: column name → value (None for none)."""
    if table == "claims":
        return [_claim_row(claim) for claim in report.claims]
    claims = {claim.id: claim for claim in report.claims}
    return [_relation_row(claims, relation) for relation in report.relations]


def report_rows(report: Report) -> dict[str, list[dict[str, Any]]]:
    """The report's claims and relations as rows."""
    return {table: table_rows(report, table) for table in ("claims", "relations")}


def _as_text(value: Any) -> Any:
    """A text cell a spreadsheet would evaluate (OWASP, "CSV Injection") prefixed with a single quote, which
    makes it text; numbers, bools and other texts as they are."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def report_csv(report: Report, table: Table) -> str:
    """One table of the report as CSV (RFC 4180: CRLF line ends, so a cell holding a lone carriage
    return is quoted too): a header row, then one row per claim or relation. Only here, for spreadsheets,
    are cells written as text (`_as_text`): the rows of `table_rows` hold the values as they are."""
    written = io.StringIO()
    writer = csv.DictWriter(written, COLUMNS[table], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({column: _as_text(value) for column, value in row.items()} for row in table_rows(report, table))
    return written.getvalue()


def report_dataframes(report: Report) -> dict[str, DataFrame]:
    """Both tables as pandas DataFrames (pandas is imported here, only when asked for)."""
    try:
        import pandas
    except ImportError:
        raise VerifyError("report_dataframes needs pandas: pip install pandas") from None
    return {table: pandas.DataFrame(rows, columns=COLUMNS[table]) for table, rows in report_rows(report).items()}
