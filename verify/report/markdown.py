"""A report in Markdown, for issue trackers and newsroom wikis."""

from __future__ import annotations

from verify.datamodel import Report
from verify.report.sections import (
    by_source,
    cue_label,
    model_label,
    relation_sections,
    screened_out,
    shown_probability,
    source_label,
)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(report: Report) -> str:
    sources = by_source(report.claims)
    lines = [
        f"# verify report: {report.article}",
        "",
        f"Model `{model_label(report.model)}` · {report.stats.claims} claims from {len(sources)} sources · "
        f"{report.stats.pairs_scored} of {report.stats.pairs_total} pairs checked"
        f"{screened_out(report.stats.pairs_screened_out)}",
        "",
        "## Claims by source",
        "",
    ]
    for claims in sources.values():
        lines += [f"### {source_label(claims[0])} — {claims[0].source.kind}", ""]
        lines += [f"- **{c.id}** _{cue_label(c)}_: {c.text}" for c in claims]
        lines.append("")
    for title, relations in relation_sections(report):
        lines += [f"## {title}", ""]
        if not relations:
            lines += ["None found.", ""]
            continue
        lines += [
            "| # | Source A | Claim A | Source B | Claim B | Label "
            "| p (of the label; of contradiction when compatible) |",
            "|---|---|---|---|---|---|---|",
        ]
        for number, relation in enumerate(relations, 1):
            first, second = report.claim(relation.first), report.claim(relation.second)
            lines.append(
                f"| {number} | {_md_cell(source_label(first))} | {_md_cell(first.text)} | "
                f"{_md_cell(source_label(second))} | {_md_cell(second.text)} | "
                f"{relation.label}{' (same source)' if relation.same_source else ''} | "
                f"{shown_probability(relation):.2f} |"
            )
        lines.append("")
    return "\n".join(lines)
