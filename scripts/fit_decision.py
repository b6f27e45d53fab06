"""Fit the calibrated decision (`verify.check.fitted`) and choose its thresholds on judged real news.

The pairs are the product's own: each article's report is made again by `Verifier.report` with the NLI scores
it already had (the `verify report --format jsonl` output the article was reported in, so no model runs
twice), and each candidate pair's `signals` are what the product computed. Labels:

- real news, PolNeAR train (`--train REPORTS --train-judged JUDGED`): a pair a reader judged is labelled by
  the judgement; the rest are the background, compatible (real articles rarely contradict themselves);
- written articles, fixtures/dev (`--fixtures DIR --fixture-reports REPORTS`): the labelled relations.

Two logistic regressions (contradiction, corroboration; scikit-learn, unweighted so that their probabilities are
calibrated) are fitted on those; calibration is measured out of fold (five folds grouped by article: a reliability
table and the expected calibration error). The thresholds are then chosen on PolNeAR dev, judged
(`--dev REPORTS --dev-judged JUDGED`) by `choose_threshold`: the most findings a reader judged real, among the
thresholds whose findings are at least --min-precision real with at most --max-false-per-article wrong ones per
article (one per ten articles). Writes the fitted decision into the model's settings.json (its "decision",
`--model`) and a results JSON.

    .venv/bin/python scripts/fit_decision.py --train train.jsonl --train-judged judged-train.jsonl \\
        --fixtures fixtures/dev --fixture-reports fixtures-dev.jsonl \\
        --dev dev.jsonl --dev-judged fixtures/judged/polnear-dev.jsonl \\
        --model models/verify-nli-mpnet --results docs/results/decision-fit.json
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from verify.check.fitted import FittedDecision
from verify.check.pairs import checked_text
from verify.check.settings import write_model_settings
from verify.datamodel import Claim, NLIScores, PairSignals, Report
from verify.evaluation.fixtures import load_labeled_articles, match_claims
from verify.evaluation.judged import JudgedNewsEvaluator, load_judged_pairs, matching_judgement, report_lines
from verify.pipeline import Verifier
from verify.training.logistic import fit_logistic, out_of_fold, reliability

FINDINGS = ("contradiction", "corroboration")
KEPT = NLIScores(0.0, 0.0, 1.0)  # what the replayed screen says of a pair the report scored: keep it
LEFT = NLIScores(0.0, 1.0, 0.0)  # and of one it did not: screened out


def recorded_scores(reports: Iterable[dict]) -> dict[tuple[str, str], NLIScores]:
    """Every NLI input the reports scored, both ways, with its scores."""
    scores: dict[tuple[str, str], NLIScores] = {}
    for report in reports:
        asserted = {claim["id"]: checked_text(Claim.from_jsonable(claim)) for claim in report["claims"]}
        for relation in report["relations"]:
            first, second = asserted[relation["first"]], asserted[relation["second"]]
            scores[(first, second)] = NLIScores(**relation["forward"])
            scores[(second, first)] = NLIScores(**relation["backward"])
    return scores


def replaying(verifier: Verifier, scores: dict[tuple[str, str], NLIScores]) -> Verifier:
    """`verifier` with its NLI model and screen answering from `scores`: the reports come out as they were
    made, with the current code's signals and decision."""
    verifier.backend.score = lambda pairs: [scores[pair] for pair in pairs]  # type: ignore[method-assign]
    screen = verifier.screen_backend
    if screen is not None:
        screen.score = lambda pairs: [KEPT if pair in scores else LEFT for pair in pairs]  # type: ignore[method-assign]
    return verifier


def replayed(verifier: Verifier, reports: Sequence[dict], texts: dict[str, str]) -> list[Report]:
    return [verifier.report(texts[report["article"]], report["article"]) for report in reports]


def kept_above(report: Report, label: str, threshold: float) -> Report:
    """`report` with its `label` findings under `threshold` made compatible (a higher threshold would not find
    them)."""
    relations = tuple(
        replace(relation, label="compatible")
        if relation.label == label and relation.probability < threshold
        else relation
        for relation in report.relations
    )
    return replace(report, relations=relations)


