"""Claims of different articles against each other: the index and gate, the checks, the stories."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace

import numpy as np
import pytest

from conftest import SMALL_MODEL
from verify.check.across import ArticleClaims, CorpusFindings, CrossRelation, cross_article_relations
from verify.check.settings import CheckSettings
from verify.datamodel import (
    ArticleAnalysis,
    ArticleRecord,
    Claim,
    Cue,
    ModelInfo,
    NLIScores,
    Report,
    ReportStats,
    Source,
    SourceKind,
    Span,
)

SETTINGS = CheckSettings()
NEUTRAL = NLIScores(entailment=0.05, neutral=0.9, contradiction=0.05)
DIMENSION = 256
CLOSENESS = 0.8  # embedding cosine of two claims of one story


@dataclass(frozen=True)
class Said:
    """A claim as an article writes it: "{text}, {source} said." (narration: "{text}.")."""

    source: str
    text: str
    story: int  # claims of one story lie close together in embedding space, those of different stories apart
    kind: SourceKind = "organisation"


def analysis(
    article_id: str, statements: list[Said], outlet: str | None = None, date: str | None = None
) -> ArticleClaims:
    """What the corpus stage keeps of an article's analysis, with made-up embeddings: a story's own
    direction plus one of the claim's own (cosine `CLOSENESS` within a story, about 0 across stories)."""
    text, claims = "", []
    for number, said in enumerate(statements, 1):
        sentence_start = len(text)
        narration = said.kind == "author"
        text += said.text
        content = Span(sentence_start, len(text))
        if narration:
            source, cue = Source.author(), None
        else:
            text += ", "
            mention = Span(len(text), len(text) + len(said.source))
            text += said.source + " "
            cue = Cue("said", (Span(len(text), len(text) + 4),), hedged=False)
            text += "said"
            source = Source(said.source, said.source, None, said.kind, (mention,))
        text += ". "
        unit = Span(sentence_start, len(text) - 1)
        claims.append(Claim(f"c{number}", said.text, (content,), source, cue, unit))
    report = Report(
        article=article_id,
        text=text,
        claims=tuple(claims),
        relations=(),
        model=ModelInfo("fake-nli", None),
        stats=ReportStats(claims=len(claims), pairs_total=0, pairs_scored=0, seconds=0.0),
    )
    embeddings = np.stack([_embedding(article_id, number, said.story) for number, said in enumerate(statements)])
    fields = {key: value for key, value in (("outlet", outlet), ("date", date)) if value is not None}
    return ArticleClaims.of(
        ArticleAnalysis(ArticleRecord(article_id, text, fields), report, tuple(c.id for c in claims), embeddings)
    )


def _embedding(article_id: str, number: int, story: int) -> np.ndarray:
    own = np.random.default_rng(zlib.crc32(f"{article_id}/{number}".encode())).standard_normal(DIMENSION)
    own[:64] = 0  # the first 64 dimensions are the stories'
    story_direction = np.zeros(DIMENSION)
    story_direction[story] = 1
    vector = np.sqrt(CLOSENESS) * story_direction + np.sqrt(1 - CLOSENESS) * own / np.linalg.norm(own)
    return vector.astype(np.float32)


def scorer(contradictions: dict[frozenset[str], float], seen: list[tuple[str, str]] | None = None):
    """NLI scores from a table: the contradiction probability of a pair of texts, either way; neutral otherwise."""

    def score(pairs: list[tuple[str, str]]) -> list[NLIScores]:
        if seen is not None:
            seen.extend(pairs)
        found = [contradictions.get(frozenset(pair)) for pair in pairs]
        return [NEUTRAL if p is None else NLIScores(0.02, 0.98 - p, p) for p in found]

    return score


KILLED = "Two workers were killed in the fire at the Rotterdam terminal"
UNHURT = "Nobody was hurt in the fire at the Rotterdam terminal"
CLOSED = "The Rotterdam terminal is closed after the fire"
REOPENED = "The Rotterdam terminal has reopened after the fire"
TWO_DEAD, FIVE_DEAD = (f"{count} workers died in the fire at the Rotterdam terminal" for count in ("Two", "Five"))
STORMED = "Protesters stormed the city hall in Almaty"
CALM = "Protesters did not storm the city hall in Astana"
KURDS = "Kurdish fighters took control of the border town"
SYRIANS = "Syrian troops did not take control of the border town"
TOPICS = "harbour election budget strike storm trial".split()
DEATHS = "incompatible figures for people (death): Two against Five"


