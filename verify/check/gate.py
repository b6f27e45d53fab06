"""The relatedness gate: which claim pairs are about the same thing and worth scoring with NLI.

The gate matters for precision as much as for speed: small NLI models call an unrelated
negated sentence ("There were no civilian casualty statistics provided.") a contradiction
of almost anything, so only pairs about the same thing are scored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from verify.check.settings import CheckSettings
from verify.datamodel import Claim

STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just me more most my no nor not now of off on once only or other our out over
own said same says she should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
""".split()
)


def content_words(text: str) -> set[str]:
    """Lower-cased content words, numbers included; a crude stem folds plurals."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*", text.lower())
    return {word.rstrip("s") if len(word) > 4 else word for word in words if word not in STOPWORDS}


def is_related(similarity: float, shares_content_word: bool, settings: CheckSettings) -> bool:
    """Similar enough alone, or similar enough and about a common word."""
    return similarity >= settings.min_similarity_alone or (
        shares_content_word and similarity >= settings.min_similarity
    )


def nearest_neighbours(similarities: np.ndarray, count: int) -> np.ndarray:
    """For each claim, whether each other claim is among its `count` most similar (ties by index)."""
    size = len(similarities)
    near = np.zeros((size, size), dtype=bool)
    if count <= 0 or size < 2:
        return near
    masked = similarities.astype(float, copy=True)
    np.fill_diagonal(masked, -np.inf)
    order = np.argsort(-masked, axis=1, kind="stable")[:, :count]
    near[np.arange(size)[:, None], order] = True
    return near | near.T


def related_pairs(
    claims: Sequence[Claim], embeddings: np.ndarray, settings: CheckSettings
) -> list[tuple[int, int, float]]:
    """Index pairs of claims about the same thing, with their cosine similarity: related by
    `is_related`, or each among the other's `settings.neighbours` most similar claims (so every
    claim is checked against its closest few, and the work grows linearly with the claims)."""
    similarities = embeddings @ embeddings.T
    words = [content_words(claim.text) for claim in claims]
    near = nearest_neighbours(similarities, settings.neighbours)
    return [
        (i, j, float(similarities[i, j]))
        for i, j in combinations(range(len(claims)), 2)
        if near[i, j] or is_related(float(similarities[i, j]), bool(words[i] & words[j]), settings)
    ]


def related_to(
    hypothesis: str, claims: Sequence[Claim], similarities: np.ndarray, settings: CheckSettings
) -> list[int]:
    """Indices of `claims` related to one checked claim (`similarities[k]`: cosine to claim k)."""
    words = content_words(hypothesis)
    return [
        k
        for k, claim in enumerate(claims)
        if is_related(float(similarities[k]), bool(words & content_words(claim.text)), settings)
    ]
