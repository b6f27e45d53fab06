"""Rendering of reports, verdicts and metrics as text, Markdown or JSON. Nothing here computes."""

from __future__ import annotations

import json
import textwrap
from collections import defaultdict

from verify.check.settings import CheckSettings
from verify.datamodel import Claim, ClaimRelation, ClaimVerdict, ModelInfo, NLIScores, Report, to_jsonable
from verify.labels import LabelVocabulary, verdict_label


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


def by_source(claims) -> dict[str, list[Claim]]:
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        groups[claim.source.name].append(claim)
    return dict(groups)


def model_label(model: ModelInfo) -> str:
    """The model's name, the start of its weights' sha256 and the precision it ran in, for readers."""
    about = [f"sha256 {model.sha256[:12]}"] if model.sha256 else []
    about += [model.precision] if model.precision else []
    label = f"{model.name} ({', '.join(about)})" if about else model.name
    return f"{label}, screened by {model_label(model.screen)}" if model.screen else label


def source_label(claim: Claim) -> str:
    role = claim.source.role
    return claim.source.name if not role or role == claim.source.name else f"{claim.source.name} ({role})"


def cue_label(claim: Claim) -> str:
    if claim.cue is None:
        return "narration"
    return f"{claim.cue.text}, hedged" if claim.cue.hedged else claim.cue.text


def wrap(text: str, indent: str, first: str | None = None) -> str:
    """Wrapped at 100 columns; continuation lines indented two more than `indent`."""
    return textwrap.fill(text, width=100, initial_indent=first or indent, subsequent_indent=indent + "  ")


def _letters(scores: NLIScores) -> str:
    return f"E {scores.entailment:.2f} N {scores.neutral:.2f} C {scores.contradiction:.2f}"


def _scores(relation: ClaimRelation) -> str:
    headline = (
        f"compatible (contradiction up to {shown_probability(relation):.2f})"
        if relation.label == "compatible"
        else f"{relation.label} {relation.probability:.2f}"
    )
    return f"{headline}  (→ {_letters(relation.forward)} | ← {_letters(relation.backward)})"


POSSIBLE_CONFLICT = CheckSettings().possible_conflict
POSSIBLE_CONFLICTS_SHOWN = 5
POSSIBLE_CONFLICTS_TITLE = "Possible conflicts below the contradiction threshold"


def _contradiction(relation: ClaimRelation) -> float:
    return max(relation.forward.contradiction, relation.backward.contradiction)


def shown_probability(relation: ClaimRelation) -> float:
    return _contradiction(relation) if relation.label == "compatible" else relation.probability


def relation_sections(report: Report) -> list[tuple[str, list[ClaimRelation]]]:
    updates = [r for r in report.relations if r.temporal_update]
    possible = sorted(
        (
            r
            for r in report.relations
            if r.label == "compatible" and not r.temporal_update and _contradiction(r) >= POSSIBLE_CONFLICT
        ),
        key=_contradiction,
        reverse=True,
    )
    return [
        ("Contradictions", list(report.contradictions)),
        ("Corroborations", list(report.corroborations)),
        ("Changes over time (not contradictions)", updates),
        (POSSIBLE_CONFLICTS_TITLE, possible[:POSSIBLE_CONFLICTS_SHOWN]),
    ]


def findings_line(report: Report) -> str:
    """What the report found, for its first line: "1 contradiction, 3 corroborations"."""
    counts = ((len(report.contradictions), "contradiction"), (len(report.corroborations), "corroboration"))
    return ", ".join(f"{count} {label}{'' if count == 1 else 's'}" for count, label in counts)


def screened_out(count: int) -> str:
    """`count` related pairs the screen model left unscored, as a clause to follow the pairs checked."""
    return f" ({count} more related, screened out)" if count else ""


