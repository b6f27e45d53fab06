"""The fitted decision: a pair's signals, the fragment rule, calibrated probabilities deciding the label."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.test_check import CONTRADICTING, ENTAILING, NEUTRAL, claim
from verify.check.decision import decide
from verify.check.fitted import FittedDecision, LogisticModel
from verify.check.notes import RuleNotes, fragment_note, number_note, parse_notes
from verify.check.settings import MODEL_SETTINGS_FILE, CheckSettings, for_model
from verify.check.signals import pair_signals
from verify.datamodel import Cue, Note, NoteKind, PairSignals, Span
from verify.errors import VerifyError
from verify.runtime.models import DEFAULT_NLI_MODEL_DIR
from verify.runtime.nlp import parse

STATEMENT = parse("The airport was cleared of protesters on Thursday.")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("her 2016 presidential bid", True),  # a noun phrase
        ("the intrusions", True),
        ("Among the new measures:", True),  # a list's lead-in
        ("It goes", True),  # a word or two naming nothing
        ("Shifting", True),
        ("Prices rose", False),  # two words, but a statement about prices
        ("No one was hurt in the fire.", False),
        ("The minister denied that any planes had been seized.", False),
        ("It was a few weeks before the vote.", False),  # has a verb: the rule does not judge reference
    ],
)
def test_a_fragment_states_nothing_to_check(text, fragment):
    note = fragment_note(parse(text), STATEMENT)
    assert (note is not None) is fragment
    if note is not None:
        assert note.kind is NoteKind.fragment


def test_a_fragment_is_never_a_finding_however_the_model_scores_it():
    notes = RuleNotes(fragment=fragment_note(parse("the intrusions"), STATEMENT))
    assert decide((CONTRADICTING, NEUTRAL), notes, False, CheckSettings()).label == "compatible"
    assert decide((ENTAILING, ENTAILING), notes, False, CheckSettings()).label == "compatible"


def signals_of(first: str, second: str, sources=("the mayor", "engineers"), directions=(CONTRADICTING, NEUTRAL)):
    one, other = claim(first, sources[0]), claim(second, sources[1], "c2")
    docs = parse(one.text), parse(other.text)
    notes = parse_notes(*docs)
    return pair_signals(one, other, docs, directions, notes, 0.7, sources[0] == sources[1])


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (
            "Clinton will reopen the bridge in Dover on Friday.",
            "Clinton will not reopen the bridge in Dover on Friday.",
            {"shared_names": 2.0, "same_predicate": 1.0, "negation_differs": 1.0, "names_only_one_side": 0.0},
        ),
        (
            "The senator said taxes would rise.",
            "Clinton has visited Ohio twice.",
            {"shared_names": 0.0, "same_predicate": 0.0, "negation_differs": 0.0, "names_only_one_side": 1.0},
        ),
        (
            "Three miners died in the collapse.",
            "Nobody died in the collapse.",
            {"figures_conflict": 1.0, "same_predicate": 1.0, "word_overlap": pytest.approx(2 / 3)},
        ),
    ],
)
def test_pair_signals_read_the_claims(first, second, expected):
    signals = signals_of(first, second)
    assert {name: getattr(signals, name) for name in expected} == expected


def test_pair_signals_count_the_reporter_and_hedges():
    one = claim("The plant will close in March.", "the author")
    other = replace(
        claim("The plant will stay open.", "the union", "c2"), cue=Cue("reportedly", (Span(0, 10),), hedged=True)
    )
    docs = parse(one.text), parse(other.text)
    one = replace(one, source=replace(one.source, kind="author"))
    signals = pair_signals(one, other, docs, (CONTRADICTING, NEUTRAL), parse_notes(*docs), 0.6, False)
    assert (signals.author_claims, signals.hedged, signals.same_source) == (1.0, 1.0, 0.0)
    assert signals.contradiction_max > 2 > signals.contradiction_min  # log-odds of 0.90 and 0.05


def model_on(name: str, weight: float, intercept: float = 0.0) -> LogisticModel:
    names = PairSignals.names()
    return LogisticModel(
        names, (0.0,) * len(names), (1.0,) * len(names), tuple(weight if n == name else 0.0 for n in names), intercept
    )


FITTED = FittedDecision(
    contradiction=model_on("contradiction_max", 1.0, -1.0),
    corroboration=model_on("entailment_max", 1.0, -1.0),
    contradiction_threshold=0.8,
    corroboration_threshold=0.7,
)


@pytest.mark.parametrize(
    ("first", "second", "sources", "directions", "label"),
    [
        # log-odds of 0.90 is 2.2: calibrated 0.77, under the 0.8 threshold however high the raw score looks
        (
            "The bridge will reopen on Friday.",
            "The bridge will stay shut.",
            ("mayor", "engineers"),
            (CONTRADICTING, NEUTRAL),
            "compatible",
        ),
        (
            "The bridge will reopen on Friday.",
            "The bridge reopens on Friday.",
            ("mayor", "council"),
            (ENTAILING, ENTAILING),
            "compatible",
        ),
    ],
)
def test_the_fitted_decision_labels_by_calibrated_probability(first, second, sources, directions, label):
    signals = signals_of(first, second, sources, directions)
    settings = CheckSettings(fitted=FITTED)
    decision = decide(directions, RuleNotes(), sources[0] == sources[1], settings, signals)
    assert decision.label == label
    lower = replace(FITTED, contradiction_threshold=0.5, corroboration_threshold=0.5)
    found = decide(directions, RuleNotes(), False, CheckSettings(fitted=lower), signals)
    assert found.label != "compatible"
    assert found.probability == pytest.approx(
        (lower.contradiction if found.label == "contradiction" else lower.corroboration).probability(signals)
    )


def test_with_the_fitted_decision_incompatible_figures_are_a_possible_conflict_and_a_time_note_explains_them():
    # a report's pair: the number rule's pairs on real news are seldom conflicts, so the note asks for a look
    signals = signals_of(
        "Three miners died in the collapse.", "Nobody died in the collapse.", directions=(NEUTRAL, NEUTRAL)
    )
    figures = RuleNotes(
        numbers=number_note(parse("Three miners died in the collapse."), parse("Nobody died in the collapse."))
    )
    assert figures.numbers is not None
    probabilities = FITTED.contradiction.probability(signals), FITTED.corroboration.probability(signals)
    decision = decide((NEUTRAL, NEUTRAL), figures, False, CheckSettings(fitted=FITTED), signals)
    assert (decision.label, decision.notes, decision.possible_conflict) == ("compatible", (figures.numbers,), True)
    assert decision.probability == pytest.approx(1 - max(probabilities))
    lower = replace(FITTED, contradiction_threshold=min(probabilities[0], 0.5))
    found = decide((NEUTRAL, NEUTRAL), figures, False, CheckSettings(fitted=lower), signals)
    assert (found.label, found.notes) == ("contradiction", (figures.numbers,))  # the calibrated decision's own
    vetoed = decide(
        (NEUTRAL, NEUTRAL),
        replace(figures, different_times=Note(NoteKind.change_over_time)),
        False,
        CheckSettings(fitted=FITTED),
        signals,
    )
    assert (vetoed.label, vetoed.possible_conflict) == ("compatible", False)


def test_without_the_fitted_decision_two_sources_figures_decide_and_one_sources_are_a_possible_conflict():
    # a claim against its evidence, or a model without a fitted decision; one source's running count
    # ("has won 100 delegates so far" … "has won 182 delegates") is no finding
    first, second = "The senator has won 100 delegates so far.", "The senator has won 182 delegates."
    figures = RuleNotes(numbers=number_note(parse(first), parse(second)))
    assert figures.numbers is not None
    left = decide((NEUTRAL, NEUTRAL), figures, True, CheckSettings())
    assert (left.label, left.notes, left.possible_conflict) == ("compatible", (figures.numbers,), True)
    assert decide((NEUTRAL, NEUTRAL), figures, False, CheckSettings()).label == "contradiction"
    both = decide((CONTRADICTING, NEUTRAL), figures, True, CheckSettings())  # the model's own contradiction stays
    assert both.label == "contradiction"
    assert {note.kind for note in both.notes} == {NoteKind.number_conflict, NoteKind.same_source}


def test_without_signals_the_nli_thresholds_decide():
    decision = decide((CONTRADICTING, NEUTRAL), RuleNotes(), False, CheckSettings(fitted=FITTED))
    assert (decision.label, decision.probability) == ("contradiction", 0.90)


def test_a_model_ships_its_fitted_decision_in_its_settings(tmp_path):
    assert for_model(tmp_path).fitted is None
    decision = {
        "contradiction": vars(FITTED.contradiction),
        "corroboration": vars(FITTED.corroboration),
        "contradiction_threshold": 0.8,
        "corroboration_threshold": 0.7,
    }
    (tmp_path / MODEL_SETTINGS_FILE).write_text(json.dumps({"check": {"contradiction": 0.95}, "decision": decision}))
    assert for_model(tmp_path) == CheckSettings(contradiction=0.95, fitted=FITTED)
    (tmp_path / MODEL_SETTINGS_FILE).write_text(json.dumps({"decision": {"contradiction": {"features": ["sunspots"]}}}))
    with pytest.raises(VerifyError, match='settings.json: its "decision" is not a fitted decision .*sunspots'):
        for_model(tmp_path)


def test_the_default_model_reads_its_fitted_decision():
    fitted = for_model(DEFAULT_NLI_MODEL_DIR).fitted
    assert fitted is not None and 0.5 <= fitted.contradiction_threshold < 1
