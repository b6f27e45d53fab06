"""The relatedness gate sends at least 95% of the dev fixtures' labeled contradictions to NLI, and is still
a gate: most claim pairs are not scored. (Chosen on fixtures/dev with scripts/sweep_check_settings.py.)"""

import pytest

from conftest import DEV_FIXTURES
from verify.check.gate import related_pairs
from verify.check.settings import CheckSettings
from verify.evaluation.fixtures import load_labeled_articles, match_claims
from verify.pipeline import get_verifier

pytestmark = pytest.mark.slow


def test_gate_keeps_the_dev_contradictions():
    verifier = get_verifier()
    kept = total = gated_pairs = all_pairs = 0
    for article in load_labeled_articles(DEV_FIXTURES):
        claims = verifier.claims(article.text)
        embeddings = verifier.embedder.encode([claim.text for claim in claims])
        gold_of = match_claims(article.claims, claims)
        pairs = related_pairs(claims, embeddings, CheckSettings())
        gated = {frozenset((gold_of.get(claims[i].id), gold_of.get(claims[j].id))) for i, j, _ in pairs}
        contradictions = article.pairs("contradiction")
        kept += sum(frozenset(pair) in gated for pair in contradictions)
        total += len(contradictions)
        gated_pairs += len(pairs)
        all_pairs += len(claims) * (len(claims) - 1) // 2
    assert kept / total >= 0.95, f"the gate keeps {kept} of {total} labeled contradictions"
    assert gated_pairs < 0.5 * all_pairs
