"""The relatedness gate lets every labeled contradiction of the fixtures through to NLI."""

from pathlib import Path

import pytest
from conftest import DEV_FIXTURES

from verify.attribution.frames import extract_claims
from verify.check.gate import related_pairs
from verify.check.settings import CheckSettings
from verify.embed import load_embedder
from verify.evaluation.fixtures import load_labeled_articles, match_claims

ARTICLES = load_labeled_articles(DEV_FIXTURES)


@pytest.mark.parametrize("article", ARTICLES, ids=[article.name for article in ARTICLES])
def test_gate_keeps_every_labeled_contradiction(article):
    claims = extract_claims(article.text)
    embeddings = load_embedder().encode([claim.text for claim in claims])
    gold_of = match_claims(article.claims, claims)
    gated = {frozenset((gold_of.get(claims[i].id), gold_of.get(claims[j].id)))
             for i, j, _ in related_pairs(claims, embeddings, CheckSettings())}
    missing = [pair for pair in article.pairs("contradiction") if frozenset(pair) not in gated]
    assert not missing, f"gate drops labeled contradictions {missing}"
    # and it is a gate: most pairs are not scored
    assert len(gated) < 0.5 * len(claims) * (len(claims) - 1) / 2
