"""FNC-1 claim checking: stances map to verdicts, samples are seeded, the evaluator counts per class."""

import json

import pytest

from verify.datamodel import ClaimVerdict, NLIScores
from verify.errors import VerifyError
from verify.evaluation.claim_check import ClaimCheckEvaluator, load_fnc1

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
