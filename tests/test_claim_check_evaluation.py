"""Claim checking against articles: FNC-1 stances map to verdicts, samples are seeded, the evaluator counts per
class; SummEdits summaries load per domain, split by document, and are scored by balanced accuracy."""

import json
from collections import Counter

import pytest

from conftest import SHARED_DATA
from verify.datamodel import ClaimVerdict, NLIScores
from verify.errors import VerifyError
from verify.evaluation.claim_check import (
    ClaimCheckEvaluator,
    binary_metrics,
    document_part,
    is_claim_document_file,
    load_fnc1,
    load_summedits,
)
from verify.evaluation.dispatch import detect_task

FNC1_DEV = SHARED_DATA / "news" / "fnc1_dev_stances.jsonl"

BODIES = [
    {"body_id": "1", "body": "Police said the bridge was closed all day after the storm."},
    {"body_id": "2", "body": "The club denied it had paid a fee for the striker."},
]
STANCES = [
    {"headline": "Bridge shut after storm", "body_id": "1", "label": "agree", "id": "s0"},
    {"headline": "Traffic flowed normally over the bridge", "body_id": "1", "label": "disagree", "id": "s1"},
    {"headline": "Storm damage to be assessed", "body_id": "1", "label": "discuss", "id": "s2"},
    {"headline": "Club paid record fee for striker", "body_id": "2", "label": "disagree", "id": "s3"},
    {"headline": "Cat rescued from tree", "body_id": "2", "label": "unrelated", "id": "s4"},
]


def write(tmp_path, stances=STANCES, bodies=BODIES):
    for name, rows in (("fnc_stances.jsonl", stances), ("fnc_bodies.jsonl", bodies)):
        (tmp_path / name).write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return tmp_path / "fnc_stances.jsonl"


def test_related_pairs_load_with_their_bodies_and_verdict_labels(tmp_path):
    examples = load_fnc1(write(tmp_path))
    assert [(e.id, e.label) for e in examples] == [
        ("s0", "entailment"),
        ("s1", "contradiction"),
        ("s3", "contradiction"),
        ("s2", "neutral"),
    ]
    assert examples[0].evidence.startswith("Police said the bridge")


def test_a_per_class_sample_is_seeded(tmp_path):
    path = write(tmp_path)
    first, second = load_fnc1(path, per_class=1, seed=3), load_fnc1(path, per_class=1, seed=3)
    assert [e.id for e in first] == [e.id for e in second]
    assert sorted(e.label for e in first) == ["contradiction", "entailment", "neutral"]


@pytest.mark.parametrize(
    "bodies, message",
    [
        ([], "names body 1"),
        (None, "need their bodies file"),
    ],
)
def test_missing_bodies_are_user_errors(tmp_path, bodies, message):
    path = write(tmp_path, bodies=bodies or [])
    if bodies is None:
        (tmp_path / "fnc_bodies.jsonl").unlink()
    with pytest.raises(VerifyError, match=message):
        load_fnc1(path)


def test_the_evaluator_reports_per_class_f1_and_confusion(tmp_path):
    examples = load_fnc1(write(tmp_path))

    def check(claim: str, evidence: str) -> ClaimVerdict:  # refutes everything about the bridge
        label = "contradiction" if "bridge" in claim.lower() else "neutral"
        return ClaimVerdict(claim=claim, label=label, scores=NLIScores(0.1, 0.1, 0.8), evidence=())

    metrics = ClaimCheckEvaluator(examples)(check)
    assert metrics["confusion"]["entailment"] == {"entailment": 0, "neutral": 0, "contradiction": 1}
    assert metrics["per_class"]["contradiction"]["recall"] == 0.5
    assert metrics["per_class"]["neutral"]["precision"] == 0.5
    assert metrics["accuracy"] == 0.5


def split_holding(tmp_path, monkeypatch, held_bodies):
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"held_body_ids": held_bodies}), encoding="utf-8")
    monkeypatch.setattr("verify.evaluation.claim_check.STORY_SPLIT", split)


@pytest.mark.parametrize(
    "stories, ids",
    [
        (None, ["s0", "s1", "s3", "s2"]),
        ("held", ["s3"]),
        ("fit", ["s0", "s1", "s2"]),
    ],
)
def test_a_story_part_keeps_the_pairs_of_its_bodies(tmp_path, monkeypatch, stories, ids):
    split_holding(tmp_path, monkeypatch, ["2"])
    assert [e.id for e in load_fnc1(write(tmp_path), stories=stories)] == ids


@pytest.mark.parametrize(
    "held_bodies, stories, message",
    [
        (["2"], "test", "unknown story part 'test'"),
        (["1", "2"], "fit", "no agree / disagree / discuss pairs in the fit stories"),
    ],
)
def test_a_story_part_without_pairs_is_a_user_error(tmp_path, monkeypatch, held_bodies, stories, message):
    split_holding(tmp_path, monkeypatch, held_bodies)
    with pytest.raises(VerifyError, match=message):
        load_fnc1(write(tmp_path), stories=stories)


