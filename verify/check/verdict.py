"""One claim against evidence claims: the evidence → claim NLI scores, decided by the same rule as
a report's pairs (`decision.decide`), then the verdict of the strongest evidence."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from verify.check.decision import decide, needs_parse
from verify.check.gate import related_to
from verify.check.notes import RuleNotes, parse_notes
from verify.check.pairs import Scorer, checked_text
from verify.check.quantities import source_estimate
from verify.check.settings import CheckSettings
from verify.datamodel import Claim, ClaimVerdict, Evidence, NLIScores
from verify.runtime.nlp import pipeline

EVIDENCE_COUNT = 3  # evidence claims reported for a single claim


def check_evidence(
    claim: str,
    evidence_claims: Sequence[Claim],
    similarities: np.ndarray,
    score: Scorer,
    settings: CheckSettings = CheckSettings(),
) -> ClaimVerdict:
    """Verdict for `claim` against evidence claims (`similarities[k]`: embedding cosine to claim k).

    The claim is the hypothesis, each related evidence claim a premise. Refuted when some evidence
    contradicts it more strongly than any supports it; supported when some evidence corroborates
    it; otherwise not enough information.
    """
    settings = settings.for_claim_checks()
    candidates = related_to(claim, evidence_claims, similarities, settings)
    if not candidates:  # nothing passes the gate: score the closest few anyway, they decide "neutral"
        candidates = sorted(range(len(evidence_claims)), key=lambda k: -float(similarities[k]))[:EVIDENCE_COUNT]
    claims = [evidence_claims[k] for k in candidates]
    premises = [checked_text(evidence) for evidence in claims]
    scores = score([(premise, claim) for premise in premises])
    decidable = [
        k
        for k, scored in enumerate(scores)
        if settings.parse_rules and needs_parse((scored,), (premises[k], claim), settings)
    ]
    docs = dict(zip(decidable, pipeline().pipe(premises[k] for k in decidable)))
    claim_doc = pipeline()(claim) if docs else None
    evidence = []
    for k, (premise_claim, scored) in enumerate(zip(claims, scores)):
        notes = (
            parse_notes(docs[k], claim_doc, estimates=(source_estimate(premise_claim.source.name), ""))
            if k in docs and claim_doc is not None
            else RuleNotes()
        )
        decision = decide((scored,), notes, same_source=False, settings=settings)
        evidence.append(
            Evidence(
                premise_claim,
                scored,
                refutes=decision.label == "contradiction",
                supports=decision.label == "corroboration",
                notes=tuple(
                    note for note in (notes.not_knowing, notes.conflict, notes.numbers, notes.elsewhere) if note
                ),
            )
        )
    ranked = sorted(evidence, key=lambda e: -max(e.scores.entailment, e.scores.contradiction))
    return ClaimVerdict(claim=claim, **_verdict(ranked), evidence=tuple(ranked[:EVIDENCE_COUNT]))


def _verdict(evidence: list[Evidence]) -> dict:
    supporting = [e for e in evidence if e.supports]
    refuting = [e for e in evidence if e.refutes]
    contradiction = max(refuting or evidence, key=lambda e: e.scores.contradiction).scores
    entailment = max(supporting or evidence, key=lambda e: e.scores.entailment).scores
    if refuting and (not supporting or contradiction.contradiction > entailment.entailment):
        return {"label": "contradiction", "scores": contradiction}
    if supporting:
        return {"label": "entailment", "scores": entailment}
    return {
        "label": "neutral",
        "scores": NLIScores(
            entailment=entailment.entailment,
            contradiction=contradiction.contradiction,
            neutral=1 - max(entailment.entailment, contradiction.contradiction),
        ),
    }
