"""The gate and the thresholds of checking, in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckSettings:
    """Gate and thresholds, chosen on the dev fixtures (README, "Choosing the thresholds").

    The gate keeps every labeled contradiction of the dev fixtures; the contradiction threshold
    is high because the shipped model gives related but compatible news sentences contradiction
    probabilities up to about 0.75.
    """

    min_similarity: float = 0.40  # cosine of the claims' embeddings, with a shared content word
    min_similarity_alone: float = 0.45  # cosine that admits a pair without a shared content word
    contradiction: float = 0.70  # probability of contradiction, either direction
    corroboration: float = 0.50  # probability of entailment, either direction
    # Contradiction probability worth a reader's look in a report, though below `contradiction`.
    possible_conflict: float = 0.30
