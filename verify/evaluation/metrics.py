"""The metrics every evaluator shares: precision / recall / F1 and one-to-one greedy matching.

One convention for the empty cases: precision with nothing predicted is 1.0 and recall with
nothing to find is 1.0 (nothing claimed wrongly, nothing missed); F1 is 0.0 when both
precision and recall are 0.0. So an article without contradictions scores 1.0 when none are
reported, and a class never predicted has F1 0.0 as long as it has gold examples.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple


class PRF(NamedTuple):
    precision: float
    recall: float
    f1: float


def precision_recall_f1(matched: int | float, predicted: int | float, gold: int | float) -> PRF:
    precision = matched / predicted if predicted else 1.0
    recall = matched / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def greedy_one_to_one(candidates: Iterable[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """Match (score, left, right) candidates one-to-one, highest score first (ties: lower indices).

    Returns the (left, right) index pairs kept.
    """
    pairs: list[tuple[int, int]] = []
    used_left: set[int] = set()
    used_right: set[int] = set()
    for _, left, right in sorted(candidates, key=lambda item: (-item[0], item[1], item[2])):
        if left not in used_left and right not in used_right:
            used_left.add(left)
            used_right.add(right)
            pairs.append((left, right))
    return pairs


def classification_metrics(pairs: Sequence[tuple[str, str]], label_order: Sequence[str] = ()) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix
    (`gold -> predicted -> count`) of (gold, predicted) label pairs. Classes cover every label seen
    in gold or predictions, in `label_order` first, then alphabetically."""
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for gold, predicted in pairs:
        confusion[gold][predicted] += 1
    known = list(label_order)
    labels = sorted(
        {label for pair in pairs for label in pair},
        key=lambda label: (known.index(label), label) if label in known else (len(known), label),
    )
    per_class = {}
    for label in labels:
        gold_count = sum(confusion[label].values())
        predicted_count = sum(row[label] for row in confusion.values())
        per_class[label] = {
            **precision_recall_f1(confusion[label][label], predicted_count, gold_count)._asdict(),
            "support": gold_count,
        }
    return {
        "n": len(pairs),
        "accuracy": sum(gold == predicted for gold, predicted in pairs) / len(pairs) if pairs else 0.0,
        "macro_f1": sum(scores["f1"] for scores in per_class.values()) / len(per_class) if per_class else 0.0,
        "per_class": per_class,
        "confusion": {
            gold: {predicted: confusion[gold][predicted] for predicted in labels}
            for gold in labels
            if gold in confusion
        },
    }
