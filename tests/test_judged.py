"""Real news judged pair by pair: reading the judgements, matching reported pairs to them, the metrics."""

from __future__ import annotations

import json

import pytest

from tests.conftest import POLNEAR, REPO
from verify.datamodel import Claim, ClaimRelation, ModelInfo, NLIScores, Report, ReportStats, Source, Span
from verify.errors import VerifyError
from verify.evaluation.judged import (
    JudgedClaim,
    JudgedNewsEvaluator,
    JudgedPair,
    judged_pair_record,
    load_judged_pairs,
    matching_judgement,
)

JUDGED_DEV = REPO / "fixtures" / "judged" / "polnear_dev_judged.jsonl"
ARTICLE = (
    "The mayor said the bridge would reopen on Friday. "  # 0-49
    "Engineers said the bridge would stay closed for a month. "  # 50-106
    "The council said the bridge would reopen on Friday. "  # 107-159
    "Turnout was high."
)


def claim(claim_id: str, start: int, end: int, source: str) -> Claim:
    return Claim(claim_id, ARTICLE[start:end], (Span(start, end),), Source(source, source, None, "person"))


CLAIMS = (
    claim("c1", 4, 48, "the mayor"),
    claim("c2", 60, 105, "Engineers"),
    claim("c3", 112, 158, "the council"),
    claim("c4", 160, 177, "the author"),
)


def judged(first: Claim, second: Claim, truth: str, found_by: str = "report") -> JudgedPair:
    def of(item: Claim) -> JudgedClaim:
        return JudgedClaim(item.start, item.end, item.text, item.source.name)

    return JudgedPair("bridge", of(first), of(second), truth, "", "reader-1", found_by)  # type: ignore[arg-type]


def relation(first: str, second: str, label: str, probability: float = 0.9) -> ClaimRelation:
    scores = NLIScores(0.1, 0.1, 0.8)
    return ClaimRelation(first, second, label, probability, scores, scores, 0.7, False)  # type: ignore[arg-type]


def report(*relations: ClaimRelation) -> Report:
    stats = ReportStats(claims=4, pairs_total=6, pairs_scored=len(relations), seconds=0.1)
    return Report("news/bridge.txt", ARTICLE, CLAIMS, relations, ModelInfo("test", ""), stats)


@pytest.mark.parametrize(
    ("first", "second", "found"),
    [
        (CLAIMS[0], CLAIMS[1], True),
        (CLAIMS[1], CLAIMS[0], True),  # either order
        (claim("x", 4, 30, "the mayor"), CLAIMS[1], True),  # a shorter segmentation of the same claim
        (CLAIMS[0], CLAIMS[2], False),  # another pair
        (claim("x", 30, 70, "the mayor"), CLAIMS[1], False),  # overlapping under half
    ],
)
def test_a_reported_pair_matches_its_judgement_by_offsets(first, second, found):
    judgement = judged(CLAIMS[0], CLAIMS[1], "contradiction")
    assert (matching_judgement(first, second, [judgement]) is judgement) is found


def test_a_reported_pair_meets_the_judgement_it_overlaps_most():
    """Two judgements sharing a claim: the reported pair is the one whose other claim it covers most closely."""
    wide = judged(CLAIMS[0], claim("x", 50, 177, "Engineers"), "neither")
    close = judged(CLAIMS[0], CLAIMS[1], "contradiction")
    assert matching_judgement(CLAIMS[0], CLAIMS[1], [wide, close]) is close


def test_the_evaluator_counts_real_wrong_and_unjudged_findings():
    judgements = [
        judged(CLAIMS[0], CLAIMS[1], "contradiction"),
        judged(CLAIMS[0], CLAIMS[2], "corroboration"),
        judged(CLAIMS[1], CLAIMS[2], "contradiction", "reading"),
        judged(CLAIMS[2], CLAIMS[3], "neither"),
    ]
    metrics = JudgedNewsEvaluator(judgements)(
        [
            report(
                relation("c1", "c2", "contradiction"),
                relation("c3", "c4", "contradiction"),  # judged neither: wrong
                relation("c1", "c4", "contradiction"),  # never judged
                relation("c1", "c3", "corroboration"),
                relation("c2", "c3", "compatible"),  # a known conflict missed
            )
        ]
    )
    contradiction = metrics["contradiction"]
    assert (contradiction["reported"], contradiction["real"], contradiction["wrong"]) == (3, 1, 1)
    assert contradiction["unjudged"] == 1 and contradiction["precision"] == 0.5
    assert (contradiction["known_real"], contradiction["known_real_found"]) == (2, 1)
    assert metrics["corroboration"]["precision"] == 1.0 and metrics["corroboration"]["per_article"] == 1.0
    (unjudged,) = metrics["unjudged_findings"]
    assert (unjudged["first"]["text"], unjudged["second"]["text"]) == (CLAIMS[0].text, CLAIMS[3].text)


def test_judged_pairs_round_trip_and_bad_lines_are_one_line_errors(tmp_path):
    pair = judged(CLAIMS[0], CLAIMS[1], "contradiction")
    path = tmp_path / "bridge_judged.jsonl"
    path.write_text(json.dumps(judged_pair_record(pair)) + "\n")
    assert load_judged_pairs(path) == [pair]
    path.write_text(json.dumps({**judged_pair_record(pair), "truth": "maybe"}) + "\n")
    with pytest.raises(VerifyError, match="line 1: truth must be one of"):
        load_judged_pairs(path)
    path.write_text('{"article": "bridge"}\n')
    with pytest.raises(VerifyError, match="line 1: not a judged pair"):
        load_judged_pairs(path)


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="../shared/data/attribution/polnear is absent")
def test_the_judged_dev_set_quotes_its_articles():
    """Every judged claim's text is what its offsets hold in the PolNeAR dev article (whitespace aside)."""
    for pair in load_judged_pairs(JUDGED_DEV):
        text = (POLNEAR / "dev" / "text" / f"{pair.article}.txt").read_text(encoding="utf-8")
        for judged_claim in (pair.first, pair.second):
            held = text[judged_claim.start : judged_claim.end]
            assert judged_claim.text.split()[0] in held and judged_claim.text.split()[-1] in held, pair
