import json

import datasets
import pytest
from test_nli import make_tiny_nli_checkpoint

from conftest import NLI_DEV
from verify.datamodel import NLI_LABELS, NLIScores
from verify.errors import VerifyError
from verify.evaluation.nli_pairs import NLIEvaluator, NLIExample, load_nli_examples
from verify.runtime.nli import NLIBackend


class FakeBackend:
    """Predicts a fixed label per pair, so the metric arithmetic can be checked by hand."""

    def __init__(self, predictions: dict[tuple[str, str], str]) -> None:
        self.predictions = predictions

    def score(self, pairs):
        return [
            NLIScores(**{name: 0.8 if name == self.predictions[pair] else 0.1 for name in NLI_LABELS}) for pair in pairs
        ]


# (premise, hypothesis, gold, predicted, dataset)
THREE_WAY = [
    ("Eight people were killed in the blast.", "People died in the blast.", "entailment", "entailment", "news"),
    ("The minister resigned on Tuesday.", "The minister left office.", "entailment", "neutral", "news"),
    ("The minister spoke to reporters.", "The minister resigned.", "neutral", "neutral", "news"),
    ("Eight people were killed.", "Twelve people died.", "contradiction", "contradiction", "news"),
    ("The airport was cleared.", "The airport is occupied.", "contradiction", "entailment", "news"),
    ("Protesters gathered downtown.", "The protest was peaceful.", "neutral", "entailment", "news"),
    ("A man plays guitar on stage.", "A man performs music.", "entailment", "entailment", "news"),
]
RTE = [
    ("Troops were deployed to Almaty.", "Troops left the country.", "not_entailment", "contradiction", "rte"),
    ("The mayor met the governor.", "The mayor was fired.", "not_entailment", "neutral", "rte"),
    ("The bank raised rates.", "The bank cut rates.", "not_entailment", "entailment", "rte"),
    ("Fuel prices doubled in January.", "Fuel became more expensive.", "entailment", "neutral", "rte"),
    ("The president declared an emergency.", "An emergency was declared.", "entailment", "entailment", "rte"),
]
CANNOT = [
    ("The airport is open.", "The airport is not open.", "contradiction", "contradiction", "cannot"),
    ("The talks succeeded.", "The talks did not fail.", "not_contradiction", "entailment", "cannot"),
    ("The road was closed.", "The road was not open.", "not_contradiction", "contradiction", "cannot"),
]


def evaluate(rows, name="test"):
    backend = FakeBackend({(p, h): predicted for p, h, _, predicted, _ in rows})
    examples = [NLIExample(p, h, gold, dataset) for p, h, gold, _, dataset in rows]
    return NLIEvaluator(examples, name=name)(backend)


def test_three_way_metrics_by_hand():
    results = evaluate(THREE_WAY)

    assert results["name"] == "test"
    assert results["n"] == 7
    assert results["accuracy"] == pytest.approx(4 / 7)
    assert results["per_class"]["entailment"] == pytest.approx(
        {"precision": 2 / 4, "recall": 2 / 3, "f1": 4 / 7, "support": 3}
    )
    assert results["per_class"]["neutral"] == pytest.approx(
        {"precision": 1 / 2, "recall": 1 / 2, "f1": 1 / 2, "support": 2}
    )
    assert results["per_class"]["contradiction"] == pytest.approx(
        {"precision": 1.0, "recall": 1 / 2, "f1": 2 / 3, "support": 2}
    )
    assert results["macro_f1"] == pytest.approx((4 / 7 + 1 / 2 + 2 / 3) / 3)
    assert results["confusion"] == {
        "entailment": {"entailment": 2, "neutral": 1, "contradiction": 0},
        "neutral": {"entailment": 1, "neutral": 1, "contradiction": 0},
        "contradiction": {"entailment": 1, "neutral": 0, "contradiction": 1},
    }
    assert "per_dataset" not in results


@pytest.mark.parametrize(
    ("rows", "accuracy", "positive", "negative", "confusion"),
    [
        (
            RTE,
            3 / 5,
            ("entailment", 1 / 2, 1 / 2),
            ("not_entailment", 2 / 3, 2 / 3),
            {
                "entailment": {"entailment": 1, "not_entailment": 1},
                "not_entailment": {"entailment": 1, "not_entailment": 2},
            },
        ),
        (
            CANNOT,
            2 / 3,
            ("contradiction", 1 / 2, 1.0),
            ("not_contradiction", 1.0, 1 / 2),
            {
                "contradiction": {"contradiction": 1, "not_contradiction": 0},
                "not_contradiction": {"contradiction": 1, "not_contradiction": 1},
            },
        ),
    ],
)
def test_binary_sets_collapse_predictions(rows, accuracy, positive, negative, confusion):
    results = evaluate(rows)
    assert results["accuracy"] == pytest.approx(accuracy)
    for label, precision, recall in (positive, negative):
        assert results["per_class"][label]["precision"] == pytest.approx(precision)
        assert results["per_class"][label]["recall"] == pytest.approx(recall)
    assert set(results["per_class"]) == set(confusion)
    assert results["confusion"] == confusion


def test_mixed_datasets_are_collapsed_per_dataset_and_reported_separately():
    results = evaluate(THREE_WAY + RTE + CANNOT)

    assert results["n"] == 15
    assert results["accuracy"] == pytest.approx((4 + 3 + 2) / 15)
    assert set(results["per_dataset"]) == {"news", "rte", "cannot"}
    for dataset, rows in (("news", THREE_WAY), ("rte", RTE), ("cannot", CANNOT)):
        alone = evaluate(rows)
        del alone["name"]
        assert results["per_dataset"][dataset] == alone
    # "entailment predicted as neutral" stays neutral in the 3-way set but is not_entailment in RTE.
    assert results["confusion"]["entailment"]["neutral"] == 1
    assert results["confusion"]["entailment"]["not_entailment"] == 1


