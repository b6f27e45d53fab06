"""The claims of one article against each other: gate related pairs, score them with NLI both ways,
decide each with the rule notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from verify.check.decision import decide, needs_parse
from verify.check.gate import related_pairs
from verify.check.negation import asserted_text
from verify.check.notes import RuleNotes, parse_notes, time_note
from verify.check.settings import CheckSettings
from verify.datamodel import Claim, ClaimRelation, NLIScores
from verify.nlp import pipeline

Scorer = Callable[[list[tuple[str, str]]], list[NLIScores]]


def checked_text(claim: Claim) -> str:
    """The text NLI sees: what the source asserts (a denied claim is checked negated)."""
    return asserted_text(claim.text, claim.cue.text if claim.cue else None)


def check_claims(
    claims: Sequence[Claim],
    contexts: Sequence[str],
    embeddings: np.ndarray,
    score: Scorer,
    settings: CheckSettings = CheckSettings(),
) -> list[ClaimRelation]:
    """Relations between related claims. `contexts` are the statement units the claims come from."""
    pairs = related_pairs(claims, embeddings, settings)
    asserted = [checked_text(claim) for claim in claims]
    texts = [(asserted[i], asserted[j]) for i, j, _ in pairs]
    scores = score(texts + [(h, p) for p, h in texts])
    forward, backward = scores[: len(pairs)], scores[len(pairs) :]
    # The parse rules only matter where the model could decide the pair: parse just those claims.
    decidable = [
        needs_parse((ahead, back), (asserted[i], asserted[j]), settings)
        for (i, j, _), ahead, back in zip(pairs, forward, backward)
    ]
    if not settings.parse_rules:
        decidable = [False] * len(pairs)
    parsed = sorted({index for (i, j, _), decide_it in zip(pairs, decidable) if decide_it for index in (i, j)})
    docs = dict(zip(parsed, pipeline().pipe(asserted[index] for index in parsed)))
    relations = []
    for (i, j, similarity), ahead, back, decide_it in zip(pairs, forward, backward, decidable):
        first, second = claims[i], claims[j]
        different_times = time_note(first, second, contexts[i], contexts[j])
        notes = parse_notes(docs[i], docs[j], different_times) if decide_it else RuleNotes(different_times)
        same_source = first.source.name == second.source.name
        decision = decide((ahead, back), notes, same_source, settings)
        relations.append(
            ClaimRelation(
                first=first.id,
                second=second.id,
                label=decision.label,
                probability=round(decision.probability, 4),
                forward=ahead,
                backward=back,
                similarity=round(similarity, 4),
                same_source=same_source,
                notes=decision.notes,
            )
        )
    return relations