@pytest.mark.parametrize(
    "first, second, label, note",
    [
        (Said("city council", KILLED, 1), Said("terminal operator", UNHURT, 1), "contradiction", ""),
        # One source in two articles contradicts itself, as inside an article.
        (
            Said("port authority", CLOSED, 1),
            Said("port authority", REOPENED, 1),
            "contradiction",
            "same source contradicts itself",
        ),
        # Two articles' narration is two reporters, not one source.
        (Said("", CLOSED, 1, "author"), Said("", REOPENED, 1, "author"), "contradiction", ""),
        (
            Said("city council", TWO_DEAD, 1),
            Said("fire brigade", FIVE_DEAD, 1),
            "contradiction",
            DEATHS,
        ),
        (
            Said("police", STORMED, 1),
            Said("mayor's office", CALM, 1),
            "compatible",
            "about different places or groups (Almaty / Astana), not a contradiction",
        ),
        (
            Said("monitor", KURDS, 1),
            Said("army", SYRIANS, 1),
            "compatible",
            "about different places or groups (Kurdish / Syrian), not a contradiction",
        ),
    ],
)
def test_a_pair_across_outlets_names_both_outlets_and_sources(first, second, label, note):
    findings = cross_article_relations(
        [
            analysis("a", [first], outlet="Daily Planet", date="2024-03-04"),
            analysis("b", [second], outlet="Harbour Times", date="2024-03-04"),
        ],
        scorer({frozenset((first.text, second.text)): 0.95}),
    )
    [found] = findings.relations
    assert (found.first.article, found.first.outlet, found.first.text) == ("a", "Daily Planet", first.text)
    assert (found.second.article, found.second.outlet, found.second.text) == ("b", "Harbour Times", second.text)
    expected_sources = [said.source if said.kind != "author" else "the author" for said in (first, second)]
    assert [found.first.source, found.second.source] == expected_sources
    assert (found.label, found.relation.note, found.across_outlets) == (label, note, True)
    # a finding's probability; a vetoed one's is that of compatible, one minus the finding's
    assert found.probability == pytest.approx(0.95 if label != "compatible" else 0.05)


@pytest.mark.parametrize(
    "first_date, second_date, label, note",
    [
        ("2024-03-04", "2024-03-06", "compatible", "change over time, not a contradiction"),
        ("2024-03-04T08:00:00", "2024-03-04T21:30:00", "contradiction", ""),  # one day: the same moment
        ("2024-03-04", None, "contradiction", ""),  # an unknown date changes nothing
        ("2024-03-04", "last week", "contradiction", ""),
    ],
)
def test_a_change_between_dated_articles_is_an_update(first_date, second_date, label, note):
    findings = cross_article_relations(
        [
            analysis("a", [Said("port operator", CLOSED, 1)], date=first_date),
            analysis("b", [Said("harbour master", REOPENED, 1)], date=second_date),
        ],
        scorer({frozenset((CLOSED, REOPENED)): 0.95}),
    )
    [found] = findings.relations
    assert (found.label, found.relation.note, found.relation.temporal_update) == (label, note, bool(note))


@pytest.mark.parametrize(
    "second_date, label, note",
    [("2024-03-04", "contradiction", DEATHS), ("2024-03-05", "compatible", "change over time, not a contradiction")],
)
def test_figures_of_different_days_are_an_update(second_date, label, note):
    """A toll that moved from one day to the next is news, not a conflict; on one day it is a conflict."""
    findings = cross_article_relations(
        [
            analysis("a", [Said("city council", TWO_DEAD, 1)], date="2024-03-04"),
            analysis("b", [Said("fire brigade", FIVE_DEAD, 1)], date=second_date),
        ],
        scorer({}),  # the number rule decides whatever the model says
    )
    [found] = findings.relations
    assert (found.label, found.relation.note) == (label, note)


def three_articles() -> list[ArticleClaims]:
    return [
        analysis(
            "planet-1",
            [Said("city council", KILLED, 1), Said("port authority", CLOSED, 1), Said("police", STORMED, 2)],
            outlet="Daily Planet",
            date="2024-03-04",
        ),
        analysis(
            "times-7",
            [Said("terminal operator", UNHURT, 1), Said("interior ministry", CALM, 2)],
            outlet="Harbour Times",
            date="2024-03-04",
        ),
        analysis(
            "post-3",
            [Said("weather service", "Heavy snow is expected in the Alps on Sunday", 3)],
            outlet="Evening Post",
            date="2024-03-05",
        ),
    ]


