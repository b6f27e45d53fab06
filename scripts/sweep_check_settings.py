"""Choose the gate (and the NLI thresholds, for a model without a fitted decision) on labelled DEV articles.

Every candidate is the model's shipped settings (its settings.json) with the gate's fields replaced, and, where the
model has no fitted decision, its contradiction and corroboration thresholds (with one, the fitted decision's own
thresholds decide, and those two fields change nothing). Each candidate is run through the product's own check
(`verify.evaluation.sweep.SettingsSweep`: the checked claims, the gate, the screen, the rules and the fitted
decision, exactly as `verify report` runs them) and scored by the fixtures evaluator, so the `current` line equals
`verify evaluate DEV --format json`. The choice: the best contradiction F1 among the candidates whose gate recall
(labelled contradictions that reach the main model) is at least --min-gate-recall, the fewest pairs scored first
among equals. Prints JSON (--out FILE also writes it). Never run on fixtures/test.

    .venv/bin/python scripts/sweep_check_settings.py fixtures/dev [--model DIR] [--top 10] [--out FILE]
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import asdict, replace
from pathlib import Path

from verify.check.settings import CheckSettings
from verify.datamodel import ArticleRecord
from verify.evaluation.fixtures import ArticleEvaluator, load_labeled_articles
from verify.evaluation.sweep import SettingsSweep
from verify.pipeline import Verifier

GATE_FIELDS = ("min_similarity", "min_similarity_alone", "neighbours")
THRESHOLD_FIELDS = ("contradiction", "corroboration")
METRICS = (
    "gate_recall",
    "contradiction_precision",
    "contradiction_recall",
    "contradiction_f1",
    "corroboration_precision",
    "corroboration_recall",
    "corroboration_f1",
    "compatible_reported_as_contradiction_rate",
)


def candidates(shipped: CheckSettings) -> list[CheckSettings]:
    """The grid, the widest gate first (its pairs are scored first, and every narrower gate's are among them)."""
    gates = [
        (low, alone, count)
        for low, alone, count in itertools.product((0.25, 0.30, 0.35, 0.40), (0.30, 0.35, 0.40, 0.45), (5, 3, 2, 0))
        if alone >= low
    ]
    thresholds = (
        [(shipped.contradiction, shipped.corroboration)]
        if shipped.fitted is not None
        else list(itertools.product((0.6, 0.7, 0.8, 0.9, 0.95, 0.98), (0.5, 0.7, 0.9)))
    )
    return [
        replace(shipped, **dict(zip(GATE_FIELDS + THRESHOLD_FIELDS, (*gate, *threshold))))
        for gate, threshold in itertools.product(gates, thresholds)
    ]


def result(sweep: SettingsSweep, evaluate: ArticleEvaluator, settings: CheckSettings) -> dict:
    reports = sweep.reports(settings)
    metrics = evaluate(reports)
    return {
        "settings": {name: getattr(settings, name) for name in GATE_FIELDS + THRESHOLD_FIELDS},
        **{key: round(metrics[key], 3) for key in METRICS},
        "pairs_scored": sum(report.stats.pairs_scored for report in reports),
    }


def chosen(results: list[dict], min_gate_recall: float) -> list[dict]:
    """The eligible results, best first: contradiction F1, then the fewest pairs scored."""
    eligible = [r for r in results if r["gate_recall"] >= min_gate_recall]
    return sorted(eligible, key=lambda r: (-r["contradiction_f1"], r["pairs_scored"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixtures", type=Path, help="labeled DEV articles")
    parser.add_argument("--model", default=None)
    parser.add_argument("--min-gate-recall", type=float, default=0.95)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if "test" in args.fixtures.parts:
        parser.error("the test fixtures are held out: choose settings on dev articles only")
    verifier = Verifier(args.model)
    articles = load_labeled_articles(args.fixtures)
    sweep = SettingsSweep(verifier, [ArticleRecord(article.name, article.text) for article in articles])
    evaluate = ArticleEvaluator(articles)
    grid = candidates(verifier.settings)
    results = [result(sweep, evaluate, settings) for settings in grid]
    best = chosen(results, args.min_gate_recall)
    text = json.dumps(
        {
            "data": str(args.fixtures),
            "model": asdict(verifier.model_info),
            "fitted_decision": verifier.settings.fitted is not None,
            "current": result(sweep, evaluate, verifier.settings),
            "candidates": len(grid),
            "eligible": len(best),
            "best": best[: args.top],
        },
        indent=1,
    )
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
