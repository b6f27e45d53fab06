"""Settings tried on articles through the product's own path, for the sweeps that choose them.

Each article is segmented, attributed and embedded once (`Verifier.segmented`); each candidate `CheckSettings` then
checks them with `verify.check.articles.check_articles`, the function `verify report` checks with, so a sweep
tunes exactly what ships: the checked claims, the gate, the screen, the rules, the fitted decision (the fixtures
evaluator then scores the reports). The NLI scores are kept across candidates (`ScoreCache`): a pair's scores do
not depend on the settings, only whether it is scored does. Each article keeps its own: its first check scores
exactly the pairs `verify report` scores in one call, so that under bf16 (where a batch's padding moves a score by
rounding) the scores are the product's too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from verify.check.articles import check_articles
from verify.check.pairs import Scorer
from verify.check.settings import CheckSettings
from verify.datamodel import ArticleRecord, NLIScores, Report
from verify.errors import VerifyError
from verify.pipeline import SegmentedArticle, Verifier


class ScoreCache:
    """A scorer that scores each distinct pair once, whatever the calls it comes in, and looks it up after that."""

    def __init__(self, score: Scorer) -> None:
        self.score = score
        self.known: dict[tuple[str, str], NLIScores] = {}

    def __call__(self, pairs: list[tuple[str, str]]) -> list[NLIScores]:
        new = [texts for texts in dict.fromkeys(pairs) if texts not in self.known]
        if new:
            self.known.update(zip(new, self.score(new)))
        return [self.known[texts] for texts in pairs]


class SettingsSweep:
    """Articles, segmented once, reported under any settings as `verify report` reports them."""

    def __init__(self, verifier: Verifier, articles: Sequence[ArticleRecord]) -> None:
        self.verifier = verifier
        # An article at a time, as `verify report` embeds them: the embedder pads a batch to its longest claim too.
        segmented = [outcome for article in articles for outcome in verifier.segmented([article])]
        failed = [outcome for outcome in segmented if not isinstance(outcome, SegmentedArticle)]
        if failed:
            raise VerifyError(f"{failed[0].id}: {failed[0].error}")
        self.segmented = [outcome for outcome in segmented if isinstance(outcome, SegmentedArticle)]
        score, screen = verifier.scorer(), verifier.screener()
        self.scores = [ScoreCache(score) for _ in self.segmented]
        self.screens = [ScoreCache(screen) if screen is not None else None for _ in self.segmented]

    def reports(self, settings: CheckSettings) -> list[Report]:
        """Each article's report under `settings`, screened by the verifier's screen model where `settings` name a
        screen model (and the verifier has one)."""
        screened = settings.screen_model is not None and self.verifier.screen_backend is not None
        model = self.verifier.model_info if screened else replace(self.verifier.model_info, screen=None)
        # An article at a time, as `verify report` and `verify evaluate` check them.
        return [
            article.report(
                check_articles([article.to_check], score, settings, screen if screened else None)[0], model, 0.0
            )
            for article, score, screen in zip(self.segmented, self.scores, self.screens)
        ]