def report_text(report: Report) -> str:
    sources = by_source(report.claims)
    lines = [
        f"verify report: {report.article} — {findings_line(report)}",
        f"model: {model_label(report.model)}",
        f"{report.stats.claims} claims from {len(sources)} sources; {report.stats.pairs_scored} of "
        f"{report.stats.pairs_total} claim pairs related and checked{screened_out(report.stats.pairs_screened_out)}; "
        f"{report.stats.seconds:.1f} s",
        "",
    ]
    lines.append("CLAIMS BY SOURCE")
    for claims in sources.values():
        first = claims[0]
        lines.append(f"■ {source_label(first)} — {first.source.kind}")
        lines += [wrap(f"{c.id} [{cue_label(c)}] {c.text}", "    ") for c in claims]
    for title, relations in relation_sections(report):
        lines += ["", f"{title.upper()} ({len(relations)})"]
        for number, relation in enumerate(relations, 1):
            first, second = report.claim(relation.first), report.claim(relation.second)
            note = f" — {relation.note}" if relation.note else ""
            lines.append(f"{number}. {_scores(relation)}{note}")
            lines.append(wrap(f"{source_label(first)} [{first.id}]: {first.text}", "    "))
            lines.append(wrap(f"{source_label(second)} [{second.id}]: {second.text}", "    "))
        if not relations:
            lines.append("    none found")
    return "\n".join(lines) + "\n"


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


def verdict_text(verdict: ClaimVerdict, labels: LabelVocabulary = "nli") -> str:
    lines = [
        f"claim: {verdict.claim}",
        f"verdict: {verdict_label(verdict.label, labels)} ({_letters(verdict.scores)})",
        "evidence:",
    ]
    for evidence in verdict.evidence:
        note = f" — {evidence.note}" if evidence.note else ""
        refutes = " refutes" if evidence.refutes else ""
        lines.append(
            wrap(
                f"[{source_label(evidence.claim)}] {evidence.claim.text}  ({_letters(evidence.scores)}){refutes}{note}",
                "  ",
                first="  - ",
            )
        )
    return "\n".join(lines) + "\n"


RATIO_SUFFIXES = ("precision", "recall", "f1", "accuracy")
MATRIX_COLUMNS = 8


def metrics_text(metrics: dict, title: str) -> str:
    """Scalar metrics as a two-column table; per-item breakdowns (per article, per dataset) as a matrix."""
    scalars = [(key, value) for key, value in _flatten(metrics) if not _is_breakdown(key, metrics)]
    width = max((len(key) for key, _ in scalars), default=10)
    lines = [title, "-" * len(title)]
    lines += [f"{key:<{width}}  {_number(key, value)}" for key, value in scalars]
    for name, breakdown in metrics.items():
        if _is_breakdown(name, metrics):
            lines += ["", *_matrix(name, breakdown)]
    return "\n".join(lines) + "\n"


def _is_breakdown(key: str, metrics: dict) -> bool:
    name = key.split(".")[0]
    value = metrics.get(name)
    return name.startswith("per_") and isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())


def _matrix(name: str, breakdown: dict) -> list[str]:
    rows = {item: dict(_flatten(values)) for item, values in breakdown.items()}
    columns = list(dict.fromkeys(key for values in rows.values() for key in values if key.endswith(RATIO_SUFFIXES)))
    if len(columns) > MATRIX_COLUMNS:  # keep it readable: F1 and accuracy only
        columns = [column for column in columns if column.endswith(("f1", "accuracy"))]
    first = max(len(name), *(len(item) for item in rows))
    widths = [max(len(column), 6) for column in columns]
    lines = [f"{name:<{first}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(columns, widths))]
    for item, values in rows.items():
        cells = [
            f"{values[c]:>{w}.3f}" if isinstance(values.get(c), float) else f"{'-':>{w}}"
            for c, w in zip(columns, widths)
        ]
        lines.append(f"{item:<{first}}  " + "  ".join(cells))
    return lines


def _flatten(metrics: dict, prefix: str = ""):
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def _number(key: str, value) -> str:
    if isinstance(value, float) and value.is_integer() and not key.endswith(RATIO_SUFFIXES):
        return str(int(value))  # a count
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def rendered_report(report: Report, format: str, table: str = "claims", with_text: bool = False) -> str:
    """The report in `format` (text, json, markdown, html or csv; csv: one `table`), for the command
    line and the service alike; `with_text`: the JSON carries the article text (an HTML article's
    extracted text, which its offsets point into)."""
    if format == "html":
        from verify.render_html import report_html  # only when asked for: it is the largest renderer

        return report_html(report)
    if format == "csv":
        from verify.tables import report_csv

        return report_csv(report, table)  # type: ignore[arg-type]
    if format == "json":
        return to_json(report_json(report, with_text=with_text))
    return report_markdown(report) if format == "markdown" else report_text(report)
