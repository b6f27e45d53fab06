"""FNC-1 claim checking: stances map to verdicts, samples are seeded, the evaluator counts per class."""

import json
from collections import Counter

import pytest

from conftest import SHARED_DATA
from verify.datamodel import ClaimVerdict, NLIScores
from verify.errors import VerifyError
from verify.evaluation.claim_check import ClaimCheckEvaluator, load_fnc1

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
