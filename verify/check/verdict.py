"""One claim against an article: the verdict, from three views of the evidence.

- Evidence windows (`verify.check.windows`): the claim, and each of its facts (`verify.check.subclaims`), against
  the few windows of whole sentences the embedding gate finds nearest, so a claim that joins facts from several
  sentences can be entailed as a whole.
- Evidence claims: the claim against the article's related claims one at a time, decided by the same rule as a
  report's pairs (`decision.decide`, with the parse rules' notes: figures, places, "not informed").
- The facts: how well its least supported fact is entailed, and how strongly its most contradicted one is
  contradicted; the verdict names the fact it turns on.

The verdict comes from the model's fitted claim-check head (calibrated probabilities of supported and refuted over
`ClaimCheckSignals`) where it ships one, else from the claim thresholds on the NLI scores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

from verify.check.decision import decide, needs_parse
from verify.check.fitted import ClaimCheckHead
from verify.check.gate import related_to
from verify.check.lexicon import UNTRUE_WORDS
from verify.check.negation import is_denial
from verify.check.notes import RuleNotes, parse_notes
from verify.check.pairs import Scorer, checked_text, score_once
from verify.check.quantities import source_estimate
from verify.check.settings import CheckSettings
from verify.check.signals import logit
from verify.check.subclaims import sub_claims
from verify.check.windows import EvidenceWindow
from verify.datamodel import (
    Claim,
    ClaimCheckSignals,
    ClaimVerdict,
    Evidence,
    NLILabel,
    NLIScores,
    NoteKind,
    SubClaimCheck,
    WindowEvidence,
)
from verify.errors import VerifyError
from verify.runtime.nlp import pipeline, text_of

EVIDENCE_COUNT = 3  # evidence claims reported for a single claim
# The notes that veto a contradiction, and those that veto a corroboration too (`decision.decide`).
CONTRADICTION_VETOES = frozenset({NoteKind.not_informed, NoteKind.different_places})
CORROBORATION_VETOES = frozenset({NoteKind.not_informed})
EVIDENCE_CANDIDATES = 6  # evidence claims scored at most: the cost of a check stays bounded on long articles
# Windows scored for the claim and for each of its facts: the nearest by embedding. A fact is rarely stated in
# more than a couple of places, and the cost of a check stays bounded on long transcripts.
WINDOWS_PER_FACT = 2
Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class ArticleEvidence:
    """An article ready to check claims against: its checked claims and windows, with their embeddings."""

    text: str
    claims: tuple[Claim, ...]
    claim_embeddings: np.ndarray
    windows: tuple[EvidenceWindow, ...]
    window_embeddings: np.ndarray


def verdict_against(
    claim: str,
    article: ArticleEvidence,
    embed: Embed,
    score: Scorer,
    score_windows: Scorer,
    settings: CheckSettings = CheckSettings(),
) -> ClaimVerdict:
    """The verdict for `claim` against `article`; `score` scores claim pairs, `score_windows` window pairs (whole
    windows, `NLIBackend.score_whole`)."""
    if not article.windows:
        raise VerifyError("the evidence has no sentences to check")
    settings = settings.for_claim_checks()
    claim_doc = pipeline()(claim)  # parsed once: for its facts and for the parse rules against evidence claims
    facts = sub_claims(claim_doc)
    texts = [claim] + ([fact.text for fact in facts] if len(facts) > 1 else [])
    vectors = embed(texts)
    evidence = claim_evidence(claim_doc, article.claims, article.claim_embeddings @ vectors[0], score, settings)
    by_text = _window_evidence(texts, vectors, article, score_windows)
    vetoed = _vetoed_spans(evidence, CONTRADICTION_VETOES)
    vetoed_support = _vetoed_spans(evidence, CORROBORATION_VETOES)
    whole = by_text[0]
    fact_windows = by_text[1:] or [whole]
    checks = tuple(
        SubClaimCheck(
            fact.start,
            fact.end,
            fact.text,
            _free_best(found, vetoed_support, "entailment"),
            _free_best(found, vetoed, "contradiction"),
        )
        for fact, found in zip(facts, fact_windows)
    )
    support, conflict = _free_best(whole, vetoed_support, "entailment"), _free_best(whole, vetoed, "contradiction")
    signals = claim_signals(claim, support, conflict, checks, evidence, article.claims)
    label, supported, refuted = decide_claim(signals, settings)
    entailment = max(_entailment(support), min(_entailment(check.support) for check in checks))
    contradiction = max(_contradiction(conflict), *(_contradiction(check.conflict) for check in checks))
    failed = None
    if label == "contradiction":
        failed = max(checks, key=lambda check: _contradiction(check.conflict))
    elif label == "neutral":
        failed = min(checks, key=lambda check: _entailment(check.support))
    return ClaimVerdict(
        claim=claim,
        label=label,
        scores=NLIScores(entailment, max(0.0, 1.0 - entailment - contradiction), contradiction),
        evidence=tuple(evidence[:EVIDENCE_COUNT]),
        supported=supported,
        refuted=refuted,
        windows=tuple(dict.fromkeys(window for window in (support, conflict) if window is not None)),
        sub_claims=checks if len(checks) > 1 else (),
        failed=failed if len(checks) > 1 else None,
        signals=signals,
    )


def _window_evidence(
    texts: Sequence[str], vectors: np.ndarray, article: ArticleEvidence, score_windows: Scorer
) -> list[list[WindowEvidence]]:
    """Each text against its WINDOWS_PER_FACT nearest windows, every distinct pair scored once in one call."""
    similarities = vectors @ article.window_embeddings.T
    chosen = [np.argsort(-row, kind="stable")[:WINDOWS_PER_FACT].tolist() for row in similarities]
    pairs = [(article.windows[k].text, text) for text, ks in zip(texts, chosen) for k in ks]
    scores = iter(score_once(score_windows, pairs))
    return [
        [
            WindowEvidence(article.windows[k].start, article.windows[k].end, article.windows[k].text, next(scores))
            for k in ks
        ]
        for ks in chosen
    ]


def _best(found: Sequence[WindowEvidence], label: str) -> WindowEvidence:
    return max(found, key=lambda window: getattr(window.scores, label))


def _vetoed_spans(evidence: Sequence[Evidence], kinds: frozenset[NoteKind]) -> list[tuple[int, int]]:
    """Where the evidence claims lie that the parse rules read as neither contradicting (or confirming) the claim,
    by notes of `kinds`: a source that only says it was not informed, a claim about other places or groups. A
    window that holds one is read as a report's pair is: its NLI score is that claim's, which the rules veto."""
    return [
        (e.claim.start, e.claim.end) for e in evidence if e.claim.spans and any(note.kind in kinds for note in e.notes)
    ]


def _free_best(found: Sequence[WindowEvidence], vetoed: Sequence[tuple[int, int]], label: str) -> WindowEvidence | None:
    """The window with the highest `label` score among those holding no vetoed evidence claim; None if none."""
    free = [w for w in found if not any(w.start <= start and end <= w.end for start, end in vetoed)]
    return _best(free, label) if free else None


def _entailment(window: WindowEvidence | None) -> float:
    return window.scores.entailment if window is not None else 0.0


def _contradiction(window: WindowEvidence | None) -> float:
    return window.scores.contradiction if window is not None else 0.0


def claim_signals(
    claim: str,
    support: WindowEvidence | None,
    conflict: WindowEvidence | None,
    checks: Sequence[SubClaimCheck],
    evidence: Sequence[Evidence],
    article_claims: Sequence[Claim],
) -> ClaimCheckSignals:
    """What the head reads: the whole claim's best windows, its facts' and its best evidence claims', and how the
    article reports (`article_claims`: its checked claims)."""
    fact_entailments = [_entailment(check.support) for check in checks]
    claims = max(1, len(article_claims))
    return ClaimCheckSignals(
        window_entailment=logit(_entailment(support)),
        window_contradiction=logit(_contradiction(conflict)),
        weakest_fact_entailment=logit(min(fact_entailments)),
        mean_fact_entailment=logit(sum(fact_entailments) / len(fact_entailments)),
        strongest_fact_contradiction=logit(max(_contradiction(check.conflict) for check in checks)),
        evidence_entailment=logit(max((e.scores.entailment for e in evidence), default=0.0)),
        evidence_contradiction=logit(max((e.scores.contradiction for e in evidence), default=0.0)),
        rules_refute=float(any(e.refutes for e in evidence)),
        rules_support=float(any(e.supports for e in evidence)),
        facts=float(len(checks)),
        claim_words=math.log(max(1, len(claim.split()))),
        attributed_claims=sum(c.source.kind != "author" for c in article_claims) / claims,
        hedged_claims=sum(bool(c.cue and c.cue.hedged) for c in article_claims) / claims,
        disputed_claims=sum(is_disputed(c) for c in article_claims) / claims,
    )


def is_disputed(claim: Claim) -> bool:
    """Denied by its source ("denied that ..."), or called untrue ("the report is false", "a hoax")."""
    return is_denial(claim.cue.text if claim.cue else None) or bool(
        set(re.findall(r"[a-z]+", claim.text.lower())) & UNTRUE_WORDS
    )


def decide_claim(signals: ClaimCheckSignals, settings: CheckSettings) -> tuple[NLILabel, float | None, float | None]:
    """The verdict and, where the model ships a fitted head, its calibrated probabilities of supported and
    refuted. Without a head: refuted when the rules call an evidence claim a contradiction, or when a window
    contradicts the claim or a fact at the claim contradiction threshold more strongly than the claim is entailed;
    else supported when the claim's best window, or its weakest fact's, entails it at the claim corroboration
    threshold, or the rules call an evidence claim a corroboration."""
    head = settings.claim_head
    if head is not None:
        supported, refuted = head.supported.probability(signals), head.refuted.probability(signals)
        return head_label(supported, refuted, head), supported, refuted
    entailment = max(signals.window_entailment, signals.weakest_fact_entailment)
    contradiction = max(signals.window_contradiction, signals.strongest_fact_contradiction)
    if signals.rules_refute or (contradiction >= logit(settings.contradiction) and contradiction > entailment):
        return "contradiction", None, None
    if entailment >= logit(settings.corroboration) or signals.rules_support:
        return "entailment", None, None
    return "neutral", None, None


def head_label(supported: float, refuted: float, head: ClaimCheckHead) -> NLILabel:
    """The verdict of the head's probabilities: supported at its threshold (and above refuted), else refuted at
    its threshold, else not enough information."""
    if supported >= head.supported_threshold and supported >= refuted:
        return "entailment"
    if refuted >= head.refuted_threshold:
        return "contradiction"
    return "neutral"


def claim_evidence(
    claim_doc: Doc,
    evidence_claims: Sequence[Claim],
    similarities: np.ndarray,
    score: Scorer,
    settings: CheckSettings,
) -> list[Evidence]:
    """The claim (its parse) against related evidence claims (`similarities[k]`: embedding cosine to claim k),
    strongest first: each evidence claim is a premise, the claim the hypothesis, decided by the report's rule."""
    claim = text_of(claim_doc)
    nearest = sorted(range(len(evidence_claims)), key=lambda k: -float(similarities[k]))
    related = set(related_to(claim, evidence_claims, similarities, settings))
    # The most similar related claims (the windows read the rest of the article); the closest few when none is.
    candidates = [k for k in nearest if k in related][:EVIDENCE_CANDIDATES] or nearest[:EVIDENCE_COUNT]
    claims = [evidence_claims[k] for k in candidates]
    premises = [checked_text(evidence) for evidence in claims]
    scores = score([(premise, claim) for premise in premises])
    decidable = [
        k
        for k, scored in enumerate(scores)
        if settings.parse_rules and needs_parse((scored,), (premises[k], claim), settings)
    ]
    docs = dict(zip(decidable, pipeline().pipe(premises[k] for k in decidable)))
    evidence = []
    for k, (premise_claim, scored) in enumerate(zip(claims, scores)):
        notes = (
            parse_notes(docs[k], claim_doc, estimates=(source_estimate(premise_claim.source.name), ""))
            if k in docs
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
    return sorted(evidence, key=lambda e: -max(e.scores.entailment, e.scores.contradiction))