def article_texts(reports: Sequence[dict]) -> dict[str, str]:
    return {report["article"]: Path(report["article"]).read_text(encoding="utf-8") for report in reports}


def judged_rows(reports: Sequence[Report], judged_path: Path | None) -> list[tuple[PairSignals, str, str]]:
    """(signals, truth, article) of each candidate pair of real news: the reader's judgement, else neither."""
    judged = load_judged_pairs(judged_path) if judged_path else []
    by_article: dict[str, list] = {}
    for pair in judged:
        by_article.setdefault(pair.article, []).append(pair)
    rows = []
    for report in reports:
        article = Path(report.article).stem
        for relation in report.relations:
            if relation.signals is None:
                continue
            judgement = matching_judgement(
                report.claim(relation.first), report.claim(relation.second), by_article.get(article, [])
            )
            rows.append((relation.signals, judgement.truth if judgement else "neither", article))
    return rows


def fixture_rows(reports: Sequence[Report], fixtures: Path) -> list[tuple[PairSignals, str, str]]:
    """(signals, gold label, article) of each candidate pair of the labelled written articles."""
    articles = {article.name: article for article in load_labeled_articles(fixtures)}
    rows = []
    for report in reports:
        article = articles[Path(report.article).stem]
        gold_of = match_claims(list(article.claims), list(report.claims))
        gold = {relation.pair: relation.label for relation in article.relations}
        for relation in report.relations:
            if relation.signals is None:
                continue
            pair = frozenset((gold_of.get(relation.first, ""), gold_of.get(relation.second, "")))
            label = gold.get(pair, "compatible")
            rows.append((relation.signals, label if label in FINDINGS else "neither", article.name))
    return rows


def choose_threshold(sweep: Sequence[dict], min_precision: float, max_false_per_article: float) -> dict:
    """Of the thresholds whose judged findings are at least `min_precision` real and at most
    `max_false_per_article` wrong per article, the one that finds the most judged-real findings, then the one
    with fewest wrong, then the lowest (what the judged data cannot tell apart, the decision reports). A
    threshold that reports nothing on the judged articles qualifies, so where no threshold finds anything a
    reader would agree with at that precision, the decision reports nothing there rather than noise."""
    qualifying = [
        row
        for row in sweep
        if row["precision"] >= min_precision and row["wrong"] <= max_false_per_article * row["articles"]
    ]
    return max(qualifying, key=lambda row: (row["real"], -row["wrong"], -row["threshold"]))


