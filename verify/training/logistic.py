"""Fitting the small calibrated models the product ships (`verify.check.fitted`): a logistic regression over
standardised signals, its out-of-fold probabilities, and how well calibrated they are."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from verify.check.fitted import LogisticModel


def fit_logistic(
    features: np.ndarray, labels: np.ndarray, names: Sequence[str], weights: np.ndarray | None = None
) -> LogisticModel:
    """A logistic regression over the standardised `features` (columns named `names`). Unweighted (`weights`
    None), its probabilities stay calibrated: a class-weighted fit would inflate the rarer class's."""
    scaler = StandardScaler().fit(features)
    regression = LogisticRegression(C=0.5, max_iter=2000)
    regression.fit(scaler.transform(features), labels, sample_weight=weights)
    return LogisticModel(
        tuple(names),
        tuple(float(value) for value in scaler.mean_),
        tuple(float(value) if value > 0 else 1.0 for value in scaler.scale_),
        tuple(float(value) for value in regression.coef_[0]),
        float(regression.intercept_[0]),
    )


def out_of_fold(
    features: np.ndarray,
    labels: np.ndarray,
    groups: Sequence[str],
    fit: Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], float]],
    folds: int = 5,
) -> np.ndarray:
    """Each row's probability from a model `fit` without its group (`folds` folds grouped by article or
    document); `fit` returns a function from a feature row to a probability."""
    probabilities = np.zeros(len(labels))
    for inside, held in GroupKFold(n_splits=folds).split(features, labels, groups):
        model = fit(features[inside], labels[inside])
        probabilities[held] = [model(row) for row in features[held]]
    return probabilities


def reliability(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> dict:
    """The reliability table (predicted against observed, in bins of equal width) and the expected calibration
    error: the bins' gaps weighted by their share of rows."""
    table, error = [], 0.0
    edges = np.linspace(0, 1, bins + 1)
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (probabilities >= low) & ((probabilities < high) | (high == 1.0))
        if not inside.any():
            continue
        predicted, observed = float(probabilities[inside].mean()), float(labels[inside].mean())
        table.append(
            {"bin": f"{low:.1f}-{high:.1f}", "rows": int(inside.sum()), "predicted": predicted, "observed": observed}
        )
        error += inside.mean() * abs(predicted - observed)
    return {"ece": float(error), "table": table}
