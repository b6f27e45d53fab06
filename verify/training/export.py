"""Checkpoints back from the GPU machine, made into models verify loads.

Full fine-tuning with frozen word embeddings: the checkpoints travel without the word-embedding
matrix, which training left identical to the base's (fp16): `strip` there, `restore` here.
A LoRA run: `ship_adapter` keeps the adapter and head in fp16, names the base verify.runtime.bases
provides instead of the path it was trained from, and adds the classifier's config (labels),
so verify.runtime.nli can merge it into the base at load time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from verify.runtime.models import ADAPTER_CONFIG, ADAPTER_WEIGHTS
from verify.training.common import WEIGHTS, copy_model_files

PARTIAL = "model.partial.safetensors"


def strip(checkpoint_dir: Path, out_dir: Path) -> Path:
    """The checkpoint without its word-embedding matrix (PARTIAL weights, other files as they are),
    small enough to travel back from the GPU machine; `restore` undoes it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = load_file(checkpoint_dir / WEIGHTS)
    key = next(name for name in weights if name.endswith("word_embeddings.weight"))
    save_file(
        {name: tensor for name, tensor in weights.items() if name != key},
        out_dir / PARTIAL,
        metadata={"format": "pt", "dropped": key},
    )
    copy_model_files(checkpoint_dir, out_dir, WEIGHTS)
    return out_dir


def restore(partial_dir: Path, base_dir: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = load_file(partial_dir / PARTIAL)
    base = load_file(base_dir / WEIGHTS)
    prefix = next(key.split("embeddings.")[0] for key in weights if "embeddings.position_embeddings" in key)
    weights[f"{prefix}embeddings.word_embeddings.weight"] = base["embeddings.word_embeddings.weight"].to(torch.float16)
    save_file({k: v.contiguous() for k, v in sorted(weights.items())}, out_dir / WEIGHTS, metadata={"format": "pt"})
    copy_model_files(partial_dir, out_dir, PARTIAL)
    return out_dir


def ship_adapter(checkpoint_dir: Path, base_dir: Path, base_name: str, out_dir: Path) -> Path:
    """A LoRA checkpoint as a shipped model: fp16 adapter, base named `base_name`, labels in config.json."""
    from verify.training.nli_trainer import LABELS

    out_dir.mkdir(parents=True, exist_ok=True)
    weights = load_file(checkpoint_dir / ADAPTER_WEIGHTS)
    save_file(
        {name: tensor.to(torch.float16).contiguous() for name, tensor in sorted(weights.items())},
        out_dir / ADAPTER_WEIGHTS,
        metadata={"format": "pt"},
    )
    adapter = json.loads((checkpoint_dir / ADAPTER_CONFIG).read_text())
    adapter.update(base_model_name_or_path=base_name, inference_mode=True)
    (out_dir / ADAPTER_CONFIG).write_text(json.dumps(adapter, indent=2, sort_keys=True) + "\n")
    config = json.loads((base_dir / "config.json").read_text())
    config.update(
        architectures=[re.sub(r"(ForMaskedLM|Model)$", "ForSequenceClassification", config["architectures"][0])],
        id2label=dict(enumerate(LABELS)),
        label2id={label: index for index, label in enumerate(LABELS)},
    )
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    for path in checkpoint_dir.iterdir():
        if path.is_file() and path.name not in (ADAPTER_WEIGHTS, ADAPTER_CONFIG, "README.md"):
            shutil.copy2(path, out_dir / path.name)
    return out_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=Path, help="a stripped checkpoint, or a LoRA checkpoint with --adapter")
    parser.add_argument("--base", type=Path, required=True, help="the base model directory")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--adapter", metavar="BASE_NAME", help="ship a LoRA checkpoint on this verify.runtime.bases base"
    )
    args = parser.parse_args(argv)
    if args.adapter:
        print(json.dumps({"shipped": str(ship_adapter(args.checkpoint, args.base, args.adapter, args.out))}))
    else:
        print(json.dumps({"restored": str(restore(args.checkpoint, args.base, args.out))}))


if __name__ == "__main__":
    main()