def test_pairs_of_one_article_are_left_to_the_article_and_unrelated_claims_are_not_scored():
    seen: list[tuple[str, str]] = []
    score = scorer({frozenset((KILLED, CLOSED)): 0.95, frozenset((KILLED, UNHURT)): 0.95}, seen)
    findings = cross_article_relations(three_articles(), score)
    assert all(found.first.article != found.second.article for found in findings.relations)
    assert [(r.first.claim, r.second.claim, r.first.article, r.second.article) for r in findings.relations] == [
        ("c1", "c1", "planet-1", "times-7"),
        ("c2", "c1", "planet-1", "times-7"),
        ("c3", "c2", "planet-1", "times-7"),
    ]
    assert (KILLED, CLOSED) not in seen and all("snow" not in premise for premise, _ in seen)
    assert [(r.first.source, r.second.source) for r in findings.contradictions] == [
        ("city council", "terminal operator")
    ]
    assert (findings.pairs_scored, len(seen)) == (3, 6)  # both directions of each scored pair


def test_a_screen_leaves_unsignalled_pairs_unscored_and_the_stories_alone():
    scored: list[tuple[str, str]] = []
    score = scorer({frozenset((STORMED, CALM)): 0.95}, scored)
    screen = scorer({frozenset((STORMED, CALM)): 0.60})  # sees only the last of the three admitted pairs
    findings = cross_article_relations(three_articles(), score, replace(CheckSettings(), screen_threshold=0.25), screen)
    unscreened = cross_article_relations(three_articles(), scorer({frozenset((STORMED, CALM)): 0.95}))
    kept = [found for found in unscreened.relations if {found.first.text, found.second.text} == {STORMED, CALM}]
    assert list(findings.relations) == kept
    assert (findings.pairs_scored, findings.pairs_screened_out, len(scored)) == (1, 2, 2)
    assert findings.stories == unscreened.stories


def test_stories_group_claims_and_articles_by_event():
    findings = cross_article_relations(three_articles(), scorer({}))
    assert [(story.id, story.article_ids, story.claim_ids) for story in findings.stories] == [
        ("s1", ("planet-1", "times-7"), (("planet-1", "c1"), ("planet-1", "c2"), ("times-7", "c1"))),
    ]
    [story] = findings.stories
    assert "Rotterdam" in story.terms
    assert story.title == UNHURT  # linked to both claims of the other article
    # Almaty and Astana share no name, place or date: no story, though the claims are checked against each other.
    assert any(r.first.text == STORMED for r in findings.relations)


def test_results_do_not_depend_on_the_order_of_the_articles():
    articles = three_articles()
    score = scorer({frozenset((KILLED, UNHURT)): 0.95})
    first = cross_article_relations(articles, score)
    assert cross_article_relations(articles[::-1], score) == first
    assert cross_article_relations([articles[1], articles[2], articles[0]], score) == first


@pytest.mark.parametrize("articles", [12, 48])
def test_pairs_considered_grow_linearly_with_the_claims(articles):
    """Four claims an article, each of one of six stories: the index proposes at most `cross_candidates`
    claims of other articles for each claim, whatever the corpus's size."""
    corpus = [
        analysis(
            f"article-{number:03}",
            [
                Said("agency", f"The {TOPICS[(number + k) % 6]} story developed further", (number + k) % 6)
                for k in range(4)
            ],
        )
        for number in range(articles)
    ]
    settings = replace(SETTINGS, cross_candidates=5)
    findings = cross_article_relations(corpus, scorer({}), settings)
    claims = 4 * articles
    assert claims <= findings.pairs_considered <= settings.cross_candidates * claims
    assert findings.pairs_scored <= findings.pairs_considered
    assert all(r.first.article != r.second.article for r in findings.relations)
    # Every claim has more than five same-story claims in other articles, all as close: each is paired with some.
    assert {(r.first.article, r.first.claim) for r in findings.relations} | {
        (r.second.article, r.second.claim) for r in findings.relations
    } == {(a.id, claim.id) for a in corpus for claim in a.claims}


