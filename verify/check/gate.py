"""The relatedness gate: which claim pairs are about the same thing and worth scoring with NLI.

The gate matters for precision as much as for speed: small NLI models call an unrelated
negated sentence ("There were no civilian casualty statistics provided.") a contradiction
of almost anything, so only pairs about the same thing are scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from verify.check.lexicon import STOPWORDS
from verify.check.settings import CheckSettings
from verify.datamodel import Claim

SIMILARITY_BLOCK = 512  # rows of the claim-by-claim similarity matrix held at once


def content_words(text: str) -> set[str]:
    """Lower-cased content words, numbers included; a crude stem folds plurals."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*", text.lower())
    return {word.rstrip("s") if len(word) > 4 else word for word in words if word not in STOPWORDS}


def is_related(similarity: float, shares_content_word: bool, settings: CheckSettings) -> bool:
    """Similar enough alone, or similar enough and about a common word."""
    return similarity >= settings.min_similarity_alone or (
        shares_content_word and similarity >= settings.min_similarity
    )


def admits(rank: int, similarity: float, shares_content_word: bool, settings: CheckSettings) -> bool:
    """The gate's decision for two claims, one the `rank`-th most similar to the other (0: the most)."""
    return rank < settings.neighbours or (
        rank < settings.max_related and is_related(similarity, shares_content_word, settings)
    )


@dataclass(frozen=True)
class Candidates:
    """One claim's nearest claims, the most similar first, with their cosine similarities."""

    claim: int
    nearest: Sequence[int]
    similarities: Sequence[float]


def gated_pairs(
    candidates: Iterable[Candidates], words: Sequence[set[str]], settings: CheckSettings
) -> list[tuple[int, int, float]]:
    """The pairs (i < j, similarity) the gate `admits` from either claim's side, in index order; `words[i]` are
    claim i's `content_words`. Inside an article and across articles the gate is this one; only where the
    candidates come from differs."""
    pairs: dict[tuple[int, int], float] = {}
    for found in candidates:
        i = found.claim
        for rank, (j, similarity) in enumerate(zip(found.nearest, found.similarities)):
            if admits(rank, similarity, bool(words[i] & words[j]), settings):
                pairs[(min(i, j), max(i, j))] = similarity
    return [(i, j, similarity) for (i, j), similarity in sorted(pairs.items())]


def related_pairs(
    claims: Sequence[Claim], embeddings: np.ndarray, settings: CheckSettings
) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of claims about the same thing, with their cosine similarity: those the
    gate `admits` from either claim's side (each claim with its `settings.neighbours` most similar,
    and with those of its `settings.max_related` most similar that `is_related` admits)."""
    limit = min(len(claims) - 1, max(settings.max_related, settings.neighbours))
    words = [content_words(claim.text) for claim in claims]
    return gated_pairs(_nearest_by_blocks(embeddings, limit), words, settings)


def _nearest_by_blocks(embeddings: np.ndarray, count: int) -> Iterator[Candidates]:
    """Every row's `count` most similar other rows. Similarities are computed a block of rows at a time, so
    memory grows linearly with the claims, not with their square."""
    for start in range(0, len(embeddings), SIMILARITY_BLOCK):
        block = embeddings[start : start + SIMILARITY_BLOCK] @ embeddings.T
        for offset, row in enumerate(block.astype(float)):
            i = start + offset
            row[i] = -np.inf
            nearest = _most_similar(row, count)
            yield Candidates(i, nearest.tolist(), row[nearest].tolist())


def _most_similar(row: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` largest values, largest first (ties by index)."""
    if count <= 0:
        return np.empty(0, dtype=int)
    candidates = np.argpartition(-row, count - 1)[:count] if count < len(row) else np.arange(len(row))
    return candidates[np.lexsort((candidates, -row[candidates]))]


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
