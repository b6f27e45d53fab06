"""The fitted decision: calibrated probabilities of contradiction and corroboration from a pair's signals.

Two logistic regressions over `PairSignals` (standardised), fitted by `scripts/fit_decision.py` on real news
(PolNeAR train pairs, judged by a reader) and labelled pairs (fixtures/dev), shipped beside the NLI model's
weights as `decision.json`: a model's probabilities mean different things, so each model carries its own.
Inference is a dot product, written here so the product needs no scikit-learn.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from verify.datamodel import PairSignals
from verify.errors import VerifyError

DECISION_FILE = "decision.json"


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


def load_fitted_decision(model_dir: str | Path) -> FittedDecision | None:
    """The model's fitted decision (its decision.json), or None where it ships none."""
    path = Path(model_dir) / DECISION_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return FittedDecision(
            LogisticModel.from_jsonable(data["contradiction"]),
            LogisticModel.from_jsonable(data["corroboration"]),
            float(data["contradiction_threshold"]),
            float(data["corroboration_threshold"]),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise VerifyError(f"{path}: not a fitted decision ({error})") from None
