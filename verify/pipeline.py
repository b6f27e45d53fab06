"""segment → attribute → check → report, with the models loaded once and reused across calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from verify.attribute import extract_claims
from verify.check import (
    CheckSettings,
    RuleNotes,
    check_claims,
    checked_text,
    content_words,
    is_related,
    may_be_decided,
    parse_notes,
    reaches_contradiction,
)
from verify.datamodel import (
    Claim,
    ClaimVerdict,
    Evidence,
    NLIScores,
    Report,
    ReportStats,
    Source,
)
from verify.embed import load_embedder
from verify.errors import VerifyError
from verify.nli import load_backend
from verify.nlp import pipeline as spacy_pipeline
from verify.segment import split_sentences

Progress = Callable[[str], None]
EVIDENCE_COUNT = 3  # evidence sentences reported for a single claim


def _quiet(_: str) -> None:
    pass


class Verifier:
    """Holds the NLI model and the sentence embedder; build one and call it many times."""

    def __init__(self, model: str | Path | None = None, settings: CheckSettings = CheckSettings()) -> None:
        self.backend = load_backend(model)
        self.embedder = load_embedder()
        self.settings = settings

    @property
    def model_name(self) -> str:
        return self.backend.name

    def claims(self, text: str) -> list[Claim]:
        claims = extract_claims(text)
        if not claims:
            raise VerifyError("the text has no sentences to check")
        return claims

    def report(self, text: str, article: str = "-", progress: Progress = _quiet) -> Report:
        """Claims with their sources, and the contradictions and corroborations between them."""
        started = time.perf_counter()
        progress("segmenting and attributing claims")
        claims = self.claims(text)
        sentences = split_sentences(text)
        contexts = [_context(claim, sentences, text) for claim in claims]
        progress(f"embedding {len(claims)} claims")
        embeddings = self.embedder.encode([claim.text for claim in claims])
        progress("checking related claims with NLI")
        relations = check_claims(claims, contexts, embeddings, self.backend.score, self.settings)
        stats = ReportStats(claims=len(claims), pairs_total=len(claims) * (len(claims) - 1) // 2,
                            pairs_scored=len(relations), seconds=round(time.perf_counter() - started, 3))
        return Report(article=article, text=text, claims=tuple(claims), relations=tuple(relations),
                      model=self.model_name, stats=stats)

    def check(self, claim: str, evidence: str, progress: Progress = _quiet) -> ClaimVerdict:
        """Verdict for one claim against an evidence text (an article or a few sentences).

        The claim is the hypothesis; each related evidence claim is a premise. The verdict is
        the strongest evidence: contradiction or entailment when its probability clears the
        thresholds, otherwise neutral (not enough information).
        """
        if not claim.strip():
            raise VerifyError("the claim to check is empty")
        progress("segmenting and attributing the evidence")
        evidence_claims = self.claims(evidence)
        hypothesis = Claim(id="claim", text=claim.strip(), spans=(), source=Source.author())
        progress("checking the claim against related evidence")
        embeddings = self.embedder.encode([hypothesis.text] + [c.text for c in evidence_claims])
        similarities = embeddings[1:] @ embeddings[0]
        words = content_words(hypothesis.text)
        candidates = [k for k, claim in enumerate(evidence_claims)
                      if is_related(float(similarities[k]), bool(words & content_words(claim.text)), self.settings)]
        if not candidates:  # nothing passes the gate: score the closest few anyway, they decide "neutral"
            candidates = sorted(range(len(evidence_claims)), key=lambda k: -float(similarities[k]))[:EVIDENCE_COUNT]
        premises = [checked_text(evidence_claims[k]) for k in candidates]
        scores = self.backend.score([(premise, hypothesis.text) for premise in premises])
        evidence = self._evidence([evidence_claims[k] for k in candidates], premises, hypothesis.text, scores)
        evidence_list = sorted(evidence, key=lambda e: -max(e.scores.entailment, e.scores.contradiction))
        return ClaimVerdict(claim=hypothesis.text, **self._verdict(evidence_list),
                            evidence=tuple(evidence_list[:EVIDENCE_COUNT]))

    def _evidence(self, claims: list[Claim], premises: list[str], hypothesis: str,
                  scores: list[NLIScores]) -> list[Evidence]:
        """Each premise's scores with the parse rules applied as in a report (`check.classify`)."""
        decidable = [k for k, s in enumerate(scores) if may_be_decided(s, s, self.settings)]
        docs = dict(zip(decidable, spacy_pipeline().pipe(premises[k] for k in decidable)))
        hypothesis_doc = spacy_pipeline()(hypothesis) if docs else None
        evidence = []
        for k, (claim, s) in enumerate(zip(claims, scores)):
            notes = parse_notes(docs[k], hypothesis_doc) if k in docs else RuleNotes()
            refutes = reaches_contradiction(s, s, self.settings, notes.conflict) and not notes.not_knowing
            supports = s.entailment >= self.settings.corroboration and not notes.not_knowing
            evidence.append(Evidence(claim, s, refutes=refutes, supports=supports,
                                     note=notes.not_knowing or notes.conflict))
        return evidence

    def _verdict(self, evidence: list[Evidence]) -> dict:
        """Refuted when some evidence refutes the claim more strongly than any supports it;
        supported when some evidence supports it; otherwise not enough information."""
        supporting = [e for e in evidence if e.supports]
        refuting = [e for e in evidence if e.refutes]
        contradiction = max(refuting or evidence, key=lambda e: e.scores.contradiction).scores
        entailment = max(supporting or evidence, key=lambda e: e.scores.entailment).scores
        if refuting and (not supporting or contradiction.contradiction > entailment.entailment):
            return {"label": "contradiction", "scores": contradiction}
        if supporting:
            return {"label": "entailment", "scores": entailment}
        return {"label": "neutral", "scores": NLIScores(
            entailment=entailment.entailment, contradiction=contradiction.contradiction,
            neutral=1 - max(entailment.entailment, contradiction.contradiction))}


def _context(claim: Claim, sentences: list, text: str) -> str:
    """The sentence (statement unit) a claim comes from; its own text if none contains it."""
    for sentence in sentences:
        if sentence.start <= claim.start < sentence.end:
            return sentence.of(text)
    return claim.text


_verifiers: dict[str, Verifier] = {}


def get_verifier(model: str | Path | None = None) -> Verifier:
    """A Verifier per model, built on first use."""
    key = str(model or "")
    if key not in _verifiers:
        _verifiers[key] = Verifier(model)
    return _verifiers[key]


def verify_article(text: str, *, model: str | Path | None = None, article: str = "-") -> Report:
    """Library call per article: the report on `text`."""
    return get_verifier(model).report(text, article)


def check_claim(claim: str, evidence: str, *, model: str | Path | None = None) -> ClaimVerdict:
    """Library call per claim: the verdict for `claim` against the `evidence` text."""
    return get_verifier(model).check(claim, evidence)
