"""Choose the screen's threshold (CheckSettings.screen_threshold) on labeled DEV articles (never fixtures/test).

Each article is reported once without a screen; the screen model then scores every pair of those reports both
ways, once. Each candidate threshold keeps the pairs the pipeline's own `screened_pairs` keeps and drops the
others' relations (a screened-out pair is compatible and unreported), and the pipeline's evaluator scores the
result. The choice: the highest threshold that keeps the gate's own promise, gate recall (labeled contradictions
that reach the main model) at least --min-gate-recall, and whose contradiction F1 and corroboration F1 both
equal the unscreened report's, so that on dev the screen costs nothing a reader sees; `kept` is the share of
pairs the main model still scores there. Prints JSON (--out FILE also writes it).

    .venv/bin/python scripts/sweep_screen.py fixtures/dev [--model DIR] [--screen-model NAME]
        [--min-gate-recall 0.95] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path

from verify.check.pairs import PairToCheck, checked_text, nli_inputs, screened_pairs
from verify.check.settings import for_model
from verify.datamodel import Report
from verify.evaluation.fixtures import ArticleEvaluator, load_labeled_articles
from verify.models import resolve_nli_model
from verify.nli import load_backend
from verify.pipeline import Verifier

THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50)
METRICS = ("gate_recall", "contradiction_precision", "contradiction_recall", "contradiction_f1", "corroboration_f1")


def report_pairs(report: Report) -> list[PairToCheck]:
    """A report's scored pairs as the screen takes them (indices into its claims)."""
    index = {claim.id: k for k, claim in enumerate(report.claims)}
    return [
        PairToCheck(index[relation.first], index[relation.second], relation.similarity, relation.same_source)
        for relation in report.relations
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixtures", type=Path, help="labeled DEV articles")
    parser.add_argument("--model", default=None, help="the main NLI model (default: the shipped default)")
    parser.add_argument("--screen-model", default="verify-nli-minilm-l6")
    parser.add_argument("--min-gate-recall", type=float, default=0.95, help="the gate's constraint (README)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if "test" in args.fixtures.parts:
        parser.error("the test fixtures are held out: choose settings on dev articles only")
    articles = load_labeled_articles(args.fixtures)
    unscreened = replace(for_model(resolve_nli_model(args.model)), screen_model=None)
    verifier = Verifier(args.model, settings=unscreened)
    reports = [verifier.report(article.text, article=article.name) for article in articles]
    screen = load_backend(args.screen_model)
    inputs = [
        texts
        for report in reports
        for texts in nli_inputs(report_pairs(report), [checked_text(claim) for claim in report.claims])
    ]
    scores = dict(zip(inputs, screen.score(inputs)))
    evaluator = ArticleEvaluator(articles)
    baseline = evaluator(reports)

    def row(threshold: float) -> dict:
        settings = replace(unscreened, screen_threshold=threshold)
        screened, lost = [], Counter()
        for report in reports:
            pairs = report_pairs(report)
            kept = {
                (pair.first, pair.second)
                for pair in screened_pairs(pairs, report.claims, lambda texts: [scores[t] for t in texts], settings)
            }
            keeps = [(pair.first, pair.second) in kept for pair in pairs]
            lost.update(relation.label for relation, keep in zip(report.relations, keeps) if not keep)
            relations = tuple(relation for relation, keep in zip(report.relations, keeps) if keep)
            screened.append(replace(report, relations=relations))
        metrics = evaluator(screened)
        kept_pairs = sum(len(report.relations) for report in screened)
        return {
            "screen_threshold": threshold,
            "kept": round(kept_pairs / len(inputs) * 2, 3),
            "pairs_scored": kept_pairs,
            "labels_lost": dict(sorted(lost.items())),
            **{key: round(metrics[key], 3) for key in METRICS},
        }

    rows = [row(threshold) for threshold in THRESHOLDS]
    lossless = [
        r
        for r in rows
        if r["gate_recall"] >= args.min_gate_recall
        and all(r[key] >= round(baseline[key], 3) for key in ("contradiction_f1", "corroboration_f1"))
    ]
    result = {
        "data": str(args.fixtures),
        "model": asdict(verifier.model_info),
        "screen_model": asdict(screen.model_info),
        "pairs": len(inputs) // 2,
        "min_gate_recall": args.min_gate_recall,
        "unscreened": {key: round(baseline[key], 3) for key in METRICS},
        "thresholds": rows,
        "chosen": max(lossless, key=lambda r: r["screen_threshold"])["screen_threshold"] if lossless else None,
    }
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
