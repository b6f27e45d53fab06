"""Check claims against each other: gate related pairs, score them with NLI both ways, classify.

The gate matters for precision as much as for speed: small NLI models call an unrelated
negated sentence ("There were no civilian casualty statistics provided.") a contradiction
of almost anything, so only pairs about the same thing are scored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from spacy.tokens import Doc

from verify.datamodel import Claim, ClaimRelation, NLIScores
from verify.knowledge import is_about_knowledge, reports_no_knowledge
from verify.negation import asserted_text
from verify.nlp import pipeline
from verify.place_state import conflicting_place

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just me more most my no nor not now of off on once only or other our out over
own said same says she should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
""".split())
TEMPORAL_NOTE = "change over time, not a contradiction"
PERIOD_NOTE = "different periods compared, not a contradiction"
NO_KNOWLEDGE_NOTE = "one source only says it was not informed: neither denial nor confirmation"
# Words that report a change of state: a later claim with one of these updates an earlier one.
CHANGE_WORDS = frozenset("""
restored resumed reopened recovered returned lifted ended eased reversed back again later since subsequently
""".split())
TIME_PATTERN = re.compile(
    r"\b(?:(?:early|late|by|on|since|until)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"yesterday|today|tonight|morning|afternoon|evening|overnight|\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.))\b",
    re.IGNORECASE,
)

