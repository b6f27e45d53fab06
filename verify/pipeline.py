"""segment → attribute → check → report, with the models loaded once and reused across calls.

Attribution is `verify.attribution.hybrid`: the trained tagger's spans with the rules' sources, hedges
and narration."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from verify.attribution.chunks import extract_in_chunks
from verify.attribution.hybrid import HybridAttributor
from verify.attribution.invisible import extract_visible
from verify.check.pairs import check_claims
from verify.check.settings import CheckSettings, for_model
from verify.check.verdict import check_evidence
from verify.datamodel import Claim, ClaimVerdict, ModelInfo, NLIScores, Report, ReportStats
from verify.embed import load_embedder
from verify.errors import VerifyError
from verify.nli import load_backend
from verify.nlp import pipeline as spacy_pipeline
from verify.reading import require_article, require_claim

Progress = Callable[[str], None]
logger = logging.getLogger("verify")


def _quiet(_: str) -> None:
    pass


class Verifier:
    """Holds the NLI model, the sentence embedder and the attribution tagger; build one and call it many times."""

    def __init__(
        self,
        model: str | Path | None = None,
        settings: CheckSettings | None = None,
        attributor: HybridAttributor | None = None,
    ) -> None:
        self.backend = load_backend(model)
        self.embedder = load_embedder()
        self.nlp = spacy_pipeline()  # loaded here so the first report does not pay for it
        self.attributor = attributor if attributor is not None else HybridAttributor.load()
        # None: the settings chosen for this model (its check_settings.json), else the defaults.
        self.settings = settings if settings is not None else for_model(self.backend.name)

    def _scorer(self, progress: Progress):
        return _with_progress(self.backend.score, progress)

    @property
    def model_name(self) -> str:
        """Where the NLI model was loaded from (a folder on this machine, or a hub name)."""
        return self.backend.name

    @property
    def model_info(self) -> ModelInfo:
        """The NLI model's name and content hash, as results name it."""
        return self.backend.model_info

    def claims(self, text: str) -> list[Claim]:
        require_article(text)
        claims = extract_visible(lambda visible: extract_in_chunks(self.attributor.extract_claims, visible), text)
        if not claims:
            raise VerifyError("the text has no sentences to check")
        return claims

    def report(self, text: str, article: str = "-", progress: Progress = _quiet) -> Report:
        """Claims with their sources, and the contradictions and corroborations between them.

        `progress` gets each stage's name, with counts and the time left while pairs are scored;
        each stage's time is logged (logger "verify", level INFO)."""
        started = since = time.perf_counter()
        current = "segmenting and attributing claims"  # the stage under way

        def stage(following: str | None) -> None:
            nonlocal current, since
            now = time.perf_counter()
            logger.info("%s: %.2f s", current, now - since)
            if following:
                current, since = following, now
                progress(following)

        progress(current)
        claims = self.claims(text)
        checked = checked_claims(claims)
        contexts = [claim.unit.of(text) if claim.unit else claim.text for claim in checked]
        stage(f"embedding {len(checked)} claims")
        embeddings = self.embedder.encode([claim.text for claim in checked])
        stage("checking related claims with NLI")
        relations = check_claims(checked, contexts, embeddings, self._scorer(progress), self.settings)
        stage(None)
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
            model=self.model_info,
            stats=stats,
        )

    def check(self, claim: str, evidence: str, progress: Progress = _quiet) -> ClaimVerdict:
        """Verdict for one claim against an evidence text (an article or a few sentences):
        `verify.check.verdict.check_evidence` over the evidence's claims."""
        require_claim(claim)
        progress("segmenting and attributing the evidence")
        evidence_claims = checked_claims(self.claims(evidence))
        progress("checking the claim against related evidence")
        embeddings = self.embedder.encode([claim.strip()] + [c.text for c in evidence_claims])
        verdict = check_evidence(
            claim.strip(), evidence_claims, embeddings[1:] @ embeddings[0], self._scorer(progress), self.settings
        )
        return replace(verdict, model=self.model_info)


SCORING_CHUNK = 256  # pairs scored between two progress messages


def _with_progress(score: Callable[[list[tuple[str, str]]], list[NLIScores]], progress: Progress):
    """`score` in chunks, telling `progress` the pairs done of the total and the time left."""

    def scored(pairs: list[tuple[str, str]]) -> list[NLIScores]:
        results: list[NLIScores] = []
        started = time.perf_counter()
        for start in range(0, len(pairs), SCORING_CHUNK):
            results += score(pairs[start : start + SCORING_CHUNK])
            left = (time.perf_counter() - started) / len(results) * (len(pairs) - len(results))
            progress(f"scoring claim pairs with NLI: {len(results)}/{len(pairs)}, about {left:.0f} s left")
        return results

    return scored


def checked_claims(claims: list[Claim]) -> list[Claim]:
    """The claims that are checked against each other (and serve as evidence): all but those whose text lies
    inside another claim's, like an attribution inside the reporter's sentence ("Tokayev has promised to take
    tough steps …" holds Tokayev's "to take tough steps …"). The containing claim is checked; a claim and a piece
    of it would only corroborate each other. Of claims with the same spans, the first is checked.

    A sweep in text order compares each claim only with the claims still open where it starts, so a long
    article costs about linear time, not a comparison of every claim with every other."""
    contained: set[int] = set()
    open_claims: list[int] = []  # started before the current position and not yet ended
    by_start = sorted(range(len(claims)), key=lambda index: claims[index].start)
    for start, group in itertools.groupby(by_start, key=lambda index: claims[index].start):
        starting = list(group)
        open_claims = [index for index in open_claims if claims[index].end >= start]
        for index in starting:
            claim = claims[index]
            if any(
                _inside(claim, claims[other]) and (claim.spans != claims[other].spans or other < index)
                for other in (*open_claims, *starting)
                if other != index
            ):
                contained.add(index)
        open_claims += starting
    return [claim for index, claim in enumerate(claims) if index not in contained]


def _inside(claim: Claim, other: Claim) -> bool:
    return all(any(o.start <= s.start and s.end <= o.end for o in other.spans) for s in claim.spans)


_verifiers: dict[tuple[str, CheckSettings | None], Verifier] = {}


def get_verifier(model: str | Path | None = None, settings: CheckSettings | None = None) -> Verifier:
    """A Verifier per model and check settings, built on first use."""
    key = (str(model or ""), settings)
    if key not in _verifiers:
        _verifiers[key] = Verifier(model, settings)
    return _verifiers[key]


def verify_article(text: str, *, model: str | Path | None = None, article: str = "-") -> Report:
    """Library call per article: the report on `text` (checked before any model loads)."""
    require_article(text)
    return get_verifier(model).report(text, article)


def check_claim(claim: str, evidence: str, *, model: str | Path | None = None) -> ClaimVerdict:
    """Library call per claim: the verdict for `claim` against the `evidence` text (both checked
    before any model loads)."""
    require_claim(claim)
    require_article(evidence, "the evidence")
    return get_verifier(model).check(claim, evidence)
