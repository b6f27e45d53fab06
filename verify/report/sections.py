"""What every report format shows alike: source and cue labels, the model line, the sections of relations
and which possible conflicts are shown."""

from __future__ import annotations

import textwrap
from collections import defaultdict

from verify.datamodel import Claim, ClaimRelation, ModelInfo, NLIScores, NoteKind, Report


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


def letters(scores: NLIScores) -> str:
    return f"E {scores.entailment:.2f} N {scores.neutral:.2f} C {scores.contradiction:.2f}"


def relation_scores(relation: ClaimRelation) -> str:
    headline = (
        f"compatible (contradiction up to {shown_probability(relation):.2f})"
        if relation.label == "compatible"
        else f"{relation.label} {relation.probability:.2f}"
    )
    return f"{headline}  (→ {letters(relation.forward)} | ← {letters(relation.backward)})"


POSSIBLE_CONFLICTS_SHOWN = 5
POSSIBLE_CONFLICTS_TITLE = "Possible conflicts below the contradiction threshold"


def _contradiction(relation: ClaimRelation) -> float:
    return max(relation.forward.contradiction, relation.backward.contradiction)


def shown_probability(relation: ClaimRelation) -> float:
    return _contradiction(relation) if relation.label == "compatible" else relation.probability


def relation_sections(report: Report) -> list[tuple[str, list[ClaimRelation]]]:
    updates = [r for r in report.relations if r.temporal_update]
    # Which pairs are possible conflicts the check decided (`verify.check.decision.decide`, with the model's
    # settings); a report shows the most likely few, those with incompatible figures first (a reason a reader can
    # check at a glance).
    possible = sorted(
        (r for r in report.relations if r.possible_conflict),
        key=lambda r: (any(note.kind == NoteKind.number_conflict for note in r.notes), _contradiction(r)),
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
