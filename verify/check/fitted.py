"""The fitted decision: calibrated probabilities of contradiction and corroboration from a pair's signals.

Two logistic regressions over `PairSignals` (standardised), fitted by `scripts/fit_decision.py` on real news
(PolNeAR train pairs, judged by a reader) and labelled pairs (fixtures/dev), shipped in the NLI model's
settings.json (`verify.check.settings`): a model's probabilities mean different things, so each model carries its own.
Inference is a dot product, written here so the product needs no scikit-learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from verify.datamodel import PairSignals


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float

    def probability(self, signals: PairSignals) -> float:
        values = dict(zip(PairSignals.names(), signals.vector()))
        score = self.intercept + sum(
            weight * (values[name] - mean) / scale
            for name, mean, scale, weight in zip(self.features, self.mean, self.scale, self.coefficients)
        )
        return 1 / (1 + math.exp(-max(min(score, 50.0), -50.0)))

    @classmethod
    def from_jsonable(cls, data: dict) -> LogisticModel:
        unknown = sorted(set(data["features"]) - set(PairSignals.names()))
        if unknown:
            raise ValueError(f"it reads signals this version does not make: {', '.join(unknown)}")
        mean, scale, coefficients = (
            tuple(float(value) for value in data[key]) for key in ("mean", "scale", "coefficients")
        )
        if not len(mean) == len(scale) == len(coefficients) == len(data["features"]):
            raise ValueError("features, mean, scale and coefficients differ in length")
        if any(value <= 0 for value in scale):
            raise ValueError("a scale is not positive")
        return cls(tuple(data["features"]), mean, scale, coefficients, float(data["intercept"]))


@dataclass(frozen=True)
class FittedDecision:
    """Calibrated probabilities and the thresholds that make a finding (chosen on judged PolNeAR dev news)."""

    contradiction: LogisticModel
    corroboration: LogisticModel
    contradiction_threshold: float
    corroboration_threshold: float


def fitted_decision(data: dict) -> FittedDecision:
    """The fitted decision written as JSON (the "decision" of a model's settings.json); ValueError, KeyError or
    TypeError where it is not one."""
    return FittedDecision(
        LogisticModel.from_jsonable(data["contradiction"]),
        LogisticModel.from_jsonable(data["corroboration"]),
        float(data["contradiction_threshold"]),
        float(data["corroboration_threshold"]),
    )
