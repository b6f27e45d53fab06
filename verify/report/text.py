"""Plain text for the terminal: a report, a claim's verdict, evaluation metrics."""

from __future__ import annotations

from verify.datamodel import ClaimVerdict, Report
from verify.report.labels import LabelVocabulary, verdict_label
from verify.report.sections import (
    by_source,
    cue_label,
    findings_line,
    letters,
    model_label,
    relation_scores,
    relation_sections,
    screened_out,
    source_label,
    wrap,
)


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
            lines.append(f"{number}. {relation_scores(relation)}{note}")
            lines.append(wrap(f"{source_label(first)} [{first.id}]: {first.text}", "    "))
            lines.append(wrap(f"{source_label(second)} [{second.id}]: {second.text}", "    "))
        if not relations:
            lines.append("    none found")
    return "\n".join(lines) + "\n"


def verdict_text(verdict: ClaimVerdict, labels: LabelVocabulary = "nli") -> str:
    lines = [
        f"claim: {verdict.claim}",
        f"verdict: {verdict_label(verdict.label, labels)} ({letters(verdict.scores)}){_head_probabilities(verdict)}",
    ]
    if verdict.failed is not None:
        failed = verdict.failed
        lines.append(wrap(f"fact it turns on (characters {failed.start}-{failed.end}): {failed.text}", "  "))
    if verdict.sub_claims:
        lines.append("facts:")
        lines += [
            wrap(
                f"{fact.text}  (best support {letters(fact.support.scores) if fact.support else 'none: vetoed'})",
                "    ",
                first="  - ",
            )
            for fact in verdict.sub_claims
        ]
    if verdict.windows:
        lines.append("article windows:")
        for window in verdict.windows:
            lines.append(
                wrap(f"[{window.start}-{window.end}] {window.text}  ({letters(window.scores)})", "    ", first="  - ")
            )
    lines.append("evidence claims:")
    for evidence in verdict.evidence:
        note = f" — {evidence.note}" if evidence.note else ""
        refutes = " refutes" if evidence.refutes else ""
        lines.append(
            wrap(
                f"[{source_label(evidence.claim)}] {evidence.claim.text}  ({letters(evidence.scores)}){refutes}{note}",
                "  ",
                first="  - ",
            )
        )
    return "\n".join(lines) + "\n"


def _head_probabilities(verdict: ClaimVerdict) -> str:
    if verdict.supported is None or verdict.refuted is None:
        return ""
    return f"; supported {verdict.supported:.2f}, refuted {verdict.refuted:.2f}"


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
