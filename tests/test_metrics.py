"""The shared metrics: one empty-case convention for every evaluator, and one-to-one greedy matching."""

import pytest

from verify.evaluation.metrics import greedy_one_to_one, precision_recall_f1


@pytest.mark.parametrize(
    "matched, predicted, gold, expected",
    [
        (9, 10, 11, (0.9, 9 / 11, 2 * 0.9 * (9 / 11) / (0.9 + 9 / 11))),
        # an article without contradictions, none reported: perfect
        (0, 0, 0, (1.0, 1.0, 1.0)),
        # none reported though some were there: precise, but nothing found
        (0, 0, 3, (1.0, 0.0, 0.0)),
        # some reported where there were none: recall is vacuous, precision is zero
        (0, 2, 0, (0.0, 1.0, 0.0)),
        (0, 5, 5, (0.0, 0.0, 0.0)),
    ],
)
def test_precision_recall_f1(matched, predicted, gold, expected):
    assert tuple(precision_recall_f1(matched, predicted, gold)) == pytest.approx(expected)


@pytest.mark.parametrize(
    "candidates, expected",
    [
        # the best-scoring pair is kept first, so claim 0 goes to gold 1 and claim 1 to nothing
        ([(10, 0, 0), (30, 0, 1), (20, 1, 1)], [(0, 1)]),
        ([(10, 0, 0), (30, 0, 1), (20, 1, 0)], [(0, 1), (1, 0)]),
        # equal scores: lower indices first, so the result does not depend on the input order
        ([(5, 1, 0), (5, 0, 0)], [(0, 0)]),
        ([], []),
    ],
)
def test_greedy_one_to_one(candidates, expected):
    assert greedy_one_to_one(candidates) == expected
