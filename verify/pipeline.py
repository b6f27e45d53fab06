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
from verify.check.articles import ArticleToCheck, CheckedArticle, check_articles, checked_claims
from verify.check.pairs import Scorer, statement_context
from verify.check.rebuttal import rebuttal_targets
from verify.check.settings import CheckSettings, for_model
from verify.check.verdict import ArticleEvidence, verdict_against
from verify.check.windows import article_windows
from verify.datamodel import (
    BATCH_SIZE,
    ArticleAnalysis,
    ArticleFailure,
    ArticleRecord,
    Claim,
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
from verify.runtime.progress import Progress, counting, ignore, time_left

logger = logging.getLogger("verify")
EVIDENCE_CACHE = 4  # evidence texts kept ready for `Verifier.check`
CLAIM_ROOM_TOKENS = 64  # room an evidence window leaves for the claim beside it in one NLI input
Item = TypeVar("Item")


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
        # None: the settings chosen for this model (its settings.json), else the defaults.
        self.settings = settings if settings is not None else for_model(self.backend.name)
        self._evidence_ready: dict[str, ArticleEvidence] = {}  # `evidence`'s last few texts

    @functools.cached_property
    def screen_backend(self) -> NLIBackend | None:
        """The screen model (`CheckSettings.screen_model`), loaded when a report first needs it: checking one claim
        (`check`) does not screen."""
        return load_backend(self.settings.screen_model) if self.settings.screen_model else None

    def scorer(self, progress: Progress = ignore) -> Scorer:
        """The NLI backend's scorer, telling `progress` the pairs done and the time left."""
        return _with_progress(self.backend.score, progress, "scoring claim pairs with NLI")

    def screener(self, progress: Progress = ignore) -> Scorer | None:
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

    def claims(self, text: str, progress: Progress = ignore) -> list[Claim]:
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

    def report(self, text: str, article: str = "-", progress: Progress = ignore) -> Report:
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
        progress: Progress = ignore,
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
        progress: Progress = ignore,
    ) -> Iterator[Report | ArticleFailure]:
        """`report` for many articles, batched as `analyse_many`: a report per article in input order, or an
        ArticleFailure in its place. A text given without a record is named by its position ("0", "1", ...)."""
        records = (
            item if isinstance(item, ArticleRecord) else ArticleRecord(str(position), item)
            for position, item in enumerate(texts_or_records)
        )
        for outcome in self.analyse_many(records, batch_size, progress):
            yield outcome if isinstance(outcome, ArticleFailure) else outcome.report

    def segmented(
        self, records: Sequence[ArticleRecord | ArticleFailure], progress: Progress = ignore
    ) -> list[SegmentedArticle | ArticleFailure]:
        """Each article ready to check (`verify.check.articles.check_articles`): its claims with their sources, and
        its checked claims with their statements, embeddings and rebuttals (`verify.check.rebuttal`), the checked
        claims of all embedded in one call. An
        article that cannot be segmented (no sentences to check) is an ArticleFailure in its place; a failure given
        passes through."""
        stages = _Stages(progress)
        stages.start("segmenting and attributing claims")
        outcomes = [self._claims_of(item, progress) if isinstance(item, ArticleRecord) else item for item in records]
        articles = [outcome for outcome in outcomes if not isinstance(outcome, ArticleFailure)]
        if not articles:  # nothing to embed: every article failed
            stages.start(None)
            return [outcome for outcome in outcomes if isinstance(outcome, ArticleFailure)]
        checked = [checked_claims(claims) for _, claims in articles]
        sizes = [len(claims) for claims in checked]
        stages.start(f"embedding {sum(sizes)} claims")
        embedded = self.embedder.encode(
            [claim.text for claims in checked for claim in claims], on_batch=counting(progress, "embedding claims")
        )
        stages.start(None)
        ready = iter(
            SegmentedArticle(
                record,
                claims,
                ArticleToCheck(
                    checked_here,
                    contexts(checked_here, record),
                    embeddings,
                    rebuttal_targets(checked_here, embeddings, self.embedder.encode),
                ),
            )
            for (record, claims), checked_here, embeddings in zip(
                articles, checked, np.split(embedded, np.cumsum(sizes)[:-1])
            )
        )
        return [outcome if isinstance(outcome, ArticleFailure) else next(ready) for outcome in outcomes]

    def checked(self, articles: Sequence[SegmentedArticle], progress: Progress = ignore) -> list[CheckedArticle]:
        """The relations of each article's claims (`check_articles` with this model's settings, screen and
        scorer): every article's pairs screened in one call and scored in one call."""
        stages = _Stages(progress)
        checked = check_articles(
            [article.to_check for article in articles],
            self.scorer(progress),
            self.settings,
            self.screener(progress),
            stage=stages.start,
            progress=progress,
        )
        stages.start(None)
        return checked

    def _analyse_batch(
        self, batch: Sequence[ArticleRecord | ArticleFailure], progress: Progress
    ) -> list[ArticleAnalysis | ArticleFailure]:
        """The one code path of `report` and `analyse_many`: `segmented`, then `checked`."""
        started = time.perf_counter()
        outcomes = self.segmented(batch, progress)
        articles = [outcome for outcome in outcomes if isinstance(outcome, SegmentedArticle)]
        if not articles:  # nothing to score: every article of the batch failed
            return [outcome for outcome in outcomes if isinstance(outcome, ArticleFailure)]
        checked = self.checked(articles, progress)
        # The batch's time shared in proportion to the claims (all of it for an article alone).
        seconds_per_claim = (time.perf_counter() - started) / sum(len(article.claims) for article in articles)
        analyses = iter(
            ArticleAnalysis(
                record=article.record,
                report=article.report(checked_here, self.model_info, seconds_per_claim * len(article.claims)),
                checked=tuple(claim.id for claim in article.to_check.claims),
                embeddings=article.to_check.embeddings,
            )
            for article, checked_here in zip(articles, checked)
        )
        return [next(analyses) if isinstance(outcome, SegmentedArticle) else outcome for outcome in outcomes]

    def _claims_of(
        self, record: ArticleRecord, progress: Progress
    ) -> tuple[ArticleRecord, list[Claim]] | ArticleFailure:
        try:
            return record, self.claims(record.text, progress)
        except VerifyError as error:
            return ArticleFailure(record.id, error, record.fields)

    def check(self, claim: str, evidence: str, progress: Progress = ignore) -> ClaimVerdict:
        """Verdict for one claim against an evidence text (an article or a few sentences):
        `verify.check.verdict.verdict_against` over the evidence's windows and claims. The last few evidence texts are
        kept ready, so checking several claims against one article segments it once."""
        require_claim(claim)
        article = self.evidence(evidence, progress)
        progress("checking the claim against the article's windows and claims")
        verdict = verdict_against(
            claim.strip(), article, self.embedder.encode, self.scorer(progress), self.backend.score_whole, self.settings
        )
        return replace(verdict, model=self.backend.model_info)  # no screen: a claim's few pairs are all scored

    def evidence(self, text: str, progress: Progress = ignore) -> ArticleEvidence:
        """The article as `check` reads it: its checked claims and evidence windows, embedded."""
        require_article(text)
        ready = self._evidence_ready.pop(text, None)
        if ready is None:
            progress("segmenting and attributing the evidence")
            claims = checked_claims(self.claims(text))
            windows = article_windows(text, self.backend.token_counts, self.window_tokens)
            progress("embedding the evidence")
            embedded = self.embedder.encode([claim.text for claim in claims] + [window.text for window in windows])
            ready = ArticleEvidence(
                text, tuple(claims), embedded[: len(claims)], tuple(windows), embedded[len(claims) :]
            )
        self._evidence_ready[text] = ready  # the most recently used last
        while len(self._evidence_ready) > EVIDENCE_CACHE:
            del self._evidence_ready[next(iter(self._evidence_ready))]
        return ready

    @property
    def window_tokens(self) -> int:
        """An evidence window's tokens: the NLI input's length less its special tokens and room for the claim (a
        longer claim widens the input, up to the model's longest window)."""
        specials = self.backend.tokenizer.num_special_tokens_to_add(pair=True)
        return self.backend.max_length - specials - CLAIM_ROOM_TOKENS


def contexts(claims: Sequence[Claim], record: ArticleRecord) -> list[str]:
    """The statement each claim comes from in its article (`statement_context`)."""
    return [statement_context(claim, record.text) for claim in claims]


@dataclass(frozen=True)
class SegmentedArticle:
    """An article between the stages: its claims, and the checked ones ready to check."""

    record: ArticleRecord
    claims: list[Claim]
    to_check: ArticleToCheck

    def report(self, checked: CheckedArticle, model: ModelInfo, seconds: float) -> Report:
        claims = len(self.claims)
        stats = ReportStats(
            claims=claims,
            pairs_total=claims * (claims - 1) // 2,
            pairs_scored=len(checked.relations),
            seconds=round(seconds, 3),
            pairs_screened_out=checked.screened_out,
        )
        return Report(
            article=self.record.id,
            text=self.record.text,
            claims=tuple(self.claims),
            relations=tuple(checked.relations),
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
