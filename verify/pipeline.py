"""segment → attribute → check → report, with the models loaded once and reused across calls.

Attribution is `verify.attribution.hybrid`: the trained tagger's spans with the rules' sources, hedges
and narration."""

from __future__ import annotations

import functools
import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from verify.attribution.chunks import extract_in_chunks
from verify.attribution.hybrid import HybridAttributor
from verify.attribution.invisible import extract_visible
from verify.check.pairs import (
    PairToCheck,
    Scorer,
    article_pairs,
    check_pairs,
    checked_text,
    nli_inputs,
    screened_pairs,
    statement_context,
)
from verify.check.settings import CheckSettings, for_model
from verify.check.verdict import check_evidence
from verify.datamodel import (
    BATCH_SIZE,
    ArticleAnalysis,
    ArticleFailure,
    ArticleRecord,
    Claim,
    ClaimRelation,
    ClaimVerdict,
    ModelInfo,
    NLIScores,
    Report,
    ReportStats,
)
from verify.errors import VerifyError
from verify.io.reading import require_article, require_claim
from verify.runtime.embed import load_embedder
from verify.runtime.nli import NLIBackend, load_backend
from verify.runtime.nlp import pipeline as spacy_pipeline

Progress = Callable[[str], None]
logger = logging.getLogger("verify")
Item = TypeVar("Item")


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

    @functools.cached_property
    def screen_backend(self) -> NLIBackend | None:
        """The screen model (`CheckSettings.screen_model`), loaded when a report first needs it: checking one claim
        (`check`) does not screen."""
        return load_backend(self.settings.screen_model) if self.settings.screen_model else None

    def scorer(self, progress: Progress = _quiet) -> Scorer:
        """The NLI backend's scorer, telling `progress` the pairs done and the time left."""
        return _with_progress(self.backend.score, progress, "scoring claim pairs with NLI")

    def screener(self, progress: Progress = _quiet) -> Scorer | None:
        """The screen model's scorer, telling `progress` as `scorer` does; None without a screen."""
        screen = self.screen_backend
        if screen is None:
            return None
        return _with_progress(screen.score, progress, f"screening claim pairs with {screen.model_info.name}")

    @property
    def model_name(self) -> str:
        """Where the NLI model was loaded from (a folder on this machine, or a hub name)."""
        return self.backend.name

    @property
    def model_info(self) -> ModelInfo:
        """The NLI model's name and content hash, and its screen's, as reports name them."""
        screen = self.screen_backend
        return self.backend.model_info if screen is None else replace(self.backend.model_info, screen=screen.model_info)

    def claims(self, text: str, progress: Progress = _quiet) -> list[Claim]:
        """The text's claims with their sources; `progress` is told the characters done and the time left, chunk
        by chunk, for a text long enough to be attributed in chunks (`verify.attribution.chunks`)."""
        require_article(text)
        attributed = counting(progress, "segmenting and attributing claims", " characters")
        claims = extract_visible(
            lambda visible: extract_in_chunks(self.attributor.extract_claims, visible, on_chunk=attributed), text
        )
        if not claims:
            raise VerifyError("the text has no sentences to check")
        return claims

    def report(self, text: str, article: str = "-", progress: Progress = _quiet) -> Report:
        """Claims with their sources, and the contradictions and corroborations between them.

        `progress` gets each stage's name, with counts and the time left while pairs are scored;
        each stage's time is logged (logger "verify", level INFO)."""
        (outcome,) = self._analyse_batch([ArticleRecord(article, text)], progress)
        if isinstance(outcome, ArticleFailure):
            raise outcome.error
        return outcome.report

    def analyse_many(
        self,
        records: Iterable[ArticleRecord | ArticleFailure],
        batch_size: int = BATCH_SIZE,
        progress: Progress = _quiet,
    ) -> Iterator[ArticleAnalysis | ArticleFailure]:
        """Each record's analysis (its report and its checked claims' embeddings), in input order, `batch_size`
        articles at a time: their claims are embedded in one call and their related pairs scored in one call.

        An article that cannot be analysed (empty, no sentences to check) comes out as an ArticleFailure in
        its place and the others go on; a failure already found by the caller (an article that could not be
        read) passes through in its place. With one article a batch (the default) each report is exactly the
        one `report` gives; with more, the NLI probabilities can move by float rounding (about 0.01 under bf16
        autocast), as the model pads a batch to its longest input (`BATCH_SIZE`)."""
        require_batch_size(batch_size)
        for batch in in_batches(records, batch_size):
            yield from self._analyse_batch(batch, progress)

    def report_many(
        self,
        texts_or_records: Iterable[str | ArticleRecord],
        batch_size: int = BATCH_SIZE,
        progress: Progress = _quiet,
    ) -> Iterator[Report | ArticleFailure]:
        """`report` for many articles, batched as `analyse_many`: a report per article in input order, or an
        ArticleFailure in its place. A text given without a record is named by its position ("0", "1", ...)."""
        records = (
            item if isinstance(item, ArticleRecord) else ArticleRecord(str(position), item)
            for position, item in enumerate(texts_or_records)
        )
        for outcome in self.analyse_many(records, batch_size, progress):
            yield outcome if isinstance(outcome, ArticleFailure) else outcome.report

    def _analyse_batch(
        self, batch: Sequence[ArticleRecord | ArticleFailure], progress: Progress
    ) -> list[ArticleAnalysis | ArticleFailure]:
        """The one code path of `report` and `analyse_many`: segment and attribute each article, embed the
        checked claims of all, gate each article's pairs, screen all of them in one call (where the settings name
        a screen model), score all the pairs kept in one call, decide each article's."""
        started = time.perf_counter()
        stages = _Stages(progress)
        stages.start("segmenting and attributing claims")
        outcomes = [self._segmented(item, progress) if isinstance(item, ArticleRecord) else item for item in batch]
        articles = [outcome for outcome in outcomes if isinstance(outcome, _Segmented)]
        if not articles:  # nothing to embed or score: every article of the batch failed
            stages.start(None)
            return [outcome for outcome in outcomes if isinstance(outcome, ArticleFailure)]
        sizes = [len(article.checked) for article in articles]
        stages.start(f"embedding {sum(sizes)} claims")
        all_embeddings = self.embedder.encode(
            [claim.text for article in articles for claim in article.checked],
            on_batch=counting(progress, "embedding claims"),
        )
        embeddings = np.split(all_embeddings, np.cumsum(sizes)[:-1])
        gated = [
            article_pairs(article.checked, article_embeddings, self.settings)
            for article, article_embeddings in zip(articles, embeddings)
        ]
        # Every article's pairs are screened in one call and scored in one call; `screened_pairs` and
        # `check_pairs`, the one code path for their relations, then take their scores from those.
        screen = self.screener(progress)
        kept = gated
        if screen is not None:
            stages.start(f"screening {sum(map(len, gated))} related pairs")
            screen_scores = _scored_together(screen, articles, gated)
            kept = [
                screened_pairs(pairs, article.checked, screen_scores, self.settings)
                for article, pairs in zip(articles, gated)
            ]
        stages.start("checking related claims with NLI")
        scores = _scored_together(self.scorer(progress), articles, kept)
        stages.start(f"deciding {sum(map(len, kept))} scored pairs")
        decided = counting(progress, "deciding scored pairs")
        relations = [
            check_pairs(
                pairs,
                article.checked,
                [statement_context(claim, article.record.text) for claim in article.checked],
                scores,
                self.settings,
                on_window=decided,
            )
            for article, pairs in zip(articles, kept)
        ]
        stages.start(None)
        # The batch's time shared in proportion to the claims (all of it for an article alone).
        seconds_per_claim = (time.perf_counter() - started) / sum(len(article.claims) for article in articles)
        analyses = iter(
            ArticleAnalysis(
                record=article.record,
                report=article.report(
                    article_relations,
                    len(article_gated) - len(article_relations),
                    self.model_info,
                    seconds_per_claim * len(article.claims),
                ),
                checked=tuple(claim.id for claim in article.checked),
                embeddings=article_embeddings,
            )
            for article, article_relations, article_gated, article_embeddings in zip(
                articles, relations, gated, embeddings
            )
        )
        return [next(analyses) if isinstance(outcome, _Segmented) else outcome for outcome in outcomes]

    def _segmented(self, record: ArticleRecord, progress: Progress) -> _Segmented | ArticleFailure:
        try:
            claims = self.claims(record.text, progress)
        except VerifyError as error:
            return ArticleFailure(record.id, error, record.fields)
        return _Segmented(record, claims, checked_claims(claims))

    def check(self, claim: str, evidence: str, progress: Progress = _quiet) -> ClaimVerdict:
        """Verdict for one claim against an evidence text (an article or a few sentences):
        `verify.check.verdict.check_evidence` over the evidence's claims."""
        require_claim(claim)
        progress("segmenting and attributing the evidence")
        evidence_claims = checked_claims(self.claims(evidence))
        progress("checking the claim against related evidence")
        embeddings = self.embedder.encode([claim.strip()] + [c.text for c in evidence_claims])
        verdict = check_evidence(
            claim.strip(), evidence_claims, embeddings[1:] @ embeddings[0], self.scorer(progress), self.settings
        )
        return replace(verdict, model=self.backend.model_info)  # no screen: a claim's few pairs are all scored


