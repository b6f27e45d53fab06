"""The gate and the thresholds of checking, in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckSettings:
    """Gate and thresholds, chosen on fixtures/dev only (scripts/sweep_check_settings.py; README,
    "Choosing the settings").

    The gate keeps at least 95% of the dev fixtures' labeled contradictions: a pair is scored when
    its claims are similar enough, or when either claim is among the other's `neighbours` most
    similar (so the work grows linearly with the claims). Precision is left to the model and the
    contradiction threshold, which is high because the shipped model gives related but compatible
    news sentences contradiction probabilities up to about 0.75.
    """

    min_similarity: float = 0.40  # cosine of the claims' embeddings, with a shared content word
    min_similarity_alone: float = 0.45  # cosine that admits a pair without a shared content word
    neighbours: int = 5  # every claim is also paired with its this many most similar claims
    contradiction: float = 0.70  # probability of contradiction, either direction
    corroboration: float = 0.50  # probability of entailment, either direction
    # Contradiction probability worth a reader's look in a report, though below `contradiction`.
    possible_conflict: float = 0.30
    # The dependency-parse rules (not informed, place states, figures); off only to measure them.
    parse_rules: bool = True