@pytest.mark.skipif(not FNC1_DEV.is_file(), reason=f"FNC-1 dev is absent ({FNC1_DEV})")
def test_the_shipped_story_split_shares_no_headline_or_body_between_its_parts():
    fit, held = load_fnc1(FNC1_DEV, stories="fit"), load_fnc1(FNC1_DEV, stories="held")
    assert (len(fit), len(held)) == (1858, 1862)
    assert not {e.body_id for e in fit} & {e.body_id for e in held}
    assert not {e.claim.strip() for e in fit} & {e.claim.strip() for e in held}
    assert Counter(e.label for e in held) == {"neutral": 1248, "entailment": 480, "contradiction": 134}


SUMMARIES = {
    "earnings": [
        (
            "Revenue rose 8 percent to $2.1 billion in the quarter. Margins held steady.",
            "Revenue rose 8 percent.",
            "consistent",
        ),
        (
            "Revenue rose 8 percent to $2.1 billion in the quarter. Margins held steady.",
            "Revenue fell 8 percent.",
            "inconsistent",
        ),
    ],
    "meetings": [
        (
            "Anna: the budget vote moves to Friday. Ben: fine, I will tell the board.",
            "The vote moves to Friday.",
            "consistent",
        ),
        (
            "Anna: the budget vote moves to Friday. Ben: fine, I will tell the board.",
            "Ben will resign.",
            "inconsistent",
        ),
    ],
}


def write_summedits(folder):
    folder.mkdir()
    for domain, rows in SUMMARIES.items():
        lines = [
            json.dumps(
                {"id": f"{domain}{n}", "document": d, "claim": c, "label": label, "edit_types": [], "domain": domain}
            )
            for n, (d, c, label) in enumerate(rows)
        ]
        (folder / f"{domain}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_summedits_loads_every_domain_with_binary_labels_and_a_part_per_document(tmp_path):
    folder = write_summedits(tmp_path / "summedits")
    examples = load_summedits(folder)
    assert [(e.domain, e.label) for e in examples] == [
        ("earnings", "entailment"),
        ("earnings", "unsupported"),
        ("meetings", "entailment"),
        ("meetings", "unsupported"),
    ]
    assert examples[0].body_id == examples[1].body_id != examples[2].body_id  # one id per document
    for part in ("fit", "held"):  # every summary of a document falls in its document's part
        expected = [e.id for e in examples if document_part(e.evidence) == part]
        if expected:
            assert [e.id for e in load_summedits(folder, part)] == expected
        else:
            with pytest.raises(VerifyError, match=f"no claims against documents in the {part} part"):
                load_summedits(folder, part)
    assert detect_task(folder) == detect_task(folder / "earnings.jsonl") == "check"
    assert not is_claim_document_file(write(tmp_path))  # FNC-1 stances are another format


def test_summedits_rows_that_are_not_labelled_claims_are_user_errors(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"document": "d", "claim": "c", "label": "maybe"}) + "\n", encoding="utf-8")
    with pytest.raises(VerifyError, match="line 1: not a claim against a document"):
        load_summedits(path)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # Supported recall 1/2, unsupported (refuted or not enough information alike) 2/2: balanced 0.75.
        (
            [
                ("entailment", "entailment"),
                ("entailment", "neutral"),
                ("unsupported", "contradiction"),
                ("unsupported", "neutral"),
            ],
            {"supported_recall": 0.5, "unsupported_recall": 1.0, "balanced_accuracy": 0.75},
        ),
        # Calling everything supported is chance, however many summaries are consistent.
        (
            [("entailment", "entailment")] * 3 + [("unsupported", "entailment")],
            {"supported_recall": 1.0, "unsupported_recall": 0.0, "balanced_accuracy": 0.5},
        ),
    ],
)
def test_balanced_accuracy_weighs_supported_and_unsupported_alike(pairs, expected):
    metrics = binary_metrics(pairs)
    assert {key: metrics[key] for key in expected} == pytest.approx(expected)


def test_the_evaluator_gives_summedits_balanced_accuracy_per_domain(tmp_path):
    examples = load_summedits(write_summedits(tmp_path / "summedits"))

    def says_fell_is_wrong(claim: str, evidence: str) -> ClaimVerdict:
        label = "contradiction" if "fell" in claim or "resign" in claim else "entailment"
        return ClaimVerdict(claim=claim, label=label, scores=NLIScores(0.1, 0.1, 0.8), evidence=())

    metrics = ClaimCheckEvaluator(examples)(says_fell_is_wrong)
    assert metrics["balanced_accuracy_mean"] == 1.0
    assert set(metrics["per_domain"]) == {"earnings", "meetings"}