# A past reference period named in a claim ("in the last general election", "a year earlier",
# "in 2019"): a figure for it does not contradict a figure for another period.
PERIOD_PATTERN = re.compile(
    r"\b(?:last|previous|prior|preceding)\s+(?:(?:general|presidential|parliamentary|local|national)\s+)?"
    r"(?:year|election|month|week|quarter|season|vote|census|decade)s?\b"
    r"|\b(?:a|one|two|three|four|five|\d+)\s+(?:years?|months?|weeks?|decades?)\s+(?:ago|earlier|before)\b"
    r"|\b(?:in|since|of)\s+(?:19|20)\d{2}\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CheckSettings:
    """Gate and thresholds, chosen on the labeled fixtures (README, "Choosing the thresholds").

    The gate keeps every labeled contradiction of the fixtures; the contradiction threshold is
    high because the shipped model gives related but compatible news sentences contradiction
    probabilities up to about 0.75.
    """

    min_similarity: float = 0.40  # cosine of the claims' embeddings, with a shared content word
    min_similarity_alone: float = 0.45  # cosine that admits a pair without a shared content word
    contradiction: float = 0.70  # probability of contradiction, either direction
    corroboration: float = 0.50  # probability of entailment, either direction


def content_words(text: str) -> set[str]:
    """Lower-cased content words, numbers included; a crude stem folds plurals."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*", text.lower())
    return {word.rstrip("s") if len(word) > 4 else word for word in words if word not in STOPWORDS}


def checked_text(claim: Claim) -> str:
    """The text NLI sees: what the source asserts (a denied claim is checked negated)."""
    return asserted_text(claim.text, claim.cue.text if claim.cue else None)


def related_pairs(claims: Sequence[Claim], embeddings: np.ndarray, settings: CheckSettings) -> list[tuple[int, int, float]]:
    """Index pairs of claims about the same thing, with their cosine similarity."""
    similarities = embeddings @ embeddings.T
    words = [content_words(claim.text) for claim in claims]
    return [(i, j, float(similarities[i, j])) for i, j in combinations(range(len(claims)), 2)
            if is_related(float(similarities[i, j]), bool(words[i] & words[j]), settings)]


def is_related(similarity: float, shares_content_word: bool, settings: CheckSettings) -> bool:
    """The gate: similar enough alone, or similar enough and about a common word."""
    return similarity >= settings.min_similarity_alone or (shares_content_word and similarity >= settings.min_similarity)


def times_mentioned(text: str) -> set[str]:
    return {" ".join(match.lower().split()) for match in TIME_PATTERN.findall(text)}


def is_temporal_update(first: Claim, second: Claim, first_context: str, second_context: str) -> bool:
    """Two claims about different moments where one reports a change ("restored by early Thursday").

    A change word is required; the moments differ when a claim names its own time or the
    sentences around the two claims name different times.
    """
    changes = (content_words(first.text) | content_words(second.text)) & CHANGE_WORDS
    own_time = times_mentioned(first.text) or times_mentioned(second.text)
    return bool(changes) and bool(own_time or times_mentioned(first_context) != times_mentioned(second_context))


def periods_named(text: str) -> set[str]:
    return {" ".join(match.lower().split()) for match in PERIOD_PATTERN.findall(text)}


def time_note(first: Claim, second: Claim, first_context: str, second_context: str) -> str:
    """Why the two claims are about different times ("" when nothing says so): a change over time,
    or different reference periods named ("turnout was 41 percent" / "turnout in the last
    general election was 48 percent")."""
    if is_temporal_update(first, second, first_context, second_context):
        return TEMPORAL_NOTE
    if periods_named(first.text) != periods_named(second.text):
        return PERIOD_NOTE
    return ""


@dataclass(frozen=True)
class RuleNotes:
    """What the rules beside the model say of a pair; "" where a rule does not apply."""

    different_times: str = ""  # `time_note`: the pair cannot contradict
    not_knowing: str = ""  # `knowledge_note`: the pair neither contradicts nor corroborates
    conflict: str = ""  # `place_note`: a contradiction where the model leans to one


def knowledge_note(first: Doc, second: Doc) -> str:
    """NO_KNOWLEDGE_NOTE where one claim only says its subject does not know ("had not been
    informed of any plan") and the other is not about knowing; "" otherwise."""
    for one, other in ((first, second), (second, first)):
        if reports_no_knowledge(one) and not is_about_knowledge(other):
            return NO_KNOWLEDGE_NOTE
    return ""


def place_note(first: Doc, second: Doc) -> str:
    """Names a place one claim disrupts and the other says works normally; "" where none does, or
    where the claims name different times ("stormed on Wednesday", "open again on Friday")."""
    first_times, second_times = times_mentioned(first.text), times_mentioned(second.text)
    if first_times and second_times and first_times != second_times:
        return ""
    place = conflicting_place(first, second)
    return f"the {place} disrupted in one claim, working normally in the other" if place else ""


def parse_notes(first: Doc, second: Doc, different_times: str = "") -> RuleNotes:
    """The rule notes of a pair from its claims' parses (and `time_note`'s verdict)."""
    return RuleNotes(different_times, knowledge_note(first, second), place_note(first, second))


def leans_to_contradiction(forward: NLIScores, backward: NLIScores, settings: CheckSettings) -> bool:
    """Contradiction above entailment, and entailment below the corroboration threshold, either way."""
    entailment = max(forward.entailment, backward.entailment)
    return max(forward.contradiction, backward.contradiction) > entailment and entailment < settings.corroboration


def reaches_contradiction(forward: NLIScores, backward: NLIScores, settings: CheckSettings,
                          conflict: str = "") -> bool:
    """The model leans to contradiction and either clears the threshold or a parse conflict backs it;
    vetoes (`RuleNotes.different_times`, `RuleNotes.not_knowing`) are the caller's."""
    contradiction = max(forward.contradiction, backward.contradiction)
    return leans_to_contradiction(forward, backward, settings) and (
        contradiction >= settings.contradiction or bool(conflict))


def may_be_decided(forward: NLIScores, backward: NLIScores, settings: CheckSettings) -> bool:
    """Whether the pair could be reported as a contradiction or a corroboration: the parse rules
    matter only for such pairs."""
    entailment = max(forward.entailment, backward.entailment)
    return leans_to_contradiction(forward, backward, settings) or entailment >= settings.corroboration


def classify(first: Claim, second: Claim, forward: NLIScores, backward: NLIScores, settings: CheckSettings,
             notes: RuleNotes = RuleNotes()) -> tuple[str, float, str]:
    """Label, its probability and a note for one scored pair.

    A contradiction needs the threshold, or a conflict the parse found (`notes.conflict`) where
    the model leans to contradiction; `notes.different_times` and `notes.not_knowing` veto it,
    and `notes.not_knowing` vetoes a corroboration too.
    """
    contradiction = max(forward.contradiction, backward.contradiction)
    entailment = max(forward.entailment, backward.entailment)
    same_source = first.source.name == second.source.name
    if reaches_contradiction(forward, backward, settings, notes.conflict):
        veto = notes.different_times or notes.not_knowing
        if veto:
            return "compatible", contradiction, veto
        reasons = (notes.conflict, "same source contradicts itself" if same_source else "")
        return "contradiction", contradiction, "; ".join(reason for reason in reasons if reason)
    if entailment >= settings.corroboration and not same_source:
        if notes.not_knowing:
            return "compatible", entailment, notes.not_knowing
        return "corroboration", entailment, ""
    neutral = min(forward.neutral, backward.neutral)
    return "compatible", max(neutral, 1 - max(contradiction, entailment)), ""


def check_claims(claims: Sequence[Claim], contexts: Sequence[str], embeddings: np.ndarray,
                 score: Callable[[list[tuple[str, str]]], list[NLIScores]],
                 settings: CheckSettings = CheckSettings()) -> list[ClaimRelation]:
    """Relations between related claims. `contexts` are the sentences the claims come from."""
    pairs = related_pairs(claims, embeddings, settings)
    asserted = [checked_text(claim) for claim in claims]
    texts = [(asserted[i], asserted[j]) for i, j, _ in pairs]
    scores = score(texts + [(h, p) for p, h in texts])
    forward, backward = scores[: len(pairs)], scores[len(pairs):]
    # The parse rules only matter where the model could decide the pair: parse just those claims.
    decidable = [may_be_decided(ahead, back, settings) for ahead, back in zip(forward, backward)]
    parsed = sorted({index for (i, j, _), decide in zip(pairs, decidable) if decide for index in (i, j)})
    docs = dict(zip(parsed, pipeline().pipe(asserted[index] for index in parsed)))
    relations = []
    for (i, j, similarity), ahead, back, decide in zip(pairs, forward, backward, decidable):
        first, second = claims[i], claims[j]
        different_times = time_note(first, second, contexts[i], contexts[j])
        notes = parse_notes(docs[i], docs[j], different_times) if decide else RuleNotes(different_times)
        label, probability, note = classify(first, second, ahead, back, settings, notes)
        relations.append(ClaimRelation(
            first=first.id, second=second.id, label=label, probability=round(probability, 4),
            forward=ahead, backward=back, similarity=round(similarity, 4),
            same_source=first.source.name == second.source.name,
            temporal_update=note in (TEMPORAL_NOTE, PERIOD_NOTE), note=note,
        ))
    return relations
