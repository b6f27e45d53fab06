"""The NLI model is named by its folder's or hub name and the sha256 of its weight files, never by a path
of the machine: the same weights give the same identity wherever they lie, other files leave it alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import SHIPPED_PRECISION, SMALL_MODEL
from verify.datamodel import ModelInfo
from verify.runtime.models import has_weights, model_info, resolve_nli_model, shipped_model

# The weight files of each shipped NLI model, in the order they are hashed.
SHIPPED_WEIGHTS = {
    "verify-nli-mpnet": ["adapter_model.safetensors"],  # a LoRA adapter with its classification head
    "verify-nli-minilm-l6": ["model.safetensors"],  # a full checkpoint
}


def sha256_of_files(*paths: Path) -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()


@pytest.mark.parametrize("name", SHIPPED_WEIGHTS)
@pytest.mark.parametrize("reference", ["{name}", "models/{name}"])
def test_a_shipped_model_is_named_by_its_folder_and_the_hash_of_its_weights(name, reference):
    folder = shipped_model(name)
    if not has_weights(folder):
        pytest.skip(f"no weights in {folder}")
    expected = sha256_of_files(*(folder / file for file in SHIPPED_WEIGHTS[name]))
    assert model_info(resolve_nli_model(reference.format(name=name))) == ModelInfo(name, expected)


def write_model(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


CHECKPOINT = {
    "config.json": b'{"id2label": {"0": "entailment", "1": "neutral", "2": "contradiction"}}',
    "tokenizer.json": b"{}",
    "pytorch_model.bin": b"pickled tensors of an older checkpoint",
    "model.safetensors": b"the same tensors as safetensors",
}


def test_the_hash_is_over_every_weight_file_in_name_order_and_nothing_else(tmp_path):
    folder = write_model(tmp_path / "nli-checkpoint", CHECKPOINT)
    weights = (folder / "model.safetensors", folder / "pytorch_model.bin")
    assert model_info(str(folder)) == ModelInfo("nli-checkpoint", sha256_of_files(*weights))
    (folder / "config.json").write_text('{"id2label": {}}')  # not weights: the identity stays
    (folder / "README.md").write_text("A model card.")
    assert model_info(str(folder)).sha256 == sha256_of_files(*weights)
    (folder / "pytorch_model.bin").write_bytes(b"retrained tensors")
    assert model_info(str(folder)).sha256 == sha256_of_files(*weights) != sha256_of_files(*weights[::-1])


@pytest.mark.parametrize("where", ["a/nli-checkpoint", "b/c/nli-checkpoint"])
def test_the_same_weights_in_another_folder_have_the_same_identity(tmp_path, where):
    here = model_info(str(write_model(tmp_path / "nli-checkpoint", CHECKPOINT)))
    assert model_info(str(write_model(tmp_path / where, CHECKPOINT))) == here
    assert str(tmp_path) not in repr(here)


def test_a_folder_without_known_weight_files_has_no_hash(tmp_path):
    sharded = {"model-00001-of-00002.safetensors": b"half", "model-00002-of-00002.safetensors": b"half"}
    assert model_info(str(write_model(tmp_path / "sharded-nli", sharded))) == ModelInfo("sharded-nli", None)


def test_a_hub_model_is_named_as_given_and_hashed_in_its_cached_snapshot(tmp_path, monkeypatch):
    import huggingface_hub.constants

    # The layout of the Hugging Face cache: the revision `main` points to a snapshot folder.
    repository = tmp_path / "hub" / "models--newsroom--nli-small"
    (repository / "refs").mkdir(parents=True)
    (repository / "refs" / "main").write_text("5f0c2e1")
    snapshot = write_model(repository / "snapshots" / "5f0c2e1", CHECKPOINT)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    weights = (snapshot / "model.safetensors", snapshot / "pytorch_model.bin")
    assert model_info("newsroom/nli-small") == ModelInfo("newsroom/nli-small", sha256_of_files(*weights))


@pytest.mark.skipif(not has_weights(SMALL_MODEL), reason=f"no NLI model weights in {SMALL_MODEL}")
def test_two_loads_of_a_model_name_it_alike():
    from verify.runtime.nli import NLIBackend, load_backend

    first, second = load_backend(SMALL_MODEL), NLIBackend(SMALL_MODEL)  # the cached load, and a fresh one
    assert first is not second
    expected = ModelInfo(
        "verify-nli-minilm-l6", sha256_of_files(SMALL_MODEL / "model.safetensors"), precision=SHIPPED_PRECISION
    )
    assert first.model_info == second.model_info == expected
