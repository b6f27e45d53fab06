"""The settings sweeps tune what ships: they check the articles through the product's own path, so the shipped
settings give in a sweep exactly the report and the metrics `verify report` and `verify evaluate` give."""

from __future__ import annotations

import importlib.util
from dataclasses import replace

import pytest

from conftest import DEV_FIXTURES, REPO, SMALL_MODEL
from verify.check.settings import for_model
from verify.datamodel import ArticleRecord, NLIScores
from verify.evaluation.fixtures import ArticleEvaluator, load_labeled_articles
from verify.evaluation.sweep import ScoreCache, SettingsSweep
from verify.pipeline import get_verifier
from verify.runtime.models import has_weights

ARTICLES = ("kazakhstan_unrest", "port_strike_ends")


def test_a_score_cache_scores_each_pair_once_across_calls():
    asked = []

    def score(pairs):
        asked.append(list(pairs))
        return [NLIScores(0.1, 0.8, 0.1) for _ in pairs]

    cache = ScoreCache(score)
    strike = ("The strike ended on Friday.", "Dockers went back to work.")
    blaze = ("The blaze was contained.", "The fire still burned.")
    assert len(cache([strike, blaze, strike])) == 3
    assert len(cache([blaze, strike])) == 2
    assert asked == [[strike, blaze]]  # the repeat in a call and the later call scored nothing again


@pytest.fixture(scope="module")
def sweep_and_reports():
    if not has_weights(SMALL_MODEL):
        pytest.skip(f"no NLI model weights in {SMALL_MODEL}")
    verifier = get_verifier(str(SMALL_MODEL))
    articles = [article for article in load_labeled_articles(DEV_FIXTURES) if article.name in ARTICLES]
    reported = [verifier.report(article.text, article.name) for article in articles]
    return (
        SettingsSweep(verifier, [ArticleRecord(article.name, article.text) for article in articles]),
        reported,
        articles,
    )


def test_the_shipped_settings_give_in_a_sweep_what_the_product_reports(sweep_and_reports):
    sweep, reported, articles = sweep_and_reports
    swept = sweep.reports(sweep.verifier.settings)
    assert [report.relations for report in swept] == [report.relations for report in reported]
    assert [report.claims for report in swept] == [report.claims for report in reported]
    assert ArticleEvaluator(articles)(swept) == ArticleEvaluator(articles)(reported)


def test_a_narrower_gate_in_a_sweep_scores_a_subset_of_the_pairs(sweep_and_reports):
    sweep, reported, _ = sweep_and_reports
    narrower = replace(sweep.verifier.settings, min_similarity=0.6, min_similarity_alone=0.7, neighbours=0)
    swept = sweep.reports(narrower)
    pairs = [{(r.first, r.second) for r in report.relations} for report in swept]
    assert all(few <= {(r.first, r.second) for r in report.relations} for few, report in zip(pairs, reported))
    assert sum(map(len, pairs)) < sum(len(report.relations) for report in reported)


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_screen_sweep_counts_the_pairs_a_threshold_drops(sweep_and_reports):
    _, reported, _ = sweep_and_reports
    kept = [replace(report, relations=report.relations[: len(report.relations) // 2]) for report in reported]
    row, dropped = script("sweep_screen").kept_and_lost(reported, kept, 0.25)
    total = sum(len(report.relations) for report in reported)
    assert row["pairs_scored"] == sum(len(report.relations) for report in kept) == total - len(dropped)
    assert sum(row["labels_lost"].values()) == len(dropped) and row["screen_threshold"] == 0.25


def test_the_check_settings_sweep_keeps_the_models_fitted_decision_and_screen():
    shipped = for_model(REPO / "models" / "verify-nli-mpnet")
    grid = script("sweep_check_settings").candidates(shipped)
    assert all(settings.fitted is shipped.fitted and settings.screen_model == shipped.screen_model for settings in grid)
    assert {settings.contradiction for settings in grid} == {shipped.contradiction}  # the fitted decision decides
    assert {(s.min_similarity, s.min_similarity_alone, s.neighbours) for s in grid} >= {(0.40, 0.45, 5)}
