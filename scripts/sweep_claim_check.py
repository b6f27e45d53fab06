"""Choose the single-claim check thresholds on FNC-1 dev (a headline is the claim, the article body
the evidence; ../shared/data/news/fnc1_dev_*.jsonl), and measure them on other FNC-1 dev pairs.

Two disjoint seeded samples of the related dev pairs: the thresholds are chosen on the first
(best macro-F1 over the grid of `claim_contradiction` × `claim_corroboration`), and both the
model's current settings and the chosen ones are measured on the second, which chose nothing.
Each body is attributed once and each (evidence, claim) pair scored once; every candidate then
re-decides with the pipeline's own `check_evidence`. Prints JSON.

    .venv/bin/python scripts/sweep_claim_check.py ../shared/data/news/fnc1_dev_stances.jsonl [--model DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from dataclasses import asdict, replace
from pathlib import Path

from verify.check.articles import checked_claims
from verify.check.verdict import check_evidence
from verify.datamodel import NLIScores
from verify.evaluation.claim_check import ClaimCheckEvaluator, ClaimCheckExample, load_fnc1
from verify.pipeline import Verifier

# From 0.5 up: a refutation needs contradiction to be the model's most probable label. Below (0.3 was
# best on the tuning sample), "The weather in Almaty was sunny." is refuted by the bundled article
# at contradiction 0.31 against neutral 0.68.
CONTRADICTION_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
CORROBORATION_GRID = (0.3, 0.5, 0.7, 0.9)


class CachedChecker:
    """`verifier.check` with the evidence's claims, the embeddings and the NLI scores kept across calls."""

    def __init__(self, verifier: Verifier) -> None:
        self.verifier = verifier
        self.evidence: dict[str, tuple] = {}
        self.claims: dict[str, object] = {}
        self.scores: dict[tuple[str, str], NLIScores] = {}

    def score(self, pairs: list[tuple[str, str]]) -> list[NLIScores]:
        missing = list(dict.fromkeys(pair for pair in pairs if pair not in self.scores))
        self.scores.update(zip(missing, self.verifier.backend.score(missing)))
        return [self.scores[pair] for pair in pairs]

    def checker(self, settings):
        def check(claim: str, evidence: str):
            if evidence not in self.evidence:
                claims = checked_claims(self.verifier.claims(evidence))
                self.evidence[evidence] = (claims, self.verifier.embedder.encode([c.text for c in claims]))
            claims, embeddings = self.evidence[evidence]
            if claim not in self.claims:
                self.claims[claim] = self.verifier.embedder.encode([claim.strip()])[0]
            return check_evidence(claim.strip(), claims, embeddings @ self.claims[claim], self.score, settings)

        return check


def samples(path: Path, per_class: int, check_per_class: int, seed: int) -> tuple[list, list]:
    """A tuning sample and a disjoint checking sample, `per_class` and `check_per_class` of each stance."""
    everything = load_fnc1(path)
    by_label: dict[str, list[ClaimCheckExample]] = {}
    for example in everything:
        by_label.setdefault(example.label, []).append(example)
    rng = random.Random(seed)
    tune, check = [], []
    for label in sorted(by_label):
        drawn = rng.sample(by_label[label], per_class + check_per_class)
        tune += drawn[:per_class]
        check += drawn[per_class:]
    return tune, check


def summary(metrics: dict) -> dict:
    return {
        "accuracy": round(metrics["accuracy"], 3),
        "macro_f1": round(metrics["macro_f1"], 3),
        **{f"{label}_f1": round(metrics["per_class"][label]["f1"], 3) for label in metrics["per_class"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stances", type=Path, help="FNC-1 DEV stances (bodies beside them)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--per-class", type=int, default=80, help="tuning pairs per stance")
    parser.add_argument("--check-per-class", type=int, default=60, help="checking pairs per stance")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if "dev" not in args.stances.name:
        parser.error("choose on FNC-1 dev only")
    tune, check = samples(args.stances, args.per_class, args.check_per_class, args.seed)
    verifier = Verifier(args.model)
    cached = CachedChecker(verifier)
    current = verifier.settings
    candidates = [
        replace(current, claim_contradiction=contradiction, claim_corroboration=corroboration)
        for contradiction, corroboration in itertools.product(CONTRADICTION_GRID, CORROBORATION_GRID)
    ]
    on_tune = [(summary(ClaimCheckEvaluator(tune)(cached.checker(settings))), settings) for settings in candidates]
    best_metrics, best = max(on_tune, key=lambda found: (found[0]["macro_f1"], found[0]["contradiction_f1"]))
    result = {
        "data": str(args.stances),
        "model": {"name": verifier.model_info.name, "sha256": verifier.model_info.sha256},
        "samples": {"tune_per_class": args.per_class, "check_per_class": args.check_per_class, "seed": args.seed},
        "chosen": {"claim_contradiction": best.claim_contradiction, "claim_corroboration": best.claim_corroboration},
        "tune": {"chosen": best_metrics, "current": summary(ClaimCheckEvaluator(tune)(cached.checker(current)))},
        "check": {
            "chosen": summary(ClaimCheckEvaluator(check)(cached.checker(best))),
            "current": summary(ClaimCheckEvaluator(check)(cached.checker(current))),
        },
        "grid": [{**metrics, "settings": asdict(settings)} for metrics, settings in on_tune],
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