@dataclass(frozen=True)
class _Segmented:
    """An article of a batch between the stages: its claims, and those checked against each other."""

    record: ArticleRecord
    claims: list[Claim]
    checked: list[Claim]

    def report(self, relations: list[ClaimRelation], screened_out: int, model: ModelInfo, seconds: float) -> Report:
        claims = len(self.claims)
        stats = ReportStats(
            claims=claims,
            pairs_total=claims * (claims - 1) // 2,
            pairs_scored=len(relations),
            seconds=round(seconds, 3),
            pairs_screened_out=screened_out,
        )
        return Report(
            article=self.record.id,
            text=self.record.text,
            claims=tuple(self.claims),
            relations=tuple(relations),
            model=model,
            stats=stats,
        )


class _Stages:
    """Tells `progress` each stage as it starts, and logs each stage's time as it ends (logger "verify",
    level INFO)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.current: str | None = None
        self.since = time.perf_counter()

    def start(self, stage: str | None) -> None:
        """End the stage under way and start `stage` (None: the last has ended)."""
        now = time.perf_counter()
        if self.current:
            logger.info("%s: %.2f s", self.current, now - self.since)
        self.current, self.since = stage, now
        if stage:
            self.progress(stage)


def in_batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """`items` in consecutive batches of `size`, the last one shorter: how `analyse_many` groups articles and
    the scorer chunks pairs (the Ray engine cuts its work the same way, to give the same results)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def require_batch_size(batch_size: int) -> None:
    if batch_size < 1:
        raise VerifyError(f"the batch size must be at least 1, not {batch_size}")


