"""Checking a claim against an article, measured on two kinds of labelled data.

FNC-1 (a headline is the claim, the article body the evidence; Pomerleau & Rao 2017, built on Emergent): the
body's stance maps to verify's verdicts: agree → entailment (supported), disagree → contradiction (refuted),
discuss → neutral (not enough information). `unrelated` pairs are not checks of a claim and are left out.
`per_class` draws a seeded sample of each stance, so a run costs minutes rather than the hours of all 3,720
related pairs. `stories` keeps one part of a fixed split of the dev stories (`fnc1_story_split.json`): a method
fitted or chosen on the `fit` part is measured on the `held` part, whose headlines and bodies it has never seen.

SummEdits (Laban et al. 2023; a document and a one-sentence summary, consistent or with one atomic edit; one
file per domain): consistent → entailment, inconsistent → "unsupported" (refuted or not enough information: the
benchmark does not tell them apart). Its metric is balanced accuracy of supported against not, per domain.
`stories` splits it by document (`document_part`): every summary of a document falls in the same part.
"""

from __future__ import annotations

import hashlib
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
SUMMEDITS_VERDICTS = {"consistent": "entailment", "inconsistent": "unsupported"}
UNSUPPORTED = "unsupported"  # a binary set's "not supported": refuted or not enough information
STORY_SPLIT = Path(__file__).with_name("fnc1_story_split.json")
STORY_PARTS = ("fit", "held")


@dataclass(frozen=True)
class ClaimCheckExample:
    id: str
    claim: str
    evidence: str
    label: str  # the expected verdict: entailment | contradiction | neutral, or entailment | unsupported
    body_id: str  # the evidence's id: FNC-1's body, a hash of a SummEdits document
    domain: str = "fnc1"


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


def text_id(text: str) -> str:
    """A short fixed id of a text (a document, a claim): the start of its sha256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def document_part(document: str) -> str:
    """A SummEdits document's part of the fit / held split, by a hash of its text: fixed, and about half each."""
    return STORY_PARTS[int(text_id(document)[:8], 16) % 2]


def is_claim_document_file(path: Path) -> bool:
    """Whether `path` is a JSON-lines file of claims against documents (SummEdits' format)."""
    if not (path.is_file() and path.suffix == ".jsonl"):
        return False
    with path.open(encoding="utf-8", errors="replace") as lines:
        first = next((line for line in lines if line.strip()), "")
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and {"document", "claim", "label"} <= row.keys()


def load_summedits(path: Path, stories: str | None = None) -> list[ClaimCheckExample]:
    """The claims of a SummEdits domain file, or of every domain file in a folder; only those of the `stories`
    part ("fit" or "held", by document) when given."""
    if stories is not None and stories not in STORY_PARTS:
        raise VerifyError(f"unknown story part '{stories}' (choose from {', '.join(STORY_PARTS)})")
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    examples = []
    for file in files:
        for number, row in enumerate(_read_jsonl(file), 1):
            if not isinstance(row, dict) or row.get("label") not in SUMMEDITS_VERDICTS:
                raise VerifyError(
                    f"{file}, line {number}: not a claim against a document labelled consistent or inconsistent"
                )
            document = row["document"]
            if stories and document_part(document) != stories:
                continue
            examples.append(
                ClaimCheckExample(
                    id=str(row.get("id", f"{file.stem}-{number}")),
                    claim=row["claim"],
                    evidence=document,
                    label=SUMMEDITS_VERDICTS[row["label"]],
                    body_id=text_id(document),
                    domain=str(row.get("domain") or file.stem),
                )
            )
    if not examples:
        part = f" in the {stories} part" if stories else ""
        raise VerifyError(f"{path} has no claims against documents{part}")
    return examples


def binary_metrics(pairs: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Supported against not (refuted and not enough information together): the recall of each and their mean,
    the balanced accuracy."""
    supported = [predicted == "entailment" for gold, predicted in pairs if gold == "entailment"]
    unsupported = [predicted != "entailment" for gold, predicted in pairs if gold != "entailment"]
    recalls = [sum(found) / len(found) for found in (supported, unsupported) if found]
    return {
        "n": len(pairs),
        "supported_recall": sum(supported) / len(supported) if supported else 0.0,
        "unsupported_recall": sum(unsupported) / len(unsupported) if unsupported else 0.0,
        "balanced_accuracy": sum(recalls) / len(recalls) if recalls else 0.0,
    }


class ClaimCheckEvaluator:
    """Scores a claim checker (claim, evidence text) → ClaimVerdict on labelled examples."""

    def __init__(self, examples: Sequence[ClaimCheckExample]) -> None:
        if not examples:
            raise VerifyError("no claim-check examples to evaluate on")
        self.examples = list(examples)

    def __call__(
        self, check: Callable[[str, str], ClaimVerdict], progress: Callable[[int, int], None] | None = None
    ) -> dict[str, Any]:
        """FNC-1's 3-way metrics; on a binary set (SummEdits) balanced accuracy, per domain and their mean."""
        pairs = []
        # By evidence: the checker keeps the last few articles ready (`Verifier.evidence`).
        for number, example in enumerate(sorted(self.examples, key=lambda e: e.body_id), 1):
            pairs.append((example, check(example.claim, example.evidence).label))
            if progress:
                progress(number, len(self.examples))
        if any(example.label == UNSUPPORTED for example, _ in pairs):
            domains = sorted({example.domain for example, _ in pairs})
            per_domain = {
                domain: binary_metrics([(e.label, label) for e, label in pairs if e.domain == domain])
                for domain in domains
            }
            return {
                "balanced_accuracy_mean": sum(m["balanced_accuracy"] for m in per_domain.values()) / len(per_domain),
                **binary_metrics([(e.label, label) for e, label in pairs]),
                "per_domain": per_domain,
                "verdict_names": VERDICT_NAMES,
            }
        metrics = classification_metrics([(e.label, label) for e, label in pairs], NLI_LABELS)
        metrics["verdict_names"] = VERDICT_NAMES
        return metrics
