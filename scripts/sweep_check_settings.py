"""Choose the gate and the thresholds on labeled DEV articles (never on fixtures/test).

Every claim pair that any candidate gate could admit is scored once with the NLI model (both
directions) and its rule notes are read once; each candidate `CheckSettings` then re-decides the
pairs with the pipeline's own gate and decision rule (`verify.check.gate`, `verify.check.decision`)
and is scored by the pipeline's evaluator. Prints JSON: the current settings' metrics and the best
candidates by contradiction F1 among those whose gate recall is at least --min-gate-recall.

    .venv/bin/python scripts/sweep_check_settings.py fixtures/dev [--model DIR] [--top 10]
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from verify.check.decision import decide
from verify.check.gate import admits, content_words
from verify.check.notes import RuleNotes, parse_notes, time_note
from verify.check.pairs import checked_text
from verify.check.settings import CheckSettings
from verify.datamodel import ClaimRelation, ModelInfo, NLIScores, Report, ReportStats
from verify.evaluation.fixtures import ArticleEvaluator, LabeledArticle, load_labeled_articles
from verify.pipeline import Verifier

FLOOR = 0.20  # no candidate gate goes below this cosine
MAX_NEIGHBOURS = 8


@dataclass
class ScoredPair:
    first: int
    second: int
    similarity: float
    shares_word: bool
    neighbour_rank: int  # similarity_ranks: the smaller of each claim's rank among the other's most similar
    forward: NLIScores
    backward: NLIScores
    notes: RuleNotes
    same_source: bool


def similarity_ranks(similarities: np.ndarray) -> np.ndarray:
    """For each pair, the smaller of each claim's rank among the other's most similar (0: the most),
    as the gate reads them (ties by index)."""
    masked = similarities.astype(float, copy=True)
    np.fill_diagonal(masked, -np.inf)
    ranks = np.empty(masked.shape, dtype=int)
    order = np.argsort(-masked, axis=1, kind="stable")
    ranks[np.arange(len(masked))[:, None], order] = np.arange(len(masked))[None, :]
    return np.minimum(ranks, ranks.T)


def score_article(verifier: Verifier, article: LabeledArticle):
    claims = verifier.claims(article.text)
    contexts = [claim.unit.of(article.text) if claim.unit else claim.text for claim in claims]
    embeddings = verifier.embedder.encode([claim.text for claim in claims])
    similarities = embeddings @ embeddings.T
    ranks = similarity_ranks(similarities)
    words = [content_words(claim.text) for claim in claims]
    candidates = [
        (i, j)
        for i, j in itertools.combinations(range(len(claims)), 2)
        if similarities[i, j] >= FLOOR or ranks[i, j] < MAX_NEIGHBOURS
    ]
    asserted = [checked_text(claim) for claim in claims]
    texts = [(asserted[i], asserted[j]) for i, j in candidates]
    scores = verifier.backend.score(texts + [(h, p) for p, h in texts])
    docs = list(verifier.nlp.pipe(asserted))
    pairs = []
    for (i, j), forward, backward in zip(candidates, scores[: len(candidates)], scores[len(candidates) :]):
        notes = parse_notes(docs[i], docs[j], time_note(claims[i], claims[j], contexts[i], contexts[j]))
        pairs.append(
            ScoredPair(
                i,
                j,
                float(similarities[i, j]),
                bool(words[i] & words[j]),
                int(ranks[i, j]),
                forward,
                backward,
                notes,
                claims[i].source.name == claims[j].source.name,
            )
        )
    return claims, pairs


def report_for(article: LabeledArticle, claims, pairs: list[ScoredPair], settings: CheckSettings) -> Report:
    relations = []
    for pair in pairs:
        if not admits(pair.neighbour_rank, pair.similarity, pair.shares_word, settings):
            continue
        decision = decide((pair.forward, pair.backward), pair.notes, pair.same_source, settings)
        relations.append(
            ClaimRelation(
                claims[pair.first].id,
                claims[pair.second].id,
                decision.label,
                decision.probability,
                pair.forward,
                pair.backward,
                pair.similarity,
                pair.same_source,
                decision.notes,
            )
        )
    stats = ReportStats(len(claims), len(claims) * (len(claims) - 1) // 2, len(relations), 0.0)
    return Report(article.name, article.text, tuple(claims), tuple(relations), ModelInfo("sweep", None), stats)


def evaluate(articles, scored, settings: CheckSettings) -> dict:
    reports = [report_for(article, claims, pairs, settings) for article, (claims, pairs) in zip(articles, scored)]
    metrics = ArticleEvaluator(articles)(reports)
    keys = (
        "gate_recall",
        "contradiction_precision",
        "contradiction_recall",
        "contradiction_f1",
        "corroboration_precision",
        "corroboration_recall",
        "corroboration_f1",
        "compatible_reported_as_contradiction_rate",
    )
    return {
        "settings": asdict(settings),
        **{key: round(metrics[key], 3) for key in keys},
        "pairs_scored": sum(report.stats.pairs_scored for report in reports),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixtures", type=Path, help="labeled DEV articles")
    parser.add_argument("--model", default=None)
    parser.add_argument("--min-gate-recall", type=float, default=0.95)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    if "test" in args.fixtures.parts:
        parser.error("the test fixtures are held out: choose settings on dev articles only")
    articles = load_labeled_articles(args.fixtures)
    verifier = Verifier(args.model)
    scored = [score_article(verifier, article) for article in articles]
    current = CheckSettings()
    grid = [
        replace(
            current,
            min_similarity=low,
            min_similarity_alone=alone,
            neighbours=count,
            contradiction=threshold,
            corroboration=corroboration,
        )
        for low, alone, count, threshold, corroboration in itertools.product(
            (0.25, 0.30, 0.35, 0.40),
            (0.30, 0.35, 0.40, 0.45),
            (0, 2, 3, 5),
            (0.6, 0.7, 0.8, 0.9, 0.95, 0.98),
            (0.5, 0.7, 0.9),
        )
        if alone >= low
    ]
    results = [evaluate(articles, scored, settings) for settings in grid]
    eligible = [r for r in results if r["gate_recall"] >= args.min_gate_recall]
    best = sorted(eligible, key=lambda r: (-r["contradiction_f1"], r["pairs_scored"]))[: args.top]
    print(
        json.dumps(
            {
                "data": str(args.fixtures),
                "current": evaluate(articles, scored, current),
                "candidates": len(grid),
                "eligible": len(eligible),
                "best": best,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
