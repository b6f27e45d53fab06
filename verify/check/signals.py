"""What the fitted decision reads of a scored pair: NLI both ways, the gate's similarity, who says each claim,
whether the claims are about the same things, whether each is a statement at all, and the rules' notes.

Every signal is a plain number, so the decision (`verify.check.fitted`) is a small model over a vector. They
are computed only for the pairs whose label the decision could change (`decision.needs_parse`), from the
claims' parses that the rules read anyway.
"""

from __future__ import annotations

import math
from dataclasses import fields

from spacy.tokens import Doc

from verify.check.gate import content_words
from verify.check.notes import PREDICATE_TAGS, RuleNotes, entity_names
from verify.datamodel import Claim, NLIScores, NoteKind, PairSignals

# Entity types that name who or what a claim is about (dates, numbers and ordinals are the quantity rule's).
NAMED = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})
EPSILON = 1e-4


def logit(probability: float) -> float:
    probability = min(max(probability, EPSILON), 1 - EPSILON)
    return math.log(probability / (1 - probability))


def pair_signals(
    first: Claim,
    second: Claim,
    docs: tuple[Doc, Doc],
    directions: tuple[NLIScores, NLIScores],
    notes: RuleNotes,
    similarity: float,
    same_source: bool,
) -> PairSignals:
    """The signals of one pair; `docs` are the parses of the two claims' checked texts."""
    contradictions = sorted(scores.contradiction for scores in directions)
    entailments = sorted(scores.entailment for scores in directions)
    names = [set(entity_names(entity for entity in doc.ents if entity.label_ in NAMED)) for doc in docs]
    shared = names[0] & names[1]
    roots = [_main_verb(doc) for doc in docs]
    negated = [any(token.dep_ == "neg" for token in doc) for doc in docs]
    kinds = {note.kind for field in fields(notes) if (note := getattr(notes, field.name)) is not None}
    return PairSignals(
        contradiction_max=logit(contradictions[1]),
        contradiction_min=logit(contradictions[0]),
        entailment_max=logit(entailments[1]),
        entailment_min=logit(entailments[0]),
        similarity=similarity,
        word_overlap=_word_overlap(first.text, second.text),
        same_source=float(same_source),
        author_claims=float(sum(claim.source.kind == "author" for claim in (first, second))),
        hedged=float(any(claim.cue is not None and claim.cue.hedged for claim in (first, second))),
        shared_names=float(len(shared)),
        names_only_one_side=float(not shared and bool(names[0]) != bool(names[1])),
        same_predicate=float(None not in roots and roots[0].lemma_.lower() == roots[1].lemma_.lower()),
        negation_differs=float(negated[0] != negated[1]),
        fragment=float(NoteKind.fragment in kinds),
        shorter_tokens=math.log(1 + min(len(doc) for doc in docs)),
        figures_conflict=float(NoteKind.number_conflict in kinds),
        # As the rule without the fitted decision reads it: only where the model leans to contradiction.
        place_conflict=float(NoteKind.place_conflict in kinds and contradictions[1] > entailments[1]),
        different_times=float(bool(kinds & {NoteKind.change_over_time, NoteKind.different_periods})),
        not_informed=float(NoteKind.not_informed in kinds),
        different_places=float(NoteKind.different_places in kinds),
    )


def _main_verb(doc: Doc):
    """The verb of the claim's first sentence, or None where it has none: "her 2016 presidential bid" is a
    noun phrase, not a statement to check."""
    if not len(doc):
        return None
    root = next(iter(doc.sents)).root
    if root.pos_ in PREDICATE_TAGS:
        return root
    # A copula or auxiliary hangs under its predicate ("the airport was closed": root "closed", ADJ).
    return root if any(child.pos_ in PREDICATE_TAGS for child in root.children) else None


def _word_overlap(first: str, second: str) -> float:
    words = content_words(first), content_words(second)
    shorter = min(len(words[0]), len(words[1]))
    return len(words[0] & words[1]) / shorter if shorter else 0.0
