"""segment → attribute → check → report, with the models loaded once and reused across calls.

Attribution is `verify.attribution.hybrid`: the trained tagger's spans with the rules' sources, hedges
and narration."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from verify.attribution.hybrid import HybridAttributor
from verify.check.pairs import check_claims
from verify.check.settings import CheckSettings
from verify.check.verdict import check_evidence
from verify.datamodel import Claim, ClaimVerdict, Report, ReportStats
from verify.embed import load_embedder
from verify.errors import VerifyError
from verify.nli import load_backend
from verify.nlp import pipeline as spacy_pipeline

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


class Verifier:
    """Holds the NLI model, the sentence embedder and the attribution tagger; build one and call it many times."""

    def __init__(
        self,
        model: str | Path | None = None,
        settings: CheckSettings = CheckSettings(),
        attributor: HybridAttributor | None = None,
    ) -> None:
        self.backend = load_backend(model)
        self.embedder = load_embedder()
        self.nlp = spacy_pipeline()  # loaded here so the first report does not pay for it
        self.attributor = attributor if attributor is not None else HybridAttributor.load()
        self.settings = settings

    @property
    def model_name(self) -> str:
        return self.backend.name

    def claims(self, text: str) -> list[Claim]:
        claims = self.attributor.extract_claims(text)
        if not claims:
            raise VerifyError("the text has no sentences to check")
        return claims

    def report(self, text: str, article: str = "-", progress: Progress = _quiet) -> Report:
        """Claims with their sources, and the contradictions and corroborations between them."""
        started = time.perf_counter()
        progress("segmenting and attributing claims")
        claims = self.claims(text)
        checked = checked_claims(claims)
        contexts = [claim.unit.of(text) if claim.unit else claim.text for claim in checked]
        progress(f"embedding {len(checked)} claims")
        embeddings = self.embedder.encode([claim.text for claim in checked])
        progress("checking related claims with NLI")
        relations = check_claims(checked, contexts, embeddings, self.backend.score, self.settings)
        stats = ReportStats(
            claims=len(claims),
            pairs_total=len(claims) * (len(claims) - 1) // 2,
            pairs_scored=len(relations),
            seconds=round(time.perf_counter() - started, 3),
        )
        return Report(
            article=article,
            text=text,
            claims=tuple(claims),
            relations=tuple(relations),
            model=self.model_name,
            stats=stats,
        )

    def check(self, claim: str, evidence: str, progress: Progress = _quiet) -> ClaimVerdict:
        """Verdict for one claim against an evidence text (an article or a few sentences):
        `verify.check.verdict.check_evidence` over the evidence's claims."""
        if not claim.strip():
            raise VerifyError("the claim to check is empty")
        progress("segmenting and attributing the evidence")
        evidence_claims = checked_claims(self.claims(evidence))
        progress("checking the claim against related evidence")
        embeddings = self.embedder.encode([claim.strip()] + [c.text for c in evidence_claims])
        return check_evidence(
            claim.strip(), evidence_claims, embeddings[1:] @ embeddings[0], self.backend.score, self.settings
        )


def checked_claims(claims: list[Claim]) -> list[Claim]:
    """The claims that are checked against each other (and serve as evidence): all but those whose text lies
    inside another claim's, like an attribution inside the reporter's sentence ("Tokayev has promised to take
    tough steps …" holds Tokayev's "to take tough steps …"). The containing claim is checked; a claim and a piece
    of it would only corroborate each other. Of claims with the same spans, the first is checked."""
    return [
        claim
        for index, claim in enumerate(claims)
        if not any(
            _inside(claim, other) and (claim.spans != other.spans or other_index < index)
            for other_index, other in enumerate(claims)
            if other_index != index
        )
    ]


def _inside(claim: Claim, other: Claim) -> bool:
    return all(any(o.start <= s.start and s.end <= o.end for o in other.spans) for s in claim.spans)


_verifiers: dict[tuple[str, CheckSettings], Verifier] = {}


def get_verifier(model: str | Path | None = None, settings: CheckSettings = CheckSettings()) -> Verifier:
    """A Verifier per model and check settings, built on first use."""
    key = (str(model or ""), settings)
    if key not in _verifiers:
        _verifiers[key] = Verifier(model, settings)
    return _verifiers[key]


def verify_article(text: str, *, model: str | Path | None = None, article: str = "-") -> Report:
    """Library call per article: the report on `text`."""
    return get_verifier(model).report(text, article)


def check_claim(claim: str, evidence: str, *, model: str | Path | None = None) -> ClaimVerdict:
    """Library call per claim: the verdict for `claim` against the `evidence` text."""
    return get_verifier(model).check(claim, evidence)