def out_of_fold_probabilities(features: np.ndarray, labels: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    """Each pair's probability from a model fitted without its article (five folds grouped by article)."""

    def fit(inside: np.ndarray, labels: np.ndarray):
        model = fit_logistic(inside, labels, PairSignals.names())
        return lambda row: model.probability(PairSignals(*row))

    return out_of_fold(features, labels, groups, fit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, required=True, help="verify report jsonl of PolNeAR train articles")
    parser.add_argument("--train-judged", type=Path, help="judged pairs of those articles")
    parser.add_argument("--fixtures", type=Path, required=True, help="labelled written articles (fixtures/dev)")
    parser.add_argument("--fixture-reports", type=Path, required=True, help="verify report jsonl of those")
    parser.add_argument("--dev", type=Path, required=True, help="verify report jsonl of PolNeAR dev articles")
    parser.add_argument("--dev-judged", type=Path, required=True, help="judged pairs of those articles")
    parser.add_argument("--min-precision", type=float, default=0.8)
    parser.add_argument("--max-false-per-article", type=float, default=0.1)
    parser.add_argument(
        "--model", type=Path, required=True, help="the model folder whose settings.json gets the decision"
    )
    parser.add_argument("--results", type=Path, required=True)
    arguments = parser.parse_args()

    verifier = Verifier(arguments.model)
    # Each article is segmented and attributed once, though reported again for each decision tried.
    verifier.claims = functools.lru_cache(maxsize=None)(verifier.claims)  # type: ignore[method-assign]
    plain = replace(verifier.settings, fitted=None)
    verifier.settings = plain
    sets = {}
    for name, path in (("train", arguments.train), ("fixtures", arguments.fixture_reports), ("dev", arguments.dev)):
        raw = report_lines(path)
        sets[name] = replayed(replaying(verifier, recorded_scores(raw)), raw, article_texts(raw))
    rows = judged_rows(sets["train"], arguments.train_judged) + fixture_rows(sets["fixtures"], arguments.fixtures)
    rows = [row for row in rows if row[1] != "unclear"]
    features = np.array([signals.vector() for signals, _, _ in rows])
    groups = [article for _, _, article in rows]
    results: dict = {"pairs": len(rows), "signals": list(PairSignals.names())}
    models = {}
    for label in FINDINGS:
        labels = np.array([truth == label for _, truth, _ in rows], dtype=int)
        models[label] = fit_logistic(features, labels, PairSignals.names())
        results[label] = {
            "positives": int(labels.sum()),
            "coefficients": dict(zip(PairSignals.names(), models[label].coefficients)),
            "calibration_out_of_fold": reliability(out_of_fold_probabilities(features, labels, groups), labels),
        }
    # Calibration on real news the models were not fitted on: PolNeAR dev's candidate pairs, judged.
    dev_rows = [row for row in judged_rows(sets["dev"], arguments.dev_judged) if row[1] != "unclear"]
    dev_features = np.array([signals.vector() for signals, _, _ in dev_rows])
    for label in FINDINGS:
        dev_labels = np.array([truth == label for _, truth, _ in dev_rows], dtype=int)
        dev_probabilities = np.array([models[label].probability(PairSignals(*row)) for row in dev_features])
        results[label]["calibration_polnear_dev"] = reliability(dev_probabilities, dev_labels)
    dev_judged = load_judged_pairs(arguments.dev_judged)
    dev_raw = report_lines(arguments.dev)
    dev_scores, dev_texts = recorded_scores(dev_raw), article_texts(dev_raw)
    thresholds = {}
    for label in FINDINGS:
        # Replayed once with every candidate of `label` found (its threshold 0, the other's out of reach), so
        # each finding carries its calibrated probability; a threshold then keeps those at or above it.
        verifier.settings = replace(
            plain,
            fitted=FittedDecision(
                models["contradiction"],
                models["corroboration"],
                0.0 if label == "contradiction" else 1.01,
                0.0 if label == "corroboration" else 1.01,
            ),
        )
        everything = replayed(replaying(verifier, dev_scores), dev_raw, dev_texts)
        sweep = []
        # From 0.50: a finding is more likely real than not, so its word is never "unlikely".
        for threshold in np.round(np.arange(0.50, 0.996, 0.01), 2):
            reports = [kept_above(report, label, float(threshold)) for report in everything]
            metrics = JudgedNewsEvaluator(dev_judged)(reports)
            sweep.append({"threshold": float(threshold), "articles": metrics["articles"], **metrics[label]})
        chosen = choose_threshold(sweep, arguments.min_precision, arguments.max_false_per_article)
        thresholds[label] = chosen["threshold"]
        results[label]["dev_sweep"] = sweep
        results[label]["chosen"] = chosen
    write_model_settings(
        arguments.model,
        "decision",
        {
            "contradiction": vars(models["contradiction"]),
            "corroboration": vars(models["corroboration"]),
            "contradiction_threshold": thresholds["contradiction"],
            "corroboration_threshold": thresholds["corroboration"],
        },
        "scripts/fit_decision.py: logistic regressions over verify.check.signals, fitted on PolNeAR train (judged) "
        "and fixtures/dev; thresholds chosen on judged PolNeAR dev (docs/results.md).",
    )
    arguments.results.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({label: results[label]["chosen"] for label in FINDINGS}, indent=1))


if __name__ == "__main__":
    main()
