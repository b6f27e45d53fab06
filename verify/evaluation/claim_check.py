"""Checking a claim against an article, measured on FNC-1 (a headline is the claim, the article body
the evidence; Pomerleau & Rao 2017, built on Emergent).

The body's stance maps to verify's verdicts: agree → entailment (supported), disagree →
contradiction (refuted), discuss → neutral (not enough information). `unrelated` pairs are not
checks of a claim and are left out. `per_class` draws a seeded sample of each stance, so a run
costs minutes rather than the hours of all 3,720 related pairs. `stories` keeps one part of a fixed
split of the dev stories (`fnc1_story_split.json`): a method fitted or chosen on the `fit` part is
measured on the `held` part, whose headlines and bodies it has never seen.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verify.datamodel import NLI_LABELS, ClaimVerdict
from verify.errors import VerifyError
from verify.evaluation.metrics import classification_metrics
from verify.report.labels import VERDICT_NAMES

STANCE_VERDICTS = {"agree": "entailment", "disagree": "contradiction", "discuss": "neutral"}
STORY_SPLIT = Path(__file__).with_name("fnc1_story_split.json")
STORY_PARTS = ("fit", "held")


@dataclass(frozen=True)
class ClaimCheckExample:
    id: str
    claim: str
    evidence: str
    label: str  # the expected verdict: entailment | contradiction | neutral
    body_id: str


def _read_jsonl(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise VerifyError(f"cannot read {path}: {error}") from None


def held_body_ids() -> frozenset[str]:
    """The bodies of the held stories of FNC-1 dev (`fnc1_story_split.json`)."""
    return frozenset(json.loads(STORY_SPLIT.read_text(encoding="utf-8"))["held_body_ids"])


def load_fnc1(
    stances_path: Path, per_class: int | None = None, seed: int = 13, stories: str | None = None
) -> list[ClaimCheckExample]:
    """Related FNC-1 pairs of `*_stances.jsonl`, with the bodies of the `*_bodies.jsonl` beside it;
    only those of the `stories` part ("fit" or "held") when given."""
    if stories is not None and stories not in STORY_PARTS:
        raise VerifyError(f"unknown story part '{stories}' (choose from {', '.join(STORY_PARTS)})")
    held = held_body_ids() if stories else frozenset()
    bodies_path = stances_path.with_name(stances_path.name.replace("stances", "bodies"))
    if bodies_path == stances_path or not bodies_path.is_file():
        raise VerifyError(f"{stances_path}: FNC-1 stances need their bodies file beside them ({bodies_path.name})")
    bodies = {str(row["body_id"]): row["body"] for row in _read_jsonl(bodies_path)}
    by_label: dict[str, list[ClaimCheckExample]] = {label: [] for label in STANCE_VERDICTS}
    for row in _read_jsonl(stances_path):
        if row.get("label") not in STANCE_VERDICTS:
            continue
        body_id = str(row["body_id"])
        if stories and (body_id in held) != (stories == "held"):
            continue
        if body_id not in bodies:
            raise VerifyError(
                f"{stances_path}: stance {row.get('id')} names body {body_id}, which is not in {bodies_path.name}"
            )
        by_label[row["label"]].append(
            ClaimCheckExample(
                id=str(row.get("id", len(by_label[row["label"]]))),
                claim=row["headline"],
                evidence=bodies[body_id],
                label=STANCE_VERDICTS[row["label"]],
                body_id=body_id,
            )
        )
    rng = random.Random(seed)
    examples = []
    for stance in STANCE_VERDICTS:
        rows = by_label[stance]
        examples += rows if per_class is None or per_class >= len(rows) else rng.sample(rows, per_class)
    if not examples:
        part = f" in the {stories} stories" if stories else ""
        raise VerifyError(f"{stances_path} has no agree / disagree / discuss pairs{part}")
    return examples


class ClaimCheckEvaluator:
    """Scores a claim checker (claim, evidence text) → ClaimVerdict on labelled examples."""

    def __init__(self, examples: Sequence[ClaimCheckExample]) -> None:
        if not examples:
            raise VerifyError("no claim-check examples to evaluate on")
        self.examples = list(examples)

    def __call__(
        self, check: Callable[[str, str], ClaimVerdict], progress: Callable[[int, int], None] | None = None
    ) -> dict[str, Any]:
        pairs = []
        for number, example in enumerate(self.examples, 1):
            pairs.append((example.label, check(example.claim, example.evidence).label))
            if progress:
                progress(number, len(self.examples))
        metrics = classification_metrics(pairs, NLI_LABELS)
        metrics["verdict_names"] = VERDICT_NAMES
        return metrics
