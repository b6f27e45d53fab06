"""Pairs of claims against each other: the gate's related pairs (`article_pairs`), the screen (`screened_pairs`,
a smaller NLI model where the settings name one), NLI both ways (`scored_pairs`, each distinct input scored once
in one call) and the decision with the rule notes (`decided_pairs`). The claims of one or several articles
(`verify.check.articles`) and of different articles (`verify.check.across`) are checked by these alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

from verify.check.decision import decide, needs_parse, worth_scoring
from verify.check.gate import related_pairs
from verify.check.negation import asserted_text
from verify.check.notes import POSSESSIVE, RuleNotes, number_note, parse_notes, time_note
from verify.check.quantities import may_state_quantities, source_estimate
from verify.check.settings import CheckSettings
from verify.check.signals import pair_signals
from verify.datamodel import Claim, ClaimRelation, NLIScores, Note, Source
from verify.runtime.nlp import pipeline

Scorer = Callable[[list[tuple[str, str]]], list[NLIScores]]
PARSE_WINDOW = 512  # pairs whose claims are parsed together


def checked_text(claim: Claim) -> str:
    """The text NLI sees: what the source asserts (a denied claim is checked negated)."""
    return asserted_text(claim.text, claim.cue.text if claim.cue else None)


def statement_context(claim: Claim, text: str) -> str:
    """The statement unit a claim comes from in its article's `text` (the time note reads it)."""
    return claim.unit.of(text) if claim.unit else claim.text


@dataclass(frozen=True)
class PairToCheck:
    """Two claims the gate let through, as indices into the claims checked together."""

    first: int
    second: int
    similarity: float  # the embedding cosine that let the pair through
    same_source: bool  # one source never corroborates itself; its contradiction is noted
    different_dates: bool = False  # from articles published on different dates: about different moments
    across_articles: bool = False  # the claims of two articles (`notes.referents_note` applies)
    rebuttal: Note | None = None  # one claim calls the other untrue (`verify.check.rebuttal`)


def article_pairs(claims: Sequence[Claim], embeddings: np.ndarray, settings: CheckSettings) -> list[PairToCheck]:
    """The pairs of one article's claims that the gate lets through."""
    return [
        PairToCheck(i, j, similarity, same_speaker(claims[i].source, claims[j].source))
        for i, j, similarity in related_pairs(claims, embeddings, settings)
    ]


def _name_words(source: Source) -> list[str]:
    name = POSSESSIVE.sub("", source.name.strip()).casefold()
    return name.removeprefix("the ").split()


def same_speaker(first: Source, second: Source) -> bool:
    """Whether two claims of one article have one speaker: the same canonical name, or one person under a full
    name and a surname the attribution left apart ("Michael Flynn" / "Flynn", "Donald Trump's" / "Donald Trump").
    Only people are matched by surname (two who share one in an article are rare; "Obama" against "Michelle
    Obama" is a known miss); a given name ("Bill" / "Bill Clinton") is not taken for the person."""
    if first.name == second.name:
        return True
    if "author" in (first.kind, second.kind) or "anonymous" in (first.kind, second.kind):
        return False
    shorter, longer = sorted((_name_words(first), _name_words(second)), key=len)
    if not shorter:
        return False
    persons = first.kind == second.kind == "person"  # "the House" is not "the White House"
    return shorter == longer or (persons and len(shorter) == 1 and len(longer) > 1 and shorter[0] == longer[-1])


def score_once(score: Scorer, inputs: Sequence[tuple[str, str]]) -> list[NLIScores]:
    """The scores of `inputs`, each distinct input scored once, all in one `score` call, in the order they first
    come (a set's order would vary with the process's string hashes)."""
    distinct = list(dict.fromkeys(inputs))
    scored = dict(zip(distinct, score(distinct)))
    return [scored[texts] for texts in inputs]


def nli_inputs(pairs: Sequence[PairToCheck], asserted: Sequence[str]) -> list[tuple[str, str]]:
    """What `check_pairs` scores: each pair's asserted texts (`asserted[k]`: claim k's `checked_text`) one way,
    then the other."""
    forward = [(asserted[pair.first], asserted[pair.second]) for pair in pairs]
    return forward + [(hypothesis, premise) for premise, hypothesis in forward]


def screened_pairs(
    pairs: Sequence[PairToCheck], claims: Sequence[Claim], screen: Scorer, settings: CheckSettings
) -> list[PairToCheck]:
    """The pairs worth the main model, in order: those in which the screen model (`screen`, the settings' screen
    model, scored both ways in one call) finds a sign of contradiction or entailment (`decision.worth_scoring`),
    and, with the parse rules on, those whose claims state conflicting figures, which the number rule makes a
    contradiction whatever a model says, and the rebuttals (`PairToCheck.rebuttal`), which the rebuttal rule makes
    one."""
    asserted = [checked_text(claim) for claim in claims]
    scores = score_once(screen, nli_inputs(pairs, asserted))
    signalled = [worth_scoring(directions, settings) for directions in zip(scores[: len(pairs)], scores[len(pairs) :])]
    with_figures = [
        pair
        for pair, signal in zip(pairs, signalled)
        if settings.parse_rules
        and not signal
        and may_state_quantities(asserted[pair.first])
        and may_state_quantities(asserted[pair.second])
    ]
    conflicting: set[PairToCheck] = set()
    for window in range(0, len(with_figures), PARSE_WINDOW):
        in_window = with_figures[window : window + PARSE_WINDOW]
        docs = _parsed(asserted, {index for pair in in_window for index in (pair.first, pair.second)})
        conflicting.update(
            pair
            for pair in in_window
            if number_note(docs[pair.first], docs[pair.second], source_estimates(claims, pair))
        )
    return [pair for pair, signal in zip(pairs, signalled) if signal or pair in conflicting or pair.rebuttal]


