"""One entry for every report format, for the command line and the service alike."""

from __future__ import annotations

from verify.datamodel import Report
from verify.report.jsonl import report_json, to_json
from verify.report.markdown import report_markdown
from verify.report.text import report_text


def rendered_report(report: Report, format: str, table: str = "claims", with_text: bool = False) -> str:
    """The report in `format` (text, json, markdown, html or csv; csv: one `table`), for the command
    line and the service alike; `with_text`: the JSON carries the article text (an HTML article's
    extracted text, which its offsets point into)."""
    if format == "html":
        from verify.report.html import report_html  # only when asked for: it is the largest renderer

        return report_html(report)
    if format == "csv":
        from verify.report.tables import report_csv

        return report_csv(report, table)  # type: ignore[arg-type]
    if format == "json":
        return to_json(report_json(report, with_text=with_text))
    return report_markdown(report) if format == "markdown" else report_text(report)
