"""The fitted decisions: calibrated probabilities from signals, by logistic regressions over standardised signals.

- A report's pairs: contradiction and corroboration from a pair's `PairSignals`, fitted by
  `scripts/fit_decision.py` on real news (PolNeAR train pairs, judged by a reader) and labelled pairs
  (fixtures/dev).
- One claim against an article (`verify check`): supported and refuted from its `ClaimCheckSignals`, fitted by
  `scripts/fit_claim_check.py` on claim-vs-document data (SummEdits, FNC-1 dev: the parts split off for fitting).

Each ships in the NLI model's settings.json (`verify.check.settings`): a model's probabilities mean different
things, so each model carries its own. Inference is a dot product, written here so the product needs no
scikit-learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from verify.datamodel import ClaimCheckSignals, PairSignals


class Signals(Protocol):
    @classmethod
    def names(cls) -> tuple[str, ...]: ...

    def vector(self) -> tuple[float, ...]: ...


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float

    def probability(self, signals: Signals) -> float:
        values = dict(zip(signals.names(), signals.vector()))
        score = self.intercept + sum(
            weight * (values[name] - mean) / scale
            for name, mean, scale, weight in zip(self.features, self.mean, self.scale, self.coefficients)
        )
        return 1 / (1 + math.exp(-max(min(score, 50.0), -50.0)))

    @classmethod
    def from_jsonable(cls, data: dict, known: tuple[str, ...] = PairSignals.names()) -> LogisticModel:
        """The model written as JSON, reading only the `known` signals."""
        unknown = sorted(set(data["features"]) - set(known))
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


@dataclass(frozen=True)
class ClaimCheckHead:
    """A claim's calibrated probabilities of being supported and refuted by an article, and the thresholds of each
    verdict (chosen on the parts of the claim-check data split off for fitting)."""

    supported: LogisticModel
    refuted: LogisticModel
    supported_threshold: float
    refuted_threshold: float


def claim_check_head(data: dict) -> ClaimCheckHead:
    """The head written as JSON (the "claim_check" of a model's settings.json); ValueError, KeyError or TypeError
    where it is not one."""
    known = ClaimCheckSignals.names()
    return ClaimCheckHead(
        LogisticModel.from_jsonable(data["supported"], known),
        LogisticModel.from_jsonable(data["refuted"], known),
        float(data["supported_threshold"]),
        float(data["refuted_threshold"]),
    )
