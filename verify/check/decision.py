"""The one decision rule: contradiction, corroboration or compatible, from NLI scores and rule notes.

Both the pairs of a report (both directions scored) and the evidence of a single-claim verdict
(evidence → claim scored) are decided here. A report's pairs (and pairs across articles) are decided by the
model's fitted decision where it ships one; a single claim's evidence, scored one way only, by the NLI
thresholds (the fitted decision was fitted on pairs scored both ways).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from verify.check.notes import RuleNotes
from verify.check.quantities import may_state_quantities
from verify.check.settings import CheckSettings
from verify.datamodel import TIME_NOTES, NLIScores, Note, NoteKind, PairSignals, RelationLabel

# The probability of a contradiction the rebuttal rule makes (`verify.check.rebuttal`): the share of its findings
# judged real on PolNeAR train, all 840 articles (13 of 17; docs/results/rebuttal-fire-rate.json).
REBUTTAL_PRECISION = 0.76


@dataclass(frozen=True)
class Decision:
    label: RelationLabel
    probability: float  # of `label`, as `decide` says
    notes: tuple[Note, ...] = ()
    # Compatible, but with a contradiction probability worth a reader's look (`CheckSettings.possible_conflict`).
    possible_conflict: bool = False


def leans_to_contradiction(directions: Sequence[NLIScores], settings: CheckSettings) -> bool:
    """Contradiction above entailment, and entailment below the corroboration threshold."""
    entailment = max(scores.entailment for scores in directions)
    return max(scores.contradiction for scores in directions) > entailment and entailment < settings.corroboration


def needs_parse(directions: Sequence[NLIScores], texts: Sequence[str], settings: CheckSettings) -> bool:
    """Whether the parse rules could change the pair's label: where the scores could make a
    contradiction or a corroboration, or where both claims state figures (the number rule
    decides whatever the model says). Only such claims are parsed."""
    entailment = max(scores.entailment for scores in directions)
    return (
        leans_to_contradiction(directions, settings)
        or entailment >= settings.corroboration
        or all(may_state_quantities(text) for text in texts)
    )


def screen_signal(screen_directions: Sequence[NLIScores]) -> float:
    """What the screen reads in a pair's screen-model scores (both ways): the strongest contradiction or entailment."""
    return max(max(scores.contradiction, scores.entailment) for scores in screen_directions)


def worth_scoring(screen_directions: Sequence[NLIScores], settings: CheckSettings) -> bool:
    """Whether the screen model's scores of a pair leave the main model something to find: a `screen_signal` at
    `settings.screen_threshold` or above."""
    return screen_signal(screen_directions) >= settings.screen_threshold


def decide(
    directions: Sequence[NLIScores],
    notes: RuleNotes,
    same_source: bool,
    settings: CheckSettings,
    signals: PairSignals | None = None,
) -> Decision:
    """The label of a scored pair; `directions` are the NLI scores that count (one or both ways).

    With the model's fitted decision (`settings.fitted`) and the pair's `signals` (a report's pairs), the
    calibrated probabilities decide against the fitted thresholds; incompatible figures (`notes.numbers`) the
    decision leaves compatible are a possible conflict with their note, since on real news the number rule's pairs
    are seldom conflicts. Otherwise (a claim against its evidence, a model without a fitted decision) a
    contradiction needs the threshold, or a place conflict the parse found (`notes.conflict`) where the model leans
    to contradiction, or incompatible figures of two sources (`notes.numbers`) whatever the model says. Either
    way `notes.fragment`, `notes.different_times`, `notes.not_knowing`, `notes.elsewhere`, `notes.referents` and
    `notes.repeated` veto a contradiction, and `notes.fragment`, `notes.not_knowing`, `notes.referents` and
    `notes.repeated` veto a corroboration too. An explicit rebuttal
    (`notes.rebuttal`: one claim calls the other untrue) is a contradiction whatever the model says, at the rule's
    measured precision (`REBUTTAL_PRECISION`) or the model's probability if higher; only a fragment, a not-informed
    note or a repeated statement vetoes it. One source never corroborates itself. A compatible pair the model
    reads as a possible conflict keeps the time note that explains it (shown as a change over time).

    The probability has one meaning: that of the label. For a contradiction or a corroboration it is the
    probability of that finding (calibrated with the fitted decision, else the stronger direction's NLI
    probability; a contradiction a rule made can be below the threshold); for a compatible pair, one minus the
    larger of the two, whether a note vetoed a finding or not.

    A compatible pair that no time note explains is a possible conflict where a direction's contradiction
    probability reaches `settings.possible_conflict`, or where the claims give incompatible figures (with their
    note): reports list the most likely few for a reader's look.
    """
    decision = _labelled(directions, notes, same_source, settings, signals)
    possible = (
        decision.label == "compatible"
        and not any(note.kind in TIME_NOTES for note in decision.notes)
        and (
            max(scores.contradiction for scores in directions) >= settings.possible_conflict
            or any(note.kind == NoteKind.number_conflict for note in decision.notes)
        )
    )
    return replace(decision, possible_conflict=possible) if possible else decision