def source_estimates(claims: Sequence[Claim], pair: PairToCheck) -> tuple[str, str]:
    """The pair's sources where they are polls, surveys or averages, whose figures are their estimates."""
    return source_estimate(claims[pair.first].source.name), source_estimate(claims[pair.second].source.name)


def _parsed(asserted: Sequence[str], indices: Iterable[int]) -> dict[int, Doc]:
    """The parses of the claims `indices` (their asserted texts), in one spaCy pass."""
    chosen = sorted(indices)
    return dict(zip(chosen, pipeline().pipe(asserted[index] for index in chosen)))


def scored_pairs(pairs: Sequence[PairToCheck], claims: Sequence[Claim], score: Scorer) -> list[NLIScores]:
    """NLI both ways for each pair of `claims` (their asserted texts): the pairs' forward scores, then their
    backward scores, from one call to `score`."""
    return score_once(score, nli_inputs(pairs, [checked_text(claim) for claim in claims]))


def decided_pairs(
    pairs: Sequence[PairToCheck],
    claims: Sequence[Claim],
    contexts: Sequence[str],
    scores: Sequence[NLIScores],
    settings: CheckSettings,
    on_window: Callable[[int, int], None] | None = None,
) -> list[ClaimRelation]:
    """The relation of each pair, in order, from its `scores` (`scored_pairs`): the notes and the decision
    (`_decided`), a window of pairs at a time, after each of which `on_window` is told the pairs decided and their
    total. `contexts` are the statements the claims come from (`statement_context`)."""
    asserted = [checked_text(claim) for claim in claims]
    forward, backward = scores[: len(pairs)], scores[len(pairs) :]
    # A window of pairs at a time, since a claim parsed for the rules holds about 100 KB and a corpus can have
    # tens of thousands to parse.
    relations: list[ClaimRelation] = []
    for window in range(0, len(pairs), PARSE_WINDOW):
        end = window + PARSE_WINDOW
        relations += _decided(
            pairs[window:end], forward[window:end], backward[window:end], claims, contexts, asserted, settings
        )
        if on_window is not None:
            on_window(len(relations), len(pairs))
    return relations


def check_pairs(
    pairs: Sequence[PairToCheck],
    claims: Sequence[Claim],
    contexts: Sequence[str],
    score: Scorer,
    settings: CheckSettings,
) -> list[ClaimRelation]:
    """`scored_pairs`, then `decided_pairs`: the relation of each pair, in order."""
    return decided_pairs(pairs, claims, contexts, scored_pairs(pairs, claims, score), settings)


def _decided(
    pairs: Sequence[PairToCheck],
    forward: Sequence[NLIScores],
    backward: Sequence[NLIScores],
    claims: Sequence[Claim],
    contexts: Sequence[str],
    asserted: Sequence[str],
    settings: CheckSettings,
) -> list[ClaimRelation]:
    """The relation of each scored pair: the time note, the parse notes where they could matter, `decide`."""
    decidable = [
        settings.parse_rules
        and (
            pair.rebuttal is not None
            or needs_parse((ahead, back), (asserted[pair.first], asserted[pair.second]), settings)
        )
        for pair, ahead, back in zip(pairs, forward, backward)
    ]
    # The parse rules only matter where the model could decide the pair: parse just those claims (spaCy parses
    # a text alike in any batch, so a claim of pairs in two windows is parsed alike twice).
    to_parse = [pair for pair, decide_it in zip(pairs, decidable) if decide_it]
    docs = _parsed(asserted, {index for pair in to_parse for index in (pair.first, pair.second)})
    relations = []
    for pair, ahead, back, decide_it in zip(pairs, forward, backward, decidable):
        i, j = pair.first, pair.second
        different_times = time_note(claims[i], claims[j], contexts[i], contexts[j], pair.different_dates)
        notes = (
            parse_notes(
                docs[i],
                docs[j],
                different_times,
                pair.across_articles,
                pair.same_source,
                source_estimates(claims, pair),
                pair.rebuttal,
                narrated="author" in (claims[i].source.kind, claims[j].source.kind),
            )
            if decide_it
            else RuleNotes(different_times)
        )
        signals = (
            pair_signals(
                claims[i], claims[j], (docs[i], docs[j]), (ahead, back), notes, pair.similarity, pair.same_source
            )
            if decide_it
            else None
        )
        decision = decide((ahead, back), notes, pair.same_source, settings, signals)
        relations.append(
            ClaimRelation(
                first=claims[i].id,
                second=claims[j].id,
                label=decision.label,
                probability=round(decision.probability, 4),
                forward=ahead,
                backward=back,
                similarity=round(pair.similarity, 4),
                same_source=pair.same_source,
                notes=decision.notes,
                signals=signals,
                possible_conflict=decision.possible_conflict,
            )
        )
    return relations
