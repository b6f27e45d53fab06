"""The corpus work on a local Ray cluster gives what it gives in process: the same reports, embeddings,
failures, NLI scores and cross-article findings (verify/corpus/ray_engine.py)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from conftest import SMALL_MODEL
from verify.corpus.engine import analyse_corpus, in_process_engine
from verify.datamodel import ArticleAnalysis, ArticleRecord
from verify.pipeline import SCORING_CHUNK, Verifier

ray = pytest.importorskip("ray", reason="ray is not installed: pip install '.[ray]'")

from verify.corpus.ray_engine import ray_engine, ray_scorer  # noqa: E402  (needs ray)

pytestmark = pytest.mark.slow

# Two outlets on one flood, disagreeing on the toll; a third outlet on the same flood, and on another story; and
# a record with no sentence to check, which fails in its place on both paths.
RECORDS = [
    ArticleRecord(
        "herald-flood",
        "Floods in the river valley killed 40 people on Monday, the regional governor said. "
        '"Rescue teams are still searching the northern villages," a police spokesman told reporters. '
        "The main bridge was closed after the water rose overnight.",
        {"outlet": "Herald", "date": "2026-03-02"},
    ),
    ArticleRecord(
        "courier-flood",
        "Only 12 people died in the floods, according to the health ministry. "
        "The ministry said no one was missing in the northern villages. "
        "Traffic over the main bridge was normal on Monday, the transport agency said.",
        {"outlet": "Courier", "date": "2026-03-02"},
    ),
    ArticleRecord(
        "gazette-flood",
        "The regional governor said 40 people were killed by the floods. "
        "Aid groups warned that thousands of families had lost their homes.",
        {"outlet": "Gazette", "date": "2026-03-02"},
    ),
    ArticleRecord(
        "gazette-budget",
        "The finance minister said the budget would raise VAT to 21 percent. "
        "Opposition leaders said the increase would hurt poor households.",
        {"outlet": "Gazette", "date": "2026-03-03"},
    ),
    ArticleRecord("empty", "   ", {"outlet": "Herald"}),
]
BATCH_SIZE = 2  # batches of more than one article, and a last one that is short


@pytest.fixture(scope="module")
def local_cluster():
    """One local cluster for the module: starting Ray takes seconds on a small machine."""
    ray.init(num_cpus=2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def verifier():
    return Verifier(SMALL_MODEL)


def test_a_corpus_on_ray_is_analysed_as_in_process(local_cluster, verifier):
    ours: list = []
    here = analyse_corpus(RECORDS, in_process_engine(verifier, BATCH_SIZE, lambda _: None), ours.append)
    theirs: list = []
    with ray_engine(SMALL_MODEL, workers=2, batch_size=BATCH_SIZE) as engine:
        there = analyse_corpus(RECORDS, engine, theirs.append)
    assert ray.is_initialized()  # the caller's cluster is left running

    analysed = [outcome for outcome in theirs if isinstance(outcome, ArticleAnalysis)]
    assert [analysis.record.id for analysis in analysed] == [record.id for record in RECORDS[:4]]
    for mine, other in zip([o for o in ours if isinstance(o, ArticleAnalysis)], analysed, strict=True):
        assert other.record == mine.record
        assert other.report.claims == mine.report.claims
        assert other.report.relations == mine.report.relations
        assert other.checked == mine.checked
        np.testing.assert_allclose(other.embeddings, mine.embeddings, atol=1e-5)
    # Relations were scored, so their scores are compared, not empty lists.
    assert all(analysis.report.relations for analysis in analysed)
    assert [(failure.id, str(failure.error)) for failure in there.failures] == [
        (failure.id, str(failure.error)) for failure in here.failures
    ]
    # The same model; a Ray run names no precision for the corpus, its workers each choose on their own CPU.
    assert there.model == replace(here.model, precision=None) and there.stats.claims == here.stats.claims
    assert there.findings == here.findings
    # Found alike, and found: the Courier's 12 dead against another outlet's 40.
    assert any(relation.across_outlets for relation in there.findings.contradictions)


def test_pairs_scored_on_ray_get_the_in_process_scores(local_cluster, verifier, bundled_article):
    # More pairs than one chunk (SCORING_CHUNK), so the chunks go to two actors and have to come back in order.
    claims = [claim.text for claim in verifier.claims(bundled_article)][:18]
    pairs = list(itertools.permutations(claims, 2))
    assert len(pairs) > SCORING_CHUNK
    score_on_ray = ray_scorer(model=SMALL_MODEL, workers=2)
    # In process, the backend scores SCORING_CHUNK pairs at a time (`Verifier.scorer`).
    assert score_on_ray(pairs) == verifier.scorer()(pairs)
    assert score_on_ray([]) == []
