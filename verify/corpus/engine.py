"""`verify corpus`: many articles, and the conflicts between them.

Two stages: the per-article stage (segment, attribute, embed, in-article checks: `Verifier.analyse_many`,
in this process or on Ray) and the corpus stage (`verify.check.across.cross_article_relations`: related claims
of different articles through an approximate-nearest-neighbour index, checked like pairs inside an article).
An `Engine` says where each stage runs; this module only orders them, counts and times them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from verify.datamodel import ArticleAnalysis, ArticleFailure, ArticleRecord, ModelInfo

if TYPE_CHECKING:  # the models' libraries load with the work, not with the command's checks
    from verify.check.across import CorpusFindings
    from verify.check.pairs import Scorer
    from verify.check.settings import CheckSettings

logger = logging.getLogger("verify")

Analyse = Callable[[Iterable[ArticleRecord | ArticleFailure]], Iterator[ArticleAnalysis | ArticleFailure]]


@dataclass(frozen=True)
class Engine:
    """Where the work runs: `analyse` is the per-article stage, `score` the NLI scorer of the corpus stage and
    `screen` its screen model's scorer (None: no screen)."""

    name: str  # "process" or "ray"
    analyse: Analyse
    score: Scorer
    settings: CheckSettings
    model: ModelInfo
    screen: Scorer | None = None


@dataclass(frozen=True)
class CorpusStats:
    articles: int  # read and analysed
    failed: int  # could not be read or analysed (each has an error in `Corpus.failures`)
    claims: int
    in_article_pairs_scored: int
    in_article_pairs_screened_out: int  # related, left unscored by the screen model
    pairs_considered: int  # cross-article candidate pairs from the index
    pairs_scored: int  # of those, admitted by the gate and scored
    pairs_screened_out: int  # admitted by the gate, left unscored by the screen model
    seconds: dict[str, float] = field(default_factory=dict)  # per stage


@dataclass(frozen=True)
class Corpus:
    """What the corpus stage found. The articles' own reports are not kept: `analyse_corpus` hands each to its
    `article_done` as it finishes (`verify.report.corpus.CorpusFolder` writes them out)."""

    failures: tuple[ArticleFailure, ...]
    findings: CorpusFindings
    stats: CorpusStats
    model: ModelInfo
    engine: str


def analyse_corpus(
    records: Iterable[ArticleRecord | ArticleFailure],
    engine: Engine,
    article_done: Callable[[ArticleAnalysis | ArticleFailure], None] = lambda _: None,
) -> Corpus:
    """Every article through the per-article stage (`article_done` is told of each as it finishes), then the
    related claims of different articles checked against each other."""
    from verify.check.across import ArticleClaims, cross_article_relations

    started = time.perf_counter()
    articles: list[ArticleClaims] = []  # what the corpus stage needs, not the reports: memory grows with claims
    failures: list[ArticleFailure] = []
    claims = in_article_pairs = in_article_screened_out = 0
    for outcome in engine.analyse(records):
        if isinstance(outcome, ArticleFailure):
            failures.append(outcome)
        else:
            articles.append(ArticleClaims.of(outcome))
            claims += len(outcome.report.claims)
            in_article_pairs += outcome.report.stats.pairs_scored
            in_article_screened_out += outcome.report.stats.pairs_screened_out
        article_done(outcome)
    analysed = time.perf_counter()
    logger.info("per-article stage (%d articles, %s): %.2f s", len(articles), engine.name, analysed - started)
    findings = cross_article_relations(articles, engine.score, engine.settings, engine.screen)
    finished = time.perf_counter()
    logger.info("cross-article stage (%d pairs scored): %.2f s", findings.pairs_scored, finished - analysed)
    stats = CorpusStats(
        articles=len(articles),
        failed=len(failures),
        claims=claims,
        in_article_pairs_scored=in_article_pairs,
        in_article_pairs_screened_out=in_article_screened_out,
        pairs_considered=findings.pairs_considered,
        pairs_scored=findings.pairs_scored,
        pairs_screened_out=findings.pairs_screened_out,
        seconds={
            "per_article": round(analysed - started, 3),
            "cross_article": round(finished - analysed, 3),
            "total": round(finished - started, 3),
        },
    )
    return Corpus(tuple(failures), findings, stats, engine.model, engine.name)


def in_process_engine(verifier, batch_size: int, progress: Callable[[str], None]) -> Engine:
    """Both stages in this process, with the models `verifier` holds (a `verify.pipeline.Verifier`)."""
    return Engine(
        name="process",
        analyse=lambda records: verifier.analyse_many(records, batch_size, progress),
        score=verifier.scorer(progress),
        settings=verifier.settings,
        model=verifier.model_info,
        screen=verifier.screener(progress),
    )