def write_jsonl(path, rows, with_dataset=True):
    with path.open("w", encoding="utf-8") as out:
        for premise, hypothesis, gold, _, dataset in rows:
            record = {"premise": premise, "hypothesis": hypothesis, "label": gold}
            if with_dataset:
                record["dataset"] = dataset
            out.write(json.dumps(record) + "\n")
    return path


@pytest.fixture(scope="module")
def entailment_only_backend(tmp_path_factory):
    """A tiny random model whose bias makes every prediction 'entailment'."""
    directory = make_tiny_nli_checkpoint(tmp_path_factory.mktemp("always-entailment"), favoured="entailment")
    return NLIBackend(directory)


def test_jsonl_file_through_a_real_backend(tmp_path, entailment_only_backend):
    examples = load_nli_examples(write_jsonl(tmp_path / "dev.jsonl", THREE_WAY))
    assert examples[1] == NLIExample(*THREE_WAY[1][:3], "news")

    results = NLIEvaluator(examples)(entailment_only_backend)

    assert results["accuracy"] == pytest.approx(3 / 7)
    assert results["per_class"]["entailment"]["recall"] == 1.0
    assert results["confusion"]["neutral"] == {"entailment": 2, "neutral": 0, "contradiction": 0}


def test_directory_of_jsonl_files_names_datasets_after_files(tmp_path, entailment_only_backend):
    write_jsonl(tmp_path / "rte.jsonl", RTE, with_dataset=False)
    write_jsonl(tmp_path / "news.jsonl", THREE_WAY)
    (tmp_path / "README.md").write_text("not data")

    examples = load_nli_examples(tmp_path)
    results = NLIEvaluator(examples)(entailment_only_backend)

    assert [e.dataset for e in examples] == ["news"] * 7 + ["rte"] * 5
    assert results["per_dataset"]["rte"]["accuracy"] == pytest.approx(2 / 5)
    assert results["per_dataset"]["news"]["accuracy"] == pytest.approx(3 / 7)


def test_saved_dataset_with_string_labels(tmp_path, entailment_only_backend):
    rows = [{"premise": p, "hypothesis": h, "label": gold, "dataset": d} for p, h, gold, _, d in CANNOT]
    datasets.Dataset.from_list(rows).save_to_disk(str(tmp_path / "cannot"))

    results = NLIEvaluator(load_nli_examples(tmp_path / "cannot"))(entailment_only_backend)

    # Every 'entailment' prediction collapses to not_contradiction.
    assert results["accuracy"] == pytest.approx(2 / 3)
    assert results["confusion"]["contradiction"] == {"contradiction": 0, "not_contradiction": 1}


def test_saved_dataset_with_class_labels_skips_unlabelled_rows(tmp_path):
    features = datasets.Features(
        {
            "premise": datasets.Value("string"),
            "hypothesis": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["entailment", "neutral", "contradiction"]),
        }
    )
    rows = {
        "premise": [p for p, *_ in THREE_WAY[:3]],
        "hypothesis": [h for _, h, *_ in THREE_WAY[:3]],
        "label": [0, -1, 2],
    }
    datasets.Dataset.from_dict(rows, features=features).save_to_disk(str(tmp_path / "snli"))

    examples = load_nli_examples(tmp_path / "snli")

    assert [(e.premise, e.label) for e in examples] == [
        (THREE_WAY[0][0], "entailment"),
        (THREE_WAY[2][0], "contradiction"),
    ]


def test_saved_dataset_dict_asks_for_a_split(tmp_path):
    split = datasets.Dataset.from_list([{"premise": "a", "hypothesis": "b", "label": "neutral"}])
    datasets.DatasetDict({"train": split, "validation": split}).save_to_disk(str(tmp_path / "both"))
    with pytest.raises(VerifyError, match="train, validation"):
        load_nli_examples(tmp_path / "both")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.jsonl", None, "no such file"),
        ("notes.txt", "premise,hypothesis,label\n", "not a .jsonl file"),
        ("broken.jsonl", '{"premise": "The airport is open."\n', r"broken.jsonl:1: not JSON"),
        ("fields.jsonl", '{"premise": "The airport is open.", "label": "neutral"}\n', "needs premise, hypothesis"),
        (
            "labels.jsonl",
            '{"premise": "The airport is open.", "hypothesis": "Flights run.", "label": "supports"}\n',
            "unknown label 'supports'",
        ),
        ("empty.jsonl", "\n", "has no examples"),
    ],
)
def test_bad_input_is_a_one_line_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(VerifyError, match=message) as error:
        load_nli_examples(path)
    assert "\n" not in str(error.value)


def test_directory_without_data_is_refused(tmp_path):
    with pytest.raises(VerifyError, match="no .jsonl files"):
        load_nli_examples(tmp_path)


def test_evaluator_needs_examples():
    with pytest.raises(VerifyError, match="no NLI examples"):
        NLIEvaluator([])


DEV_DATA = NLI_DEV


@pytest.mark.skipif(not DEV_DATA.is_dir(), reason=f"shared NLI dev data not found at {DEV_DATA}")
def test_shared_dev_sets_load_with_their_label_sets():
    examples = load_nli_examples(DEV_DATA)
    labels: dict[str, set[str]] = {}
    for example in examples:
        labels.setdefault(example.dataset, set()).add(example.label)
    assert labels["rte"] == {"entailment", "not_entailment"}
    assert labels["snli"] == set(NLI_LABELS)
    assert len(examples) > 30_000