SCORING_CHUNK = 256  # pairs scored between two progress messages


def scoring_chunks(pairs: Sequence[tuple[str, str]]) -> list[list[int]]:
    """The chunks (indices into `pairs`) a scorer scores one after another: the shortest pairs first, SCORING_CHUNK
    at a time. The backend sorts by length only within a call, so chunks of like lengths pad less (docs/results.md, "The
    screen"); the Ray scorer cuts the same chunks, to give the same scores."""
    order = sorted(range(len(pairs)), key=lambda index: (_characters(pairs[index]), index))
    return list(in_batches(order, SCORING_CHUNK))


def in_input_order(chunks: Sequence[Sequence[int]], scored: Iterable[NLIScores], count: int) -> list[NLIScores]:
    """The scores of `count` pairs, scored chunk after chunk (`scoring_chunks`), back in the pairs' order."""
    results: list[NLIScores | None] = [None] * count
    for index, scores in zip((index for chunk in chunks for index in chunk), scored, strict=True):
        results[index] = scores
    return [scores for scores in results if scores is not None]


def _characters(pair: tuple[str, str]) -> int:
    return len(pair[0]) + len(pair[1])


def _scored_together(score: Scorer, articles: Sequence[_Segmented], pairs: Sequence[Sequence[PairToCheck]]) -> Scorer:
    """The NLI inputs of every article's `pairs` scored in one `score` call (batches fill across articles), as a
    scorer that looks each input's scores up."""
    inputs = list(  # each once, in a deterministic order (a set's would vary with the process's string hashes)
        dict.fromkeys(
            texts
            for article, their_pairs in zip(articles, pairs)
            for texts in nli_inputs(their_pairs, [checked_text(claim) for claim in article.checked])
        )
    )
    scores = dict(zip(inputs, score(inputs)))
    return lambda texts: [scores[pair] for pair in texts]


def _with_progress(score: Callable[[list[tuple[str, str]]], list[NLIScores]], progress: Progress, doing: str):
    """`score` chunk by chunk (`scoring_chunks`), telling `progress` what it is `doing`, the pairs done of the total
    and the time left (by characters, since the chunks grow longer)."""

    def scored(pairs: list[tuple[str, str]]) -> list[NLIScores]:
        chunks = scoring_chunks(pairs)
        total = sum(map(_characters, pairs))
        results: list[NLIScores] = []
        characters = 0
        started = time.perf_counter()
        for chunk in chunks:
            results += score([pairs[index] for index in chunk])
            characters += sum(_characters(pairs[index]) for index in chunk)
            progress(f"{doing}: {len(results)}/{len(pairs)}, {time_left(started, characters, total)}")
        return in_input_order(chunks, results, len(pairs))

    return scored


def counting(progress: Progress, doing: str, unit: str = "") -> Callable[[int, int], None]:
    """A callback for work that reports its count as it goes: it tells `progress` what it is `doing`, the count done
    of the total (in `unit`) and the time left, timed from when the callback was made."""
    started = time.perf_counter()

    def tell(done: int, total: int) -> None:
        progress(f"{doing}: {done:,}/{total:,}{unit}, {time_left(started, done, total)}")

    return tell


def time_left(started: float, done: float, total: float) -> str:
    """ "about N s left" for work begun at `started` (time.perf_counter) with `done` of `total` done, in any unit
    that grows with the time taken."""
    elapsed = time.perf_counter() - started
    return f"about {elapsed / done * (total - done) if done else 0.0:.0f} s left"


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
