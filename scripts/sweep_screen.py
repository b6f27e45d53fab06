"""Choose the screen's threshold (CheckSettings.screen_threshold) on labeled DEV articles (never fixtures/test).

Each article is segmented once and reported through the product's own check (`verify.evaluation.sweep`), once
without a screen and once at each candidate threshold (a screened-out pair is compatible and unreported), the NLI
scores of both models kept across candidates; the fixtures evaluator scores the reports. The choice: the highest
threshold that keeps the gate's own promise, gate recall (labeled contradictions that reach the main model) at least
--min-gate-recall, and whose contradiction F1 and corroboration F1 are both at least the unscreened report's, so
that on dev the screen costs nothing a reader sees; `kept` is the share of pairs the main model still scores there.
With --long-text-characters N, the same thresholds run on N characters of unlabelled news as well (PolNeAR articles
concatenated, as benchmarks/length_scaling.py reads them): the share of pairs kept, what the main model's unscreened
findings would lose, and at the chosen threshold those lost pairs themselves. Prints JSON (--out FILE also writes
it).

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
from verify.check.pairs import checked_text
from verify.check.settings import CheckSettings, for_model
from verify.datamodel import ArticleRecord, ClaimRelation, Report
from verify.evaluation.fixtures import ArticleEvaluator, load_labeled_articles
from verify.evaluation.sweep import SettingsSweep
from verify.pipeline import Verifier
from verify.runtime.models import resolve_nli_model

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50)
METRICS = ("gate_recall", "contradiction_precision", "contradiction_recall", "contradiction_f1", "corroboration_f1")


def kept_and_lost(unscreened: list[Report], screened: list[Report], threshold: float) -> tuple[dict, list]:
    """The share of pairs the screen at `threshold` keeps for the main model, and what the dropped ones were."""
    dropped = [
        (report, relation)
        for report, kept in zip(unscreened, screened)
        for relation in report.relations
        if (relation.first, relation.second) not in {(r.first, r.second) for r in kept.relations}
    ]
    pairs = sum(len(report.relations) for report in unscreened)
    kept = sum(len(report.relations) for report in screened)
    row = {
        "screen_threshold": threshold,
        "kept": round(kept / max(pairs, 1), 3),
        "pairs_scored": kept,
        "labels_lost": dict(sorted(Counter(relation.label for _, relation in dropped).items())),
    }
    return row, dropped


def long_text(verifier: Verifier, settings: CheckSettings, characters: int, chosen: float) -> dict:
    """The thresholds' cost side on unlabelled news: pairs kept, findings lost, and at `chosen` the lost pairs."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from length_scaling import news_text

    text = news_text(characters)
    sweep = SettingsSweep(verifier, [ArticleRecord(f"PolNeAR, first {characters} characters", text)])
    unscreened = sweep.reports(replace(settings, screen_model=None))
    rows, lost = [], []
    for threshold in THRESHOLDS:
        row, dropped = kept_and_lost(
            unscreened, sweep.reports(replace(settings, screen_threshold=threshold)), threshold
        )
        rows.append(row)
        if threshold == chosen:
            screen_scores = sweep.screens[0]
            lost = [
                {
                    "label": relation.label,
                    "probability": relation.probability,
                    "first": report.claim(relation.first).text,
                    "second": report.claim(relation.second).text,
                    "screen_signal": round(screen_signal(screen_scores(_both_ways(report, relation))), 3),
                }
                for report, relation in dropped
                if relation.label != "compatible"
            ]
    return {"characters": len(text), "pairs": len(unscreened[0].relations), "thresholds": rows, "lost_at_chosen": lost}


def _both_ways(report: Report, relation: ClaimRelation) -> list[tuple[str, str]]:
    first, second = (checked_text(report.claim(claim_id)) for claim_id in (relation.first, relation.second))
    return [(first, second), (second, first)]


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
    settings = replace(shipped, screen_model=screen_model)
    verifier = Verifier(args.model, settings=settings)
    sweep = SettingsSweep(verifier, [ArticleRecord(article.name, article.text) for article in articles])
    evaluator = ArticleEvaluator(articles)
    reports = sweep.reports(replace(settings, screen_model=None))
    baseline = evaluator(reports)
    rows = []
    for threshold in THRESHOLDS:
        screened = sweep.reports(replace(settings, screen_threshold=threshold))
        row, _ = kept_and_lost(reports, screened, threshold)
        rows.append({**row, **{k: round(evaluator(screened)[k], 3) for k in METRICS}})
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
        "pairs": sum(len(report.relations) for report in reports),
        "min_gate_recall": args.min_gate_recall,
        "unscreened": {key: round(baseline[key], 3) for key in METRICS},
        "thresholds": rows,
        "chosen": chosen,
    }
    if args.long_text_characters and chosen is not None:
        result["long_text"] = long_text(verifier, settings, args.long_text_characters, chosen)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
