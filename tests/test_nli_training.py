"""NLI training: merged-class loss, batching, synthetic news pairs, the data mix and a tiny run."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from test_nli import make_tiny_nli_checkpoint

from verify.errors import VerifyError
from verify.runtime.nlp import parse
from verify.training.common import length_sorted_batches
from verify.training.nli_data import MixConfig, build_mix
from verify.training.nli_trainer import ALLOWED, LABELS, TrainConfig, load_model, merged_class_loss, train
from verify.training.synthetic_nli import (
    SyntheticPair,
    balance,
    core_clause,
    core_entailment,
    negate_main_verb,
    no_plans,
    nothing_there,
    round_number,
    same_subject_core,
    substitute_synonym,
    swap_antonym,
    swap_number,
)


@pytest.mark.parametrize(
    "label, expected",
    [
        ("entailment", -math.log(0.7)),
        ("contradiction", -math.log(0.1)),
        ("not_entailment", -math.log(0.3)),  # neutral + contradiction
        ("not_contradiction", -math.log(0.9)),  # entailment + neutral
    ],
)
def test_binary_labels_are_trained_on_merged_classes(label, expected):
    logits = torch.log(torch.tensor([[0.7, 0.2, 0.1]]))
    loss = merged_class_loss(logits, torch.tensor([ALLOWED[label]]))
    assert loss.item() == pytest.approx(expected, abs=1e-5)


def test_length_sorted_batches_cover_everything_once_with_little_padding():
    lengths = [random.Random(3).randint(5, 120) for _ in range(1000)]
    batches = length_sorted_batches(lengths, 32, random.Random(0))
    assert sorted(i for batch in batches for i in batch) == list(range(1000))
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 10
    assert batches != length_sorted_batches(lengths, 32, random.Random(1))  # shuffled batch order


@pytest.mark.parametrize(
    "rule, sentence, hypothesis, label",
    [
        (swap_number, "Eight people were killed when the bus overturned near the border.", None, "contradiction"),
        (
            negate_main_verb,
            "The ministry confirmed the figures on Tuesday evening in a brief statement.",
            "The ministry did not confirm the figures on Tuesday evening in a brief statement.",
            "contradiction",
        ),
        (
            swap_antonym,
            "Fuel prices rose sharply across the country after the subsidy was cut.",
            "Fuel prices fell sharply across the country after the subsidy was cut.",
            "contradiction",
        ),
        (
            round_number,
            "Officials said 42 ships were waiting at anchor outside the port on Thursday.",
            "Officials said about 40 ships were waiting at anchor outside the port on Thursday.",
            "entailment",
        ),
        (
            substitute_synonym,
            "The company bought the plant from its former owners in the spring.",
            "The company purchased the plant from its former owners in the spring.",
            "entailment",
        ),
    ],
)
def test_synthetic_rules_on_news_sentences(rule, sentence, hypothesis, label):
    [parsed] = list(parse(sentence).sents)
    pair = rule(parsed, random.Random(0)) if rule is swap_number else rule(parsed)
    assert pair is not None and pair.label == label and pair.premise == sentence
    if hypothesis:
        assert pair.hypothesis == hypothesis
    else:
        assert pair.hypothesis != sentence and "people were killed" in pair.hypothesis


def _sentence(text):
    [parsed] = list(parse(text).sents)
    return parsed


@pytest.mark.parametrize(
    "sentence, core",
    [
        (
            "Two senators blocked the spending bill on Tuesday after a long night of talks.",
            "Two senators blocked the spending bill.",
        ),
        ("Police arrested three men near the border on Friday.", "Police arrested three men."),
        (
            "The governor signed the budget into law after weeks of talks with lawmakers.",
            "The governor signed the budget.",
        ),
        ("The mayor told reporters that the city would borrow money.", None),  # a reported clause is no core
        ("He resigned on Tuesday after the vote.", None),  # no object, and a pronoun subject
    ],
)
def test_core_clause_cuts_after_the_object(sentence, core):
    assert core_clause(_sentence(sentence)) == core


@pytest.mark.parametrize(
    "seed, hypothesis",
    [
        (0, "Two senators blocked the spending bill."),
        (1, "Two lawmakers blocked the spending bill."),  # a broader noun is still entailed
    ],
)
def test_core_entailment(seed, hypothesis):
    pair = core_entailment(
        _sentence("Two senators blocked the spending bill on Tuesday after a long night of talks."), random.Random(seed)
    )
    assert (pair.hypothesis, pair.label) == (hypothesis, "entailment")


def test_no_plans_contradicts_the_future_tense():
    sentence = _sentence("The carmaker will close its factory in Ohio as demand for sedans falls.")
    pairs = [pair for seed in range(4) for pair in no_plans(sentence, random.Random(seed))]
    assert {pair.label for pair in pairs} == {"contradiction"}
    for pair in pairs:
        planned, future = sorted([pair.premise, pair.hypothesis], key=lambda text: " will " in text)
        assert planned.startswith("The carmaker") and " will " not in planned
        assert any(
            phrase in planned
            for phrase in ("no plans to close", "not plan to close", "no intention to close", "never intended to close")
        )
        assert future.startswith(
            ("The carmaker will ", "The factory in Ohio will close ", "The factory in Ohio will shut ")
        )
    assert any(
        pair.hypothesis.startswith("The factory in Ohio will") or pair.premise.startswith("The factory in Ohio will")
        for pair in pairs
    )  # the object as subject
    assert (
        no_plans(_sentence("The carmaker closed its factory in Ohio as demand for sedans fell."), random.Random(0))
        == []
    )


def test_a_denied_thing_is_neutral_elsewhere_and_contradicts_where_it_is_provided():
    released = _sentence("The ministry released new unemployment figures on Thursday evening.")
    bridge = _sentence("The mayor opened a new bridge over the river on Monday.")
    [unrelated] = nothing_there(bridge, [released], random.Random(0))
    assert unrelated.label == "neutral" and "new unemployment figures" in unrelated.hypothesis
    [denied] = nothing_there(released, [bridge], random.Random(0))
    assert denied.label == "contradiction" and "new unemployment figures" in denied.hypothesis
    assert denied.hypothesis.startswith(("There were no", "No "))


def test_same_subject_other_event_is_neutral():
    bridge = _sentence("The mayor opened a new bridge over the river on Monday.")
    others = [
        _sentence("The mayor signed the budget after weeks of talks with the council."),
        _sentence("The governor signed the budget after weeks of talks with the council."),
    ]
    assert [(p.hypothesis, p.label) for p in same_subject_core(bridge, others)] == [
        ("The mayor signed the budget.", "neutral")
    ]


def test_balance_caps_each_rule_and_honours_overrides():
    pairs = [SyntheticPair(f"p{i}", "h", "contradiction", rule) for rule in ("negation", "no_plans") for i in range(50)]
    chosen = balance(pairs, per_rule=10, seed=0, rule_caps={"no_plans": 30})
    assert [pair.rule for pair in chosen].count("negation") == 10
    assert [pair.rule for pair in chosen].count("no_plans") == 30
    assert chosen == balance(pairs, per_rule=10, seed=0, rule_caps={"no_plans": 30})  # seeded


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


@pytest.fixture
def nli_dir(tmp_path):
    directory = tmp_path / "train"
    directory.mkdir()
    pair = {"premise": "Eight people died.", "hypothesis": "People died.", "label": "entailment"}
    write_jsonl(directory / "snli_like.jsonl", [dict(pair, dataset="snli_like")] * 4)
    write_jsonl(directory / "sick.jsonl", [dict(pair, dataset="sick")] * 3)
    write_jsonl(
        directory / "cannot_negation.jsonl",
        [dict(pair, label="contradiction", dataset="cannot_negation")] * 6
        + [dict(pair, label="not_contradiction", dataset="cannot_negation")] * 2,
    )
    return directory


def test_mix_leaves_out_sick_and_caps_cannot_contradictions(nli_dir):
    mix = build_mix(MixConfig(nli_dir=str(nli_dir), polnear_dir=None, cannot_contradiction_cap=3))
    datasets = [row["dataset"] for row in mix]
    assert "sick" not in datasets
    assert datasets.count("snli_like") == 4
    assert sum(1 for row in mix if row["dataset"] == "cannot_negation" and row["label"] == "contradiction") == 3
    assert (
        build_mix(MixConfig(nli_dir=str(nli_dir), polnear_dir=None))["premise"]
        == build_mix(MixConfig(nli_dir=str(nli_dir), polnear_dir=None))["premise"]
    )  # seeded


def test_mix_without_files_is_a_user_error(tmp_path):
    with pytest.raises(VerifyError, match="no NLI training files"):
        build_mix(MixConfig(nli_dir=str(tmp_path), polnear_dir=None))


def toy_mix(folder: Path, premise: str, hypotheses: list[tuple[str, str]], copies: int) -> Path:
    """A training mix of `premise` against each (hypothesis, label), `copies` times over."""
    folder.mkdir()
    rows = [{"premise": premise, "hypothesis": h, "label": label, "dataset": "toy"} for h, label in hypotheses]
    write_jsonl(folder / "train.jsonl", rows * copies)
    return folder


def test_tiny_training_run_saves_an_fp16_nli_checkpoint_and_resumes(tmp_path):
    base = make_tiny_nli_checkpoint(tmp_path / "base")
    hypotheses = [
        ("People died.", "entailment"),
        ("Nobody died.", "contradiction"),
        ("The fire was arson.", "neutral"),
        ("Twelve died.", "not_entailment"),
    ]
    mix = toy_mix(tmp_path / "mix", "Eight people died in the fire.", hypotheses, copies=3)
    config = TrainConfig(
        mix=str(mix), base=str(base), out=str(tmp_path / "run"), epochs=1, batch_size=4, max_length=32, device="cpu"
    )
    run = train(config)
    checkpoint = run / "epoch-0"
    model_config = json.loads((checkpoint / "config.json").read_text())
    assert model_config["id2label"] == {str(i): label for i, label in enumerate(LABELS)}
    assert {t.dtype for t in load_file(checkpoint / "model.safetensors").values() if t.is_floating_point()} == {
        torch.float16
    }
    assert json.loads((checkpoint / "training.json").read_text())["config"]["epochs"] == 1
    # a longer schedule resumes after the saved epoch instead of starting over
    train(TrainConfig(**{**config.__dict__, "epochs": 2}), resume=True)
    assert (run / "epoch-1").exists()
    epochs = [
        json.loads(line)["epoch"] for line in (run / "log.jsonl").read_text().splitlines() if "train_loss" in line
    ]
    assert epochs == [0, 1]


def test_a_lora_run_continues_from_a_saved_adapter_with_its_own_schedule(tmp_path):
    base = make_tiny_nli_checkpoint(tmp_path / "base")
    hypotheses = [("The port is open.", "entailment"), ("The port stayed shut.", "contradiction")]
    mix = toy_mix(tmp_path / "mix", "The port reopened on Monday.", hypotheses, copies=4)
    first = TrainConfig(
        mix=str(mix),
        base=str(base),
        out=str(tmp_path / "first"),
        epochs=1,
        batch_size=4,
        max_length=32,
        lora_rank=4,
        device="cpu",
    )
    adapter = train(first) / "epoch-0"
    frozen = replace(first, out=str(tmp_path / "frozen"), init_adapter=str(adapter), lr=0.0)
    model = load_model(frozen)
    saved = load_file(adapter / "adapter_model.safetensors")
    loaded = {name: tensor for name, tensor in model.state_dict().items() if "lora_A" in name}
    assert loaded and len(loaded) == len([name for name in saved if "lora_A" in name])
    # The saved LoRA weights are the starting point, not a fresh initialisation.
    for name, tensor in loaded.items():
        match = [saved[key] for key in saved if key.replace(".weight", "") in name.replace(".default", "")]
        assert match and torch.allclose(tensor.float(), match[0].float(), atol=1e-3)
    continued = train(replace(frozen, out=str(tmp_path / "continued"), lr=1e-3))
    assert (continued / "epoch-0" / "adapter_model.safetensors").exists()


@pytest.mark.parametrize(
    "module",
    [
        "verify.training.nli_trainer",
        "verify.training.attribution_tagger",
        "verify.training.export",
        "verify.training.transfer",
    ],
)
def test_trainers_import_without_spacy_or_datasets(module):
    """The GPU machine has torch, transformers and peft only, and runs the checkout through PYTHONPATH."""
    import subprocess
    import sys

    blocked = ["spacy", "datasets", "verify.shipped_models"]  # nor is verify installed there
    code = f"import sys; sys.modules.update(dict.fromkeys({blocked})); import {module}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-500:]


def test_averaged_checkpoint_is_the_tensor_mean(tmp_path):
    from safetensors.torch import load_file

    from verify.training.average import average_checkpoints

    first = make_tiny_nli_checkpoint(tmp_path / "a", seed=1)
    second = make_tiny_nli_checkpoint(tmp_path / "b", seed=2)
    out = average_checkpoints([first, second], tmp_path / "mean")
    a, b, mean = (load_file(d / "model.safetensors") for d in (first, second, out))
    name = "classifier.weight"
    assert torch.allclose(mean[name].float(), ((a[name] + b[name]) / 2).half().float())
    assert (out / "config.json").is_file() and (out / "tokenizer.json").is_file()


def test_export_strips_the_frozen_word_embeddings_and_restores_them_from_the_base(tmp_path):
    from safetensors.torch import load_file, save_file

    from verify.training.export import PARTIAL, restore, strip

    trained = make_tiny_nli_checkpoint(tmp_path / "trained", seed=1)
    weights = load_file(trained / "model.safetensors")
    key = next(name for name in weights if name.endswith("word_embeddings.weight"))
    partial = strip(trained, tmp_path / "partial")
    assert set(load_file(partial / PARTIAL)) == set(weights) - {key}
    assert not (partial / "model.safetensors").exists() and (partial / "config.json").is_file()
    base = tmp_path / "base"
    base.mkdir()
    base_embeddings = torch.randn_like(weights[key].float())
    save_file({"embeddings.word_embeddings.weight": base_embeddings}, base / "model.safetensors")

    out = restore(partial, base, tmp_path / "restored")
    restored = load_file(out / "model.safetensors")
    assert torch.equal(restored[key], base_embeddings.half())
    assert all(torch.equal(restored[name], tensor) for name, tensor in weights.items() if name != key)
    assert not (out / PARTIAL).exists() and (out / "config.json").is_file() and (out / "tokenizer.json").is_file()


def test_base_travels_in_int8_parts_and_comes_back_close_in_any_order(tmp_path):
    from safetensors.torch import load_file

    from verify.training.transfer import pack, unpack

    base = make_tiny_nli_checkpoint(tmp_path / "base", seed=3)
    manifest = pack(base, tmp_path / "parts", part_bytes=150_000)
    parts = sorted((tmp_path / "parts").iterdir())
    assert manifest["parts"] == len(parts) > 1
    rebuilt = unpack(list(reversed(parts)), tmp_path / "rebuilt")
    original, restored = load_file(base / "model.safetensors"), load_file(rebuilt / "model.safetensors")
    assert set(original) == set(restored)
    embeddings = "bert.embeddings.word_embeddings.weight"
    error = (original[embeddings] - restored[embeddings].float()).norm() / original[embeddings].norm()
    assert 0 < error < 0.01  # quantized, and close
    assert (rebuilt / "config.json").is_file() and (rebuilt / "tokenizer.json").is_file()


def test_base_parts_that_do_not_add_up_are_refused(tmp_path):
    from verify.training.transfer import pack, unpack

    base = make_tiny_nli_checkpoint(tmp_path / "base")
    pack(base, tmp_path / "parts", part_bytes=150_000)
    parts = sorted((tmp_path / "parts").iterdir())
    with pytest.raises(ValueError, match="parts"):
        unpack(parts[:-1], tmp_path / "rebuilt")
    (parts[-1] / "weights.int8.xz.part").write_bytes(b"not the weights")
    with pytest.raises(ValueError, match="sha256"):
        unpack(parts, tmp_path / "rebuilt")


@pytest.mark.parametrize(
    ("steps_done", "seconds_so_far", "seconds_left", "planned", "fitted"),
    [
        (50, 10.0, 90.0, 10_000, 500),  # 5 steps/s for 90 s more: 450 steps after the first 50
        (50, 10.0, 90.0, 300, 300),  # a plan that fits already is kept, never lengthened
        (50, 10.0, 0.0, 10_000, 51),  # no time left: stop at the next step
    ],
)
def test_schedule_is_fitted_to_the_time_left(steps_done, seconds_so_far, seconds_left, planned, fitted):
    from verify.training.common import LinearWarmupDecay

    schedule = LinearWarmupDecay(warmup_fraction=0.1, total_steps=planned)
    assert schedule.fit(steps_done, seconds_so_far, seconds_left) == fitted
    assert schedule(fitted) == 0.0 and schedule(fitted - 1) > 0.0


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("verify-nli-mpnet", {"lr": 5e-4, "batch_size": 128, "lora_rank": 32, "lora_alpha": 64, "epochs": 3}),
        ("verify-nli-minilm-l6", {"lr": 1e-4, "batch_size": 64, "epochs": 3}),
    ],
)
def test_a_recipe_is_the_shipped_models_own_training_configuration(model, expected):
    from verify.training.recipes import recipe

    chosen = recipe(model)
    assert {name: chosen[name] for name in expected} == expected
    assert chosen.get("lora_rank", 0) == expected.get("lora_rank", 0)  # MiniLM: fine-tuned whole
    assert {"mix", "base", "out", "device", "dev"}.isdisjoint(chosen)  # the machine's, not the recipe's


@pytest.mark.parametrize(
    ("args", "base", "expected"),
    [
        ([], "all-mpnet-base-v2", {"lora_rank": 32, "lr": 5e-4, "batch_size": 128, "epochs": 3, "max_minutes": None}),
        (
            ["--recipe", "verify-nli-minilm-l6", "--epochs", "1", "--max-minutes", "30"],
            "minilm",
            {"lora_rank": 0, "lr": 1e-4, "batch_size": 64, "epochs": 1, "max_minutes": 30.0},
        ),
    ],
)
def test_train_nli_follows_the_chosen_recipe_from_its_base(tmp_path, monkeypatch, args, base, expected):
    from typer.testing import CliRunner

    from verify.cli import app
    from verify.training import nli_data, nli_trainer

    started = []
    monkeypatch.setattr(nli_data, "write_mix", lambda config, out: None)
    monkeypatch.setattr(nli_trainer, "train", lambda config, resume=False: started.append(config) or config.out)
    result = CliRunner().invoke(app, ["train-nli", "--out", str(tmp_path / "run"), *args])
    assert result.exit_code == 0, result.output
    (config,) = started
    assert {name: getattr(config, name) for name in expected} == expected
    assert base in Path(config.base).name.lower() or base in str(config.base).lower()
