"""Choose the screen's threshold (CheckSettings.screen_threshold) on labeled DEV articles (never fixtures/test).

Each article is reported once without a screen; the screen model then scores every pair of those reports both
ways, once. Each candidate threshold keeps the pairs the pipeline's own `screened_pairs` keeps and drops the
others' relations (a screened-out pair is compatible and unreported), and the pipeline's evaluator scores the
result. The choice: the highest threshold that keeps the gate's own promise, gate recall (labeled contradictions
that reach the main model) at least --min-gate-recall, and whose contradiction F1 and corroboration F1 are both
at least the unscreened report's, so that on dev the screen costs nothing a reader sees; `kept` is the share of
pairs the main model still scores there. With --long-text-characters N, the same thresholds run on N characters
of unlabelled news as well (PolNeAR articles concatenated, as benchmarks/length_scaling.py reads them): the share
of pairs kept, what the main model's unscreened findings would lose, and at the chosen threshold those lost
pairs themselves. Prints JSON (--out FILE also writes it).

    .venv/bin/python scripts/sweep_screen.py fixtures/dev [--model DIR] [--screen-model NAME]
        [--min-gate-recall 0.95] [--long-text-characters 100000] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path

from verify.check.decision import screen_signal
from verify.check.pairs import PairToCheck, checked_text, nli_inputs, screened_pairs
from verify.check.settings import CheckSettings, for_model
from verify.datamodel import ClaimRelation, NLIScores, Report
from verify.evaluation.fixtures import ArticleEvaluator, load_labeled_articles
from verify.pipeline import Verifier
from verify.runtime.models import resolve_nli_model
from verify.runtime.nli import NLIBackend, load_backend

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50)
METRICS = ("gate_recall", "contradiction_precision", "contradiction_recall", "contradiction_f1", "corroboration_f1")


def report_pairs(report: Report) -> list[PairToCheck]:
    """A report's scored pairs as the screen takes them (indices into its claims)."""
    index = {claim.id: k for k, claim in enumerate(report.claims)}
    return [
        PairToCheck(index[relation.first], index[relation.second], relation.similarity, relation.same_source)
        for relation in report.relations
    ]


def screen_scores(screen: NLIBackend, reports: list[Report]) -> dict[tuple[str, str], NLIScores]:
    """The screen model's scores of every pair of `reports`, both ways, in one call."""
    inputs = [
        texts
        for report in reports
        for texts in nli_inputs(report_pairs(report), [checked_text(claim) for claim in report.claims])
    ]
    return dict(zip(inputs, screen.score(inputs)))


def screened_reports(
    reports: list[Report], scores: dict[tuple[str, str], NLIScores], settings: CheckSettings
) -> tuple[list[Report], list[ClaimRelation]]:
    """Each report with only the relations of the pairs the pipeline's screen keeps, and the relations it drops."""
    screened, dropped = [], []
    for report in reports:
        pairs = report_pairs(report)
        kept = {
            (pair.first, pair.second)
            for pair in screened_pairs(pairs, report.claims, lambda texts: [scores[t] for t in texts], settings)
        }
        keeps = [(pair.first, pair.second) in kept for pair in pairs]
        dropped += [relation for relation, keep in zip(report.relations, keeps) if not keep]
        screened.append(replace(report, relations=tuple(r for r, keep in zip(report.relations, keeps) if keep)))
    return screened, dropped


def kept_and_lost(
    reports: list[Report], screened: list[Report], dropped: list[ClaimRelation], threshold: float
) -> dict:
    pairs = sum(len(report.relations) for report in reports)
    kept = sum(len(report.relations) for report in screened)
    return {
        "screen_threshold": threshold,
        "kept": round(kept / max(pairs, 1), 3),
        "pairs_scored": kept,
        "labels_lost": dict(sorted(Counter(relation.label for relation in dropped).items())),
    }


def long_text(verifier: Verifier, screen: NLIBackend, settings: CheckSettings, characters: int, chosen: float) -> dict:
    """The thresholds' cost side on unlabelled news: pairs kept, findings lost, and at `chosen` the lost pairs."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from length_scaling import news_text

    text = news_text(characters)
    reports = [verifier.report(text, article=f"PolNeAR, first {characters} characters")]
    scores = screen_scores(screen, reports)
    rows, lost = [], []
    for threshold in THRESHOLDS:
        screened, dropped = screened_reports(reports, scores, replace(settings, screen_threshold=threshold))
        rows.append(kept_and_lost(reports, screened, dropped, threshold))
        if threshold == chosen:
            report = reports[0]
            lost = [
                {
                    "label": relation.label,
                    "probability": relation.probability,
                    "first": report.claim(relation.first).text,
                    "second": report.claim(relation.second).text,
                    "screen_signal": round(screen_signal(_both_ways(report, relation, scores)), 3),
                }
                for relation in dropped
                if relation.label != "compatible"
            ]
    return {"characters": len(text), "pairs": len(reports[0].relations), "thresholds": rows, "lost_at_chosen": lost}


def _both_ways(report: Report, relation: ClaimRelation, scores: dict) -> tuple[NLIScores, NLIScores]:
    first, second = (checked_text(report.claim(claim_id)) for claim_id in (relation.first, relation.second))
    return scores[(first, second)], scores[(second, first)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixtures", type=Path, help="labeled DEV articles")
    parser.add_argument("--model", default=None, help="the main NLI model (default: the shipped default)")
    parser.add_argument("--screen-model", default=None, help="default: the one the model's settings name")
    parser.add_argument("--min-gate-recall", type=float, default=0.95, help="the gate's constraint (docs/results.md)")
    parser.add_argument("--long-text-characters", type=int, default=0, help="also this much unlabelled news")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if "test" in args.fixtures.parts:
        parser.error("the test fixtures are held out: choose settings on dev articles only")
    articles = load_labeled_articles(args.fixtures)
    shipped = for_model(resolve_nli_model(args.model))
    screen_model = args.screen_model or shipped.screen_model
    if not screen_model:
        parser.error("the model's settings name no screen model: give --screen-model")
    unscreened = replace(shipped, screen_model=None)
    verifier = Verifier(args.model, settings=unscreened)
    reports = [verifier.report(article.text, article=article.name) for article in articles]
    screen = load_backend(screen_model)
    scores = screen_scores(screen, reports)
    evaluator = ArticleEvaluator(articles)
    baseline = evaluator(reports)
    rows = []
    for threshold in THRESHOLDS:
        screened, dropped = screened_reports(reports, scores, replace(unscreened, screen_threshold=threshold))
        metrics = evaluator(screened)
        rows.append(
            {**kept_and_lost(reports, screened, dropped, threshold), **{k: round(metrics[k], 3) for k in METRICS}}
        )
    lossless = [
        r
        for r in rows
        if r["gate_recall"] >= args.min_gate_recall
        and all(r[key] >= round(baseline[key], 3) for key in ("contradiction_f1", "corroboration_f1"))
    ]
    chosen = max(lossless, key=lambda r: r["screen_threshold"])["screen_threshold"] if lossless else None
    result = {
        "data": str(args.fixtures),
        "model": asdict(verifier.model_info),
        "screen_model": asdict(screen.model_info),
        "pairs": sum(len(report.relations) for report in reports),
        "min_gate_recall": args.min_gate_recall,
        "unscreened": {key: round(baseline[key], 3) for key in METRICS},
        "thresholds": rows,
        "chosen": chosen,
    }
    if args.long_text_characters and chosen is not None:
        result["long_text"] = long_text(verifier, screen, unscreened, args.long_text_characters, chosen)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
