"""Where int8 costs NLI accuracy: torch dynamic quantization of some linear layers, with or without
SmoothQuant-style input smoothing (verify.runtime.int8), against fp32 on the same NLI dev pairs: accuracy,
agreement with fp32's labels, the largest probability difference, seconds. It chooses the smoothing
alpha each model's int8 calibration ships with.

The calibration pairs are those `python -m verify.training.int8_calibration` uses (NLI training pairs);
the measured pairs are a seeded sample of the four dev sets issue 10 sets floors on.

    python benchmarks/int8_accuracy.py --model models/verify-nli-minilm-l6 [--pairs 1500] [--alphas 0.75 0.95]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import time
from pathlib import Path

from verify.evaluation.nli_pairs import load_nli_examples
from verify.runtime.int8 import encoder_linears, input_maxima, quantize_linears
from verify.runtime.nli import NLIBackend
from verify.runtime.precision import cpu_flags
from verify.training.int8_calibration import calibration_pairs

NLI_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nli"
# Shares of the measured pairs: the dev sets with floors in issue 10.
DEV_SHARES = {"snli": 0.4, "vitaminc": 0.2, "lingnli": 0.2, "counterfactual_snli": 0.2}


def dev_sample(count: int, seed: int) -> list:
    examples = []
    for name, share in DEV_SHARES.items():
        rows = load_nli_examples(NLI_DATA / "dev" / f"{name}.jsonl")
        random.Random(seed).shuffle(rows)
        examples += rows[: round(count * share)]
    return examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--pairs", type=int, default=1500, help="measured dev pairs (DEV_SHARES of each set)")
    parser.add_argument("--alphas", type=float, nargs="+", default=[0.75, 0.85, 0.95])
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    examples = dev_sample(args.pairs, args.seed)
    pairs, labels = [(e.premise, e.hypothesis) for e in examples], [e.label for e in examples]
    backend = NLIBackend(args.model, precision="fp32")
    fp32 = backend.model
    linears = encoder_linears(fp32)
    feed_forward_out = {n for n in linears if n.endswith("output.dense") and "attention" not in n}
    calibration = calibration_pairs(NLI_DATA / "train")
    maxima = input_maxima(fp32, linears, lambda: backend.score(calibration))
    variants = {
        "every layer": (linears, None, 0.0),
        "all but the feed-forward output": ([n for n in linears if n not in feed_forward_out], None, 0.0),
        "attention only": ([n for n in linears if "attention" in n], None, 0.0),
        **{f"every layer, smoothed {alpha}": (linears, maxima, alpha) for alpha in args.alphas},
    }
    results = []
    reference = None
    for name, (names, smoothing, alpha) in {"fp32": ([], None, 0.0), **variants}.items():
        backend.model = quantize_linears(copy.deepcopy(fp32), names, smoothing, alpha) if names else fp32
        started = time.perf_counter()
        scores = backend.score(pairs)
        seconds = time.perf_counter() - started
        reference = reference or scores
        difference = max(
            abs(getattr(a, label) - getattr(b, label))
            for a, b in zip(scores, reference)
            for label in ("entailment", "neutral", "contradiction")
        )
        accuracy = sum(s.label == gold for s, gold in zip(scores, labels)) / len(labels)
        agreement = sum(s.label == r.label for s, r in zip(scores, reference)) / len(labels)
        results.append(
            {
                "int8": name,
                "accuracy": round(accuracy, 4),
                "agreement_with_fp32": round(agreement, 4),
                "largest_difference": round(difference, 3),
                "seconds": round(seconds, 1),
            }
        )
        print(json.dumps(results[-1]), flush=True)
    print(
        json.dumps({"model": args.model, "pairs": len(pairs), "cpu_flags": cpu_flags(), "results": results}, indent=2)
    )


if __name__ == "__main__":
    main()
