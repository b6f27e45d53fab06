"""Average checkpoints of one training run, tensor by tensor (a uniform "model soup").

Consecutive continuation checkpoints of one model can each get different phenomena right;
their average usually keeps both and is no worse on dev (Wortsman et al. 2022, "Model soups").

    python -m verify.training.average RUN/stage4 RUN/stage5 --out MODEL_DIR
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from verify.training.common import WEIGHTS, copy_model_files, mean_state


def average_checkpoints(directories: list[Path], out_dir: Path) -> Path:
    """Write the mean of the checkpoints' weights (fp16) to out_dir, with the last one's other files."""
    mean = mean_state([load_file(directory / WEIGHTS) for directory in directories])
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(
        {name: tensor.to(torch.float16).contiguous() for name, tensor in mean.items()},
        out_dir / WEIGHTS,
        metadata={"format": "pt"},
    )
    copy_model_files(directories[-1], out_dir, WEIGHTS)
    return out_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoints", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(
        json.dumps(
            {
                "averaged": [str(p) for p in args.checkpoints],
                "out": str(average_checkpoints(args.checkpoints, args.out)),
            }
        )
    )


if __name__ == "__main__":
    main()
