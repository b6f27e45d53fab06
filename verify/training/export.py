"""Restore a checkpoint trained with frozen word embeddings from its partial weights and the base.

Trained on a GPU machine whose returned files are size-limited, the checkpoints travel without
the word-embedding matrix, which training left identical to the base's (fp16): `strip` there,
`restore` here.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("partial", type=Path)
    parser.add_argument("--base", type=Path, required=True, help="the base model directory (all-MiniLM-L6-v2)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(json.dumps({"restored": str(restore(args.partial, args.base, args.out))}))


if __name__ == "__main__":
    main()
