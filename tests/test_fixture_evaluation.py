"""The labeled article fixtures load and validate, and ArticleEvaluator scores reports against them."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import DEV_FIXTURES, SHARED_DATA, TEST_FIXTURES
from verify.datamodel import Claim, ClaimRelation, ModelInfo, NLIScores, Report, ReportStats, Source, Span
from verify.errors import VerifyError
from verify.evaluation.fixtures import (
    ArticleEvaluator,
    LabeledArticle,
    load_labeled_articles,
    match_claims,
    normalise_name,
)

FIXTURES = DEV_FIXTURES
FIXTURE_FILES = sorted(DEV_FIXTURES.glob("*.json")) + sorted(TEST_FIXTURES.glob("*.json"))
SCORES = NLIScores(entailment=0.1, neutral=0.1, contradiction=0.8)


def predicted_claim(gold: Claim, **changes) -> Claim:
    """The gold claim as a system would report it: its own id, possibly other fields."""
    return replace(gold, id=f"p-{gold.id}", **changes)


def relation(first: str, second: str, label: str) -> ClaimRelation:
    return ClaimRelation(
        first=first,
        second=second,
        label=label,
        probability=0.8,
        forward=SCORES,
        backward=SCORES,
        similarity=0.7,
        same_source=False,
    )


def perfect_report(article: LabeledArticle) -> Report:
    """A report that predicts every gold claim and every gold relation (pairs in reversed order)."""
    return Report(
        article=f"{article.name}.txt",
        text=article.text,
        claims=tuple(predicted_claim(claim) for claim in article.claims),
        relations=tuple(relation(f"p-{gold.second}", f"p-{gold.first}", gold.label) for gold in article.relations),
        model=ModelInfo("hand-built", None),
        stats=ReportStats(claims=len(article.claims), pairs_total=0, pairs_scored=0, seconds=0.0),
    )


def claim_id(article: LabeledArticle, content: str) -> str:
    return next(claim.id for claim in article.claims if claim.text == content)


@pytest.fixture(scope="module")
def articles() -> list[LabeledArticle]:
    return load_labeled_articles(FIXTURES)


@pytest.fixture(scope="module")
def kazakhstan(articles) -> LabeledArticle:
    return next(article for article in articles if article.name == "kazakhstan_unrest")


AIRPORT = "they had also taken five planes at Almaty’s airport"
AIRPORT_CLEARED = "The airport had been cleared of demonstrators and was operating smoothly"
BLACKOUT = "the nation was undergoing a widespread internet blackout"
RESTORED = "internet connectivity was restored in Almaty by early Thursday"
CSTO_APPEAL = (
    "I appealed to the chiefs of CSTO (Collective Security Treaty Organisation) states today "
    "to assist Kazakhstan in combating this terrorist danger"
)
PRESS_PALACE = (
    "demonstrators in Almaty invaded the presidential palace and the mayor’s office on Wednesday, setting both on fire"
)


# --- the fixtures -------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda path: path.stem)
def test_every_fixture_loads_and_its_spans_read_its_claims(fixture):
    (article,) = load_labeled_articles(fixture)
    assert len(article.claims) >= 10
    for claim in article.claims:
        assert claim.spans[0].of(article.text) == claim.text
        assert claim.text == claim.text.strip()


def test_the_fixtures_cover_the_cases_the_checker_must_handle(articles):
    assert len(articles) >= 7
    claims = [(article, claim) for article in articles for claim in article.claims]
    assert {"person", "government_body", "media", "organisation", "anonymous", "author"} <= {
        claim.source.kind for _, claim in claims
    }
    assert any(claim.source.mention.lower() in {"he", "she", "they"} for _, claim in claims)
    same_source_contradictions = [
        gold
        for article in articles
        for gold in article.relations
        if gold.label == "contradiction" and len({c.source.name for c in article.claims if c.id in gold.pair}) == 1
    ]
    assert same_source_contradictions
    assert all(gold.note.startswith("Same source") for gold in same_source_contradictions)
    assert any(not article.pairs("contradiction") for article in articles)
    assert any(article.pairs("compatible") for article in articles)


@pytest.mark.skipif(not (SHARED_DATA / "news").is_dir(), reason="../shared/data/news is not available")
def test_the_bundled_kazakhstan_article_is_a_byte_identical_copy():
    bundled = (FIXTURES / "kazakhstan_unrest.txt").read_bytes()
    assert bundled == (SHARED_DATA / "news" / "kazakhstan_unrest.txt").read_bytes()


@pytest.mark.parametrize(
    "first, second, label",
    [
        (AIRPORT, AIRPORT_CLEARED, "contradiction"),
        (BLACKOUT, RESTORED, "compatible"),
        ("Kazakhstan appeals Russian-led coalition to suppress protesters", CSTO_APPEAL, "corroboration"),
    ],
)
def test_kazakhstan_relations_are_labeled(kazakhstan, first, second, label):
    pair = frozenset((claim_id(kazakhstan, first), claim_id(kazakhstan, second)))
    assert pair in kazakhstan.pairs(label)


@pytest.mark.parametrize(
    "content, name, role, kind, hedged",
    [
        (AIRPORT, "Kassym-Jomart Tokayev", "president", "person", False),
        (AIRPORT_CLEARED, "deputy mayor", "deputy mayor", "person", False),
        (BLACKOUT, "Netblocks", "watchdog", "organisation", True),
        (RESTORED, "Tass", "press", "media", False),
        ("Late Wednesday, Kazakh news sites became inaccessible", "the author", "reporter", "author", False),
        (
            "Before departing, police are said to have shot on several demonstrators at a home in Almaty",
            "anonymous",
            None,
            "anonymous",
            True,
        ),
    ],
)
def test_kazakhstan_sources_are_canonical(kazakhstan, content, name, role, kind, hedged):
    claim = next(claim for claim in kazakhstan.claims if claim.text == content)
    assert (claim.source.name, claim.source.role, claim.source.kind) == (name, role, kind)
    assert (claim.cue is not None and claim.cue.hedged) == hedged


def test_kazakhstan_has_no_claims_in_the_comment_boilerplate(kazakhstan):
    boilerplate_start = kazakhstan.text.index("Leave a Reply")
    assert all(claim.end <= boilerplate_start for claim in kazakhstan.claims)


# --- the loader's errors ------------------------------------------------------------------------

ARTICLE = "Police said eight people had died. Hospital officials said 12 people had died.\n"


def write_fixture(directory: Path, claims: list[dict], relations: list[dict] | None = None) -> Path:
    (directory / "crash.txt").write_text(ARTICLE, encoding="utf-8")
    fixture = directory / "crash.json"
    fixture.write_text(json.dumps({"article": "crash.txt", "claims": claims, "relations": relations or []}))
    return fixture


def gold_claim(claim_id: str, start: int, end: int, text: str | None = None, kind: str = "government_body") -> dict:
    return {
        "id": claim_id,
        "span": [start, end],
        "text": ARTICLE[start:end] if text is None else text,
        "source": {"name": "police", "role": "police", "kind": kind},
        "cue": "said",
        "hedged": False,
    }


@pytest.mark.parametrize(
    "claims, relations, message",
    [
        ([gold_claim("c1", 12, 33, text="nine people had died")], [], "crash, claim c1: span [12, 33] reads"),
        ([gold_claim("c1", 12, 900)], [], "crash, claim c1: span [12, 900] is outside"),
        ([gold_claim("c1", 12, 33, kind="police")], [], "crash, claim c1: source kind 'police'"),
        (
            [gold_claim("c1", 12, 33)],
            [{"first": "c1", "second": "c2", "label": "contradiction", "note": ""}],
            "unknown claim id c2",
        ),
        (
            [gold_claim("c1", 12, 33), gold_claim("c2", 60, 78)],
            [{"first": "c1", "second": "c2", "label": "refutes", "note": ""}],
            "label 'refutes'",
        ),
        ([gold_claim("c1", 12, 33), gold_claim("c1", 60, 78)], [], "duplicate claim ids c1"),
    ],
)
def test_invalid_fixtures_are_rejected_with_the_fixture_and_claim(tmp_path, claims, relations, message):
    fixture = write_fixture(tmp_path, claims, relations)
    with pytest.raises(VerifyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_labeled_articles(fixture)


def test_a_valid_hand_written_fixture_loads(tmp_path):
    write_fixture(
        tmp_path,
        [gold_claim("c1", 12, 33), gold_claim("c2", 59, 77)],
        [{"first": "c1", "second": "c2", "label": "contradiction", "note": "8 vs 12 dead"}],
    )
    (article,) = load_labeled_articles(tmp_path)
    assert [claim.text for claim in article.claims] == ["eight people had died", "12 people had died"]
    assert article.pairs("contradiction") == {frozenset(("c1", "c2"))}


def test_missing_path_and_bad_json_are_rejected(tmp_path):
    with pytest.raises(VerifyError, match="no labeled articles"):
        load_labeled_articles(tmp_path / "absent")
    with pytest.raises(VerifyError, match="no \\*.json fixtures"):
        load_labeled_articles(tmp_path)
    (tmp_path / "broken.json").write_text('{"article": "broken.txt", "claims": [')
    with pytest.raises(VerifyError, match="fixture broken: not valid JSON"):
        load_labeled_articles(tmp_path)


# --- claim matching and names -------------------------------------------------------------------


def airport_sentence_span(text: str, start_phrase: str, end_phrase: str) -> Span:
    return Span(text.index(start_phrase), text.index(end_phrase) + len(end_phrase))


@pytest.mark.parametrize(
    "start_phrase, end_phrase, matched",
    [
        ("they had also taken", "Almaty’s airport", AIRPORT),
        ("he added, adding that", "Almaty’s airport.", AIRPORT),  # with its cue: still mostly the content
        ("five planes", "five planes", AIRPORT),  # a fragment inside the gold span
        # the whole sentence overlaps the longer quotation more than the airport clause
        (
            "“They are grabbing",
            "Almaty’s airport.",
            "They are grabbing buildings and infrastructure, but most critically, "
            "they are seizing locations where small guns are kept",
        ),
        ("Almaty’s airport.", "A stubborn struggle", None),  # less than half of either claim
    ],
)
def test_a_predicted_span_matches_the_gold_claim_it_mostly_covers(kazakhstan, start_phrase, end_phrase, matched):
    span = airport_sentence_span(kazakhstan.text, start_phrase, end_phrase)
    prediction = Claim(id="p1", text=span.of(kazakhstan.text), spans=(span,), source=Source.author())
    matches = match_claims(kazakhstan.claims, [prediction])
    expected = None if matched is None else claim_id(kazakhstan, matched)
    assert matches.get("p1") == expected


def test_matching_is_one_to_one(kazakhstan):
    airport = next(claim for claim in kazakhstan.claims if claim.text == AIRPORT)
    duplicates = [predicted_claim(airport), replace(predicted_claim(airport), id="p-again")]
    assert match_claims(kazakhstan.claims, duplicates) == {f"p-{airport.id}": airport.id}


@pytest.mark.parametrize(
    "gold, predicted, same",
    [
        ("Kassym-Jomart Tokayev", "kassym-jomart   Tokayev", True),
        ("Kassym-Jomart Tokayev", "Tokayev", False),
        ("Ministry of Internal Affairs", "the Ministry of Internal Affairs", True),
        ("Ministry of Internal Affairs", "Kazakh Ministry of Internal Affairs", False),
        ("the author", "The Author", True),
    ],
)
def test_source_names_compare_case_and_space_insensitively(gold, predicted, same):
    assert (normalise_name(gold) == normalise_name(predicted)) == same


# --- the evaluator ------------------------------------------------------------------------------


def test_a_perfect_prediction_scores_one_everywhere(articles):
    metrics = ArticleEvaluator(articles)([perfect_report(article) for article in articles])
    for prefix in ("claim", "contradiction", "corroboration"):
        for metric in ("precision", "recall", "f1"):
            assert metrics[f"{prefix}_{metric}"] == 1.0
    assert metrics["source_accuracy"] == metrics["role_accuracy"] == 1.0
    assert metrics["compatible_reported_as_contradiction"] == 0
    assert metrics["gold_claims"] == sum(len(article.claims) for article in articles)


def drop_relation(report: Report, first: str, second: str) -> Report:
    ends = {first, second}
    kept = tuple(r for r in report.relations if {r.first, r.second} != ends)
    return replace(report, relations=kept)


def add_relation(report: Report, first: str, second: str, label: str) -> Report:
    return replace(report, relations=report.relations + (relation(first, second, label),))


def change_source(report: Report, claim: str, **changes) -> Report:
    claims = tuple(replace(c, source=replace(c.source, **changes)) if c.id == claim else c for c in report.claims)
    return replace(report, claims=claims)


def drop_claim(report: Report, claim: str) -> Report:
    return replace(report, claims=tuple(c for c in report.claims if c.id != claim))


@pytest.mark.parametrize(
    "mistake, expected",
    [
        (
            # no relation at all: the gate never sent the pair to NLI
            lambda report, ids: drop_relation(report, ids[AIRPORT], ids[AIRPORT_CLEARED]),
            {"contradiction_recall": 0.0, "contradiction_precision": 1.0, "corroboration_f1": 1.0, "gate_recall": 0.0},
        ),
        (
            # scored but judged compatible: the gate did its part
            lambda report, ids: add_relation(
                drop_relation(report, ids[AIRPORT], ids[AIRPORT_CLEARED]),
                ids[AIRPORT],
                ids[AIRPORT_CLEARED],
                "compatible",
            ),
            {"contradiction_recall": 0.0, "gate_recall": 1.0},
        ),
        (
            lambda report, ids: add_relation(report, ids[CSTO_APPEAL], ids[PRESS_PALACE], "contradiction"),
            {"contradiction_precision": 0.5, "contradiction_recall": 1.0},
        ),
        (
            lambda report, ids: add_relation(report, ids[BLACKOUT], ids[RESTORED], "contradiction"),
            {"compatible_reported_as_contradiction": 1, "contradiction_precision": 0.5},
        ),
        (
            lambda report, ids: change_source(report, ids[AIRPORT], name="Tokayev"),
            {"source_accuracy": 26 / 27, "role_accuracy": 1.0},
        ),
        (
            lambda report, ids: change_source(report, ids[AIRPORT_CLEARED], role="mayor"),
            {"source_accuracy": 1.0, "role_accuracy": 26 / 27},
        ),
        (
            # losing a claim loses its contradiction: the relation's end no longer matches
            lambda report, ids: drop_claim(report, ids[AIRPORT_CLEARED]),
            {"claim_recall": 26 / 27, "claim_precision": 1.0, "contradiction_recall": 0.0},
        ),
    ],
    ids=[
        "missed contradiction",
        "contradiction judged compatible",
        "extra contradiction",
        "compatible as contradiction",
        "wrong source",
        "wrong role",
        "missed claim",
    ],
)
def test_mistakes_lower_the_metric_they_concern(kazakhstan, mistake, expected):
    ids = {claim.text: f"p-{claim.id}" for claim in kazakhstan.claims}
    metrics = ArticleEvaluator([kazakhstan])([mistake(perfect_report(kazakhstan), ids)])
    assert {name: metrics[name] for name in expected} == pytest.approx(expected)


def test_an_article_without_contradictions_scores_one_when_none_are_reported(articles):
    calm = next(article for article in articles if not article.pairs("contradiction"))
    metrics = ArticleEvaluator([calm])([perfect_report(calm)])
    assert metrics["gold_contradictions"] == 0
    assert metrics["contradiction_precision"] == metrics["contradiction_recall"] == 1.0


def test_per_article_breakdown_isolates_the_article_with_the_mistake(articles, kazakhstan):
    airport, cleared = (f"p-{claim_id(kazakhstan, text)}" for text in (AIRPORT, AIRPORT_CLEARED))
    reports = [
        drop_relation(perfect_report(article), airport, cleared) if article is kazakhstan else perfect_report(article)
        for article in articles
    ]
    evaluator = ArticleEvaluator(articles)
    breakdown = evaluator.per_article(reports)
    assert set(breakdown) == {article.name for article in articles}
    assert breakdown["kazakhstan_unrest"]["contradiction_recall"] == 0.0
    assert all(
        scores["contradiction_recall"] == 1.0 for name, scores in breakdown.items() if name != "kazakhstan_unrest"
    )
    gold = sum(len(article.pairs("contradiction")) for article in articles)
    assert evaluator(reports)["contradiction_recall"] == pytest.approx((gold - 1) / gold)


def test_reports_must_line_up_with_the_articles(articles, kazakhstan):
    evaluator = ArticleEvaluator(articles)
    with pytest.raises(VerifyError, match="reports for"):
        evaluator([perfect_report(kazakhstan)])
    shuffled = [perfect_report(article) for article in reversed(articles)]
    with pytest.raises(VerifyError, match="not over the text of fixture"):
        evaluator(shuffled)
