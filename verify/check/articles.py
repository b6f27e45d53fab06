"""The claims of one or several articles checked against each other, in the one order: which claims are checked,
the gate, the screen (where the settings name one), the NLI inputs of every pair scored in one call, the decision.

`Verifier.report` and `Verifier.analyse_many` check their articles here, and so do the sweeps that choose the
settings (scripts/sweep_check_settings.py, scripts/sweep_screen.py): they tune exactly what ships.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from verify.check.pairs import (
    PairToCheck,
    Scorer,
    article_pairs,
    decided_pairs,
    same_speaker,
    scored_pairs,
    screened_pairs,
)
from verify.check.rebuttal import RebuttalPair
from verify.check.settings import CheckSettings
from verify.datamodel import Claim, ClaimRelation, Note, NoteKind
from verify.runtime.progress import Progress, counting, ignore


@dataclass(frozen=True)
class ArticleToCheck:
    """An article's checked claims (`checked_claims`), the statement each comes from (`statement_context`),
    their sentence embeddings (rows in the claims' order, normalised) and the rebuttals among them."""

    claims: Sequence[Claim]
    contexts: Sequence[str]
    embeddings: np.ndarray
    # The claims that call another claim untrue, and the claims they target (`rebuttal.rebuttal_targets`).
    rebuttals: Sequence[RebuttalPair] = ()


@dataclass(frozen=True)
class CheckedArticle:
    """An article's relations, in the gate's order, and how many related pairs the screen left unscored."""

    relations: list[ClaimRelation]
    screened_out: int


def check_articles(
    articles: Sequence[ArticleToCheck],
    score: Scorer,
    settings: CheckSettings,
    screen: Scorer | None = None,
    stage: Progress = ignore,
    progress: Progress = ignore,
) -> list[CheckedArticle]:
    """Each article's relations between its related claims; the claims of different articles are not paired.

    Every article's pairs are screened in one `screen` call (if given) and scored in one `score` call, so the
    model's batches fill across short articles. `stage` is told each stage as it starts, `progress` the pairs
    decided and the time left as the decision goes."""
    gated = [
        with_rebuttals(article_pairs(article.claims, article.embeddings, settings), article, settings)
        for article in articles
    ]
    offsets = [0, *itertools.accumulate(len(article.claims) for article in articles)]
    claims = [claim for article in articles for claim in article.claims]
    contexts = [context for article in articles for context in article.contexts]
    # One list of claims for all articles, each article's pairs indexing its own rows of it.
    pairs = [_moved(pair, offset) for pairs, offset in zip(gated, offsets) for pair in pairs]
    if screen is not None:
        stage(f"screening {len(pairs)} related pairs")
        pairs = screened_pairs(pairs, claims, screen, settings)
    stage("checking related claims with NLI")
    scores = scored_pairs(pairs, claims, score)
    stage(f"deciding {len(pairs)} scored pairs")
    decided = counting(progress, "deciding scored pairs")
    relations = decided_pairs(pairs, claims, contexts, scores, settings, on_window=decided)
    by_article: list[list[ClaimRelation]] = [[] for _ in articles]
    for pair, relation in zip(pairs, relations):
        by_article[bisect.bisect_right(offsets, pair.first) - 1].append(relation)
    return [
        CheckedArticle(article_relations, len(article_gated) - len(article_relations))
        for article_relations, article_gated in zip(by_article, gated)
    ]


def with_rebuttals(pairs: list[PairToCheck], article: ArticleToCheck, settings: CheckSettings) -> list[PairToCheck]:
    """The gate's pairs, each holding a rebuttal marked as one, then the rebuttals the gate did not pair (the
    rebuttal rule is a parse rule: none with the parse rules off)."""
    if not settings.parse_rules or not article.rebuttals:
        return pairs
    notes = {
        tuple(sorted((found.rebutting, found.target))): Note(NoteKind.rebuttal, found.rebuttal.detail)
        for found in article.rebuttals
    }
    marked = [replace(pair, rebuttal=notes.pop((pair.first, pair.second), None)) for pair in pairs]
    claims, embeddings = article.claims, article.embeddings
    return marked + [
        PairToCheck(
            first,
            second,
            float(embeddings[first] @ embeddings[second]),
            same_speaker(claims[first].source, claims[second].source),
            rebuttal=note,
        )
        for (first, second), note in notes.items()
    ]


def _moved(pair: PairToCheck, offset: int) -> PairToCheck:
    return replace(pair, first=pair.first + offset, second=pair.second + offset)


def checked_claims(claims: Sequence[Claim]) -> list[Claim]:
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