def test_article_ids_must_be_unique():
    with pytest.raises(ValueError, match="article ids are not unique: a"):
        cross_article_relations([analysis("a", [Said("police", STORMED, 2)])] * 2, scorer({}))


def test_one_article_has_nothing_to_compare_across():
    findings = cross_article_relations([analysis("a", [Said("police", STORMED, 2), Said("army", CALM, 2)])], scorer({}))
    assert findings == CorpusFindings(relations=(), stories=(), pairs_considered=0, pairs_scored=0)


TWO_DIED = "Two workers died in the fire at the Rotterdam container terminal"
NOBODY_HURT = "Nobody was hurt in the fire at the Rotterdam container terminal"
TERMINAL_CLOSED = "The Rotterdam container terminal is closed after the fire"
TERMINAL_REOPENED = "The Rotterdam container terminal has reopened after the fire"
REAL_ARTICLES = [  # id, outlet, date, text
    (
        "planet-1",
        "Daily Planet",
        "2024-03-04",
        f"{TWO_DIED}, the city council said. {TERMINAL_CLOSED}, the port authority said. "
        "Police fired tear gas at protesters in Almaty, witnesses said.",
    ),
    ("post-3", "Evening Post", "2024-03-06", f"{TERMINAL_REOPENED}, the port authority said."),
    (
        "times-7",
        "Harbour Times",
        "2024-03-04",
        f"{NOBODY_HURT}, a spokesman for the operator said. "
        "Police did not fire tear gas at protesters in Astana, the interior ministry said.",
    ),
]


@pytest.fixture(scope="module")
def small_verifier():
    from verify.runtime.models import has_weights

    if not has_weights(SMALL_MODEL):
        pytest.skip(f"no NLI model weights in {SMALL_MODEL}")
    from verify.pipeline import get_verifier

    return get_verifier(str(SMALL_MODEL))


def analysed(verifier, article_id: str, outlet: str, date: str, text: str) -> ArticleClaims:
    """The per-article stage: the report, and the embeddings of its checked claims, as the corpus stage keeps them."""
    from verify.check.articles import checked_claims

    report = verifier.report(text, article_id)
    checked = checked_claims(list(report.claims))
    embeddings = verifier.embedder.encode([claim.text for claim in checked])
    record = ArticleRecord(article_id, text, {"outlet": outlet, "date": date})
    return ArticleClaims.of(ArticleAnalysis(record, report, tuple(claim.id for claim in checked), embeddings))


def by_texts(findings: CorpusFindings) -> dict[tuple[str, str], CrossRelation]:
    return {(found.first.text, found.second.text): found for found in findings.relations}


@pytest.mark.slow
def test_outlets_contradicting_each_other_with_the_small_model(small_verifier):
    articles = [analysed(small_verifier, *article) for article in REAL_ARTICLES]
    score, settings = small_verifier.backend.score, small_verifier.settings
    findings = cross_article_relations(articles, score, settings)
    found = by_texts(findings)

    deaths = found[(TWO_DIED, NOBODY_HURT)]
    assert (deaths.label, deaths.first.outlet, deaths.second.outlet) == (
        "contradiction",
        "Daily Planet",
        "Harbour Times",
    )
    assert (deaths.first.source, deaths.second.source) == ("city council", "operator")
    assert findings.contradictions[0] == deaths

    reopened = found[(TERMINAL_CLOSED, TERMINAL_REOPENED)]
    assert (reopened.label, reopened.relation.note) == ("compatible", "change over time, not a contradiction")
    # The same two claims on one day: the dates are what make it an update.
    same_day = replace(articles[1], fields={"date": "2024-03-04"})
    assert (
        by_texts(cross_article_relations([articles[0], same_day], score, settings))[
            (TERMINAL_CLOSED, TERMINAL_REOPENED)
        ].label
        == "contradiction"
    )

    places = found[
        ("Police fired tear gas at protesters in Almaty", "Police did not fire tear gas at protesters in Astana")
    ]
    assert places.label == "compatible" and "Almaty / Astana" in places.relation.note

    assert all(relation.first.article != relation.second.article for relation in findings.relations)
    checked = sum(len(article.claims) for article in articles)
    assert findings.pairs_scored <= findings.pairs_considered <= settings.cross_candidates * checked
    assert cross_article_relations(articles[::-1], score, settings) == findings
