"""Write a model's int8 calibration (verify.runtime.int8): the largest input magnitude per channel of every
encoder linear layer over a seeded sample of the model's own NLI training pairs, saved beside the model
with the smoothing alpha chosen for it.

    python -m verify.training.int8_calibration --model models/verify-nli-minilm-l6 \\
        --nli-dir ../shared/data/nli/train --alpha 0.95

The alpha is chosen on NLI dev pairs with `benchmarks/int8_accuracy.py`; the calibration pairs come
from training sets both shipped models were trained on, so no dev pair takes part.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from verify.evaluation.nli_pairs import load_nli_examples
from verify.runtime.int8 import INT8_CALIBRATION, encoder_linears, input_maxima, save_calibration

# Pairs per training set: MNLI-style, multiple-premise and Wikipedia-fact pairs, as varied as the model's inputs.
CALIBRATION_SETS = {"lingnli": 128, "mpe": 64, "vitaminc": 64}
SEED = 0


def calibration_pairs(nli_dir: Path) -> list[tuple[str, str]]:
    pairs = []
    for name, count in CALIBRATION_SETS.items():
        examples = load_nli_examples(nli_dir / f"{name}.jsonl")
        random.Random(SEED).shuffle(examples)
        pairs += [(example.premise, example.hypothesis) for example in examples[:count]]
    return pairs


def calibrate(model_dir: Path, nli_dir: Path, alpha: float) -> Path:
    from verify.runtime.nli import NLIBackend

    backend = NLIBackend(model_dir, precision="fp32")
    pairs = calibration_pairs(nli_dir)
    maxima = input_maxima(backend.model, encoder_linears(backend.model), lambda: backend.score(pairs))
    out = model_dir / INT8_CALIBRATION
    save_calibration(out, maxima, alpha)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="the NLI model folder; the file is written there")
    parser.add_argument("--nli-dir", type=Path, required=True, help="../shared/data/nli/train")
    parser.add_argument("--alpha", type=float, required=True, help="smoothing strength, 0-1 (chosen on NLI dev)")
    args = parser.parse_args(argv)
    print(calibrate(args.model, args.nli_dir, args.alpha))


if __name__ == "__main__":
    main()