def _labelled(
    directions: Sequence[NLIScores],
    notes: RuleNotes,
    same_source: bool,
    settings: CheckSettings,
    signals: PairSignals | None,
) -> Decision:
    """`decide`'s label, probability and notes."""
    model_contradiction = max(scores.contradiction for scores in directions)
    contradiction, entailment = model_contradiction, max(scores.entailment for scores in directions)
    leans = leans_to_contradiction(directions, settings)
    place = notes.conflict if leans else None
    if settings.fitted is not None and signals is not None:
        contradiction = settings.fitted.contradiction.probability(signals)
        entailment = settings.fitted.corroboration.probability(signals)
        # Incompatible figures are no finding of their own here, but a possible conflict with their note (below):
        # on all 840 PolNeAR train articles, readers judged 1 of the number rule's 3 pairs between two sources real,
        # and none of its 15 pairs of one source's figures (docs/results/number-rule-fire-rate.json). They weigh in
        # the calibrated probability as a signal.
        contradicts = contradiction >= settings.fitted.contradiction_threshold
        corroborates = entailment >= settings.fitted.corroboration_threshold
    else:
        # A claim against its evidence (`verify check`) or a model without a fitted decision: two sources'
        # incompatible figures decide. One source's two figures for one thing are an update or another scope far
        # more often than a conflict ("Trump has won 100 delegates so far" … "Trump leads with 182 delegates").
        figures = notes.numbers if not same_source else None
        contradicts = bool(figures) or (leans and (contradiction >= settings.contradiction or bool(place)))
        corroborates = entailment >= settings.corroboration
    compatible = 1 - max(contradiction, entailment)
    if notes.rebuttal:
        # At least the rule's measured precision: the model reads little in "the charges are fabricated" against
        # the charges.
        contradicts, contradiction = True, max(contradiction, REBUTTAL_PRECISION)
    if contradicts:
        veto = notes.fragment or notes.not_knowing or notes.referents or notes.repeated
        if not notes.rebuttal:  # a rebuttal names what it rebuts, whatever times or places the two mention
            veto = veto or notes.different_times or notes.elsewhere
        if veto:
            return Decision("compatible", compatible, (veto,))
        # A rebuttal between two claims of one source is the reporter's narration of someone's rebuttal ("Obama
        # dismissed the criticism"): a source never rebuts itself (`rebuttal_targets`).
        itself = same_source and not notes.rebuttal
        found = (notes.rebuttal, notes.numbers, place, Note(NoteKind.same_source) if itself else None)
        return Decision("contradiction", contradiction, tuple(note for note in found if note))
    if corroborates and not same_source:
        unfounded = notes.fragment or notes.not_knowing or notes.referents or notes.repeated
        if unfounded:
            return Decision("compatible", compatible, (unfounded,))
        return Decision("corroboration", entailment)
    # A pair the model reads as a possible conflict that the time rule explains is shown as the change it is.
    read_as_conflict = leans and model_contradiction >= settings.possible_conflict
    explained = (notes.different_times,) if notes.different_times and read_as_conflict else ()
    if notes.numbers and not notes.different_times:
        # Incompatible figures the decision above left compatible: not a finding, but a possible conflict (`decide`).
        return Decision("compatible", compatible, (notes.numbers,))
    return Decision("compatible", compatible, explained)
