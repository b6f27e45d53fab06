"""Accuracy, macro-F1, per-class precision/recall/F1 and confusion of an NLI model on labelled pairs.

Examples come from a .jsonl file (one `{"premise", "hypothesis", "label"[, "dataset"]}` per
line), a directory of such files, or a `datasets` Dataset saved with `save_to_disk`.
A file's examples without a `dataset` field belong to a dataset named after the file.

Binary label sets are scored in their own terms. The model always predicts one of
entailment / neutral / contradiction (its argmax); in a dataset whose gold labels include
`not_entailment` (RTE) a prediction counts as `entailment` or `not_entailment` (neutral and
contradiction both collapse to not_entailment), and in one whose gold labels include
`not_contradiction` (CANNOT) as `contradiction` or `not_contradiction`. Other datasets are
scored 3-way. Examples without a dataset name form one group and follow the same rule.

Metrics are reported over all examples and, when the examples name more than one
dataset, per dataset. Per-class scores cover every label seen in gold or predictions;
macro-F1 is their unweighted mean. The confusion matrix is nested `gold -> predicted -> count`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from verify.datamodel import NLI_LABELS, NLIScores
from verify.errors import VerifyError
from verify.evaluation.metrics import classification_metrics
from verify.io.inputs import load_saved_dataset

BINARY_NEGATIONS = {"not_entailment": "entailment", "not_contradiction": "contradiction"}
GOLD_LABELS = frozenset(NLI_LABELS) | frozenset(BINARY_NEGATIONS)
LABEL_ORDER = (*NLI_LABELS, *BINARY_NEGATIONS)  # rows and columns of the confusion matrix


@dataclass(frozen=True)
class NLIExample:
    premise: str
    hypothesis: str
    label: str  # entailment | neutral | contradiction | not_entailment | not_contradiction
    dataset: str = ""


class Scorer(Protocol):
    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NLIScores]: ...


def _example(record: dict, default_dataset: str, where: str) -> NLIExample:
    try:
        premise, hypothesis, label = record["premise"], record["hypothesis"], record["label"]
    except (KeyError, TypeError):
        raise VerifyError(f"{where}: needs premise, hypothesis and label") from None
    label = str(label).strip().lower()
    if label not in GOLD_LABELS:
        raise VerifyError(f"{where}: unknown label {label!r}, expected one of {sorted(GOLD_LABELS)}")
    return NLIExample(str(premise), str(hypothesis), label, str(record.get("dataset") or default_dataset))


def _load_jsonl(path: Path) -> list[NLIExample]:
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise VerifyError(f"{path}:{number}: not JSON ({error.msg})") from None
            examples.append(_example(record, path.stem, f"{path}:{number}"))
    return examples


def _load_saved_dataset(path: Path) -> list[NLIExample]:
    dataset = load_saved_dataset(path)
    import datasets  # present: load_saved_dataset needs it

    label_feature = dataset.features.get("label")
    examples = []
    for number, record in enumerate(dataset):
        if isinstance(label_feature, datasets.ClassLabel):
            if record["label"] < 0:  # datasets' convention for "no gold label" (e.g. SNLI)
                continue
            record = {**record, "label": label_feature.int2str(record["label"])}
        examples.append(_example(record, "", f"{path} row {number}"))
    return examples


def load_nli_examples(path: str | Path) -> list[NLIExample]:
    """Labelled pairs from a .jsonl file, a directory of .jsonl files, or a saved `datasets` Dataset."""
    path = Path(path)
    if path.is_file():
        if path.suffix != ".jsonl":
            raise VerifyError(f"{path} is not a .jsonl file")
        examples = _load_jsonl(path)
    elif path.is_dir():
        if any((path / marker).exists() for marker in ("dataset_info.json", "state.json", "dataset_dict.json")):
            examples = _load_saved_dataset(path)
        else:
            files = sorted(path.glob("*.jsonl"))
            if not files:
                raise VerifyError(f"{path} has no .jsonl files and is not a saved dataset")
            examples = [example for file in files for example in _load_jsonl(file)]
    else:
        raise VerifyError(f"no such file or directory: {path}")
    if not examples:
        raise VerifyError(f"{path} has no examples")
    return examples


def _collapse(predicted: str, gold_labels: set[str]) -> str:
    """The prediction in the terms of the dataset's label set (see the module docstring)."""
    for negation, positive in BINARY_NEGATIONS.items():
        if negation in gold_labels:
            return positive if predicted == positive else negation
    return predicted


class NLIEvaluator:
    """Scores an NLI backend (anything with `.score(pairs)`) on labelled examples."""

    def __init__(self, examples: Iterable[NLIExample], name: str = "") -> None:
        self.examples = list(examples)
        if not self.examples:
            raise VerifyError("no NLI examples to evaluate on")
        self.name = name

    def __call__(self, backend: Scorer) -> dict:
        scores = backend.score([(example.premise, example.hypothesis) for example in self.examples])
        if len(scores) != len(self.examples):
            raise VerifyError(f"backend returned {len(scores)} scores for {len(self.examples)} pairs")
        gold_labels: dict[str, set[str]] = defaultdict(set)
        for example in self.examples:
            gold_labels[example.dataset].add(example.label)
        by_dataset: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for example, prediction in zip(self.examples, scores):
            predicted = _collapse(prediction.label, gold_labels[example.dataset])
            by_dataset[example.dataset].append((example.label, predicted))

        results = {
            "name": self.name,
            **classification_metrics([pair for pairs in by_dataset.values() for pair in pairs], LABEL_ORDER),
        }
        if len(by_dataset) > 1:
            results["per_dataset"] = {
                dataset: classification_metrics(pairs, LABEL_ORDER) for dataset, pairs in sorted(by_dataset.items())
            }
        return results
