"""Where int8 costs NLI accuracy: torch dynamic quantization of some linear layers, with or without
SmoothQuant-style input smoothing, against fp32 on the same NLI dev pairs (accuracy, the largest
probability difference, seconds). An experiment behind the README's int8 table, not a shipped path.

Smoothing: each quantized layer's input is divided per channel by s = max|x|^α / max|W|^(1-α) at run
time and its weight columns multiplied by s (BERT-style models add the LayerNorm output to the
residual, so s cannot be folded into the LayerNorm); max|x| comes from calibration pairs of other
dev sets than the measured ones.

    python benchmarks/int8_accuracy.py --model models/verify-nli-minilm-l6 [--pairs 600]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import time
from pathlib import Path

import torch
from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

from verify.nli import NLIBackend
from verify.precision import cpu_flags

NLI_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "nli" / "dev"


def sample(name: str, count: int, seed: int) -> list[dict]:
    rows = [json.loads(line) for line in (NLI_DEV / f"{name}.jsonl").open(encoding="utf-8")]
    random.Random(seed).shuffle(rows)
    return rows[:count]


class SmoothedLinear(torch.nn.Module):
    def __init__(self, inverse_scale: torch.Tensor, linear: torch.nn.Module) -> None:
        super().__init__()
        self.register_buffer("inverse_scale", inverse_scale)
        self.linear = linear

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.linear(inputs * self.inverse_scale)


def input_maxima(backend: NLIBackend, names: list[str], pairs: list[tuple[str, str]]) -> dict[str, torch.Tensor]:
    maxima: dict[str, torch.Tensor] = {}
    modules = dict(backend.model.named_modules())

    def keep(name: str):
        def hook(_module, inputs, _output):
            seen = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(0)
            maxima[name] = torch.maximum(maxima.get(name, seen), seen)

        return hook

    hooks = [modules[name].register_forward_hook(keep(name)) for name in names]
    backend.score(pairs)
    for hook in hooks:
        hook.remove()
    return maxima


def quantized(model: torch.nn.Module, names: list[str], maxima: dict | None, alpha: float) -> torch.nn.Module:
    model = copy.deepcopy(model)
    modules = dict(model.named_modules())
    if maxima is None:
        return quantize_dynamic(model, dict.fromkeys(names, per_channel_dynamic_qconfig), dtype=torch.qint8)
    for name in names:
        linear = modules[name]
        scale = maxima[name].clamp(min=1e-5) ** alpha / linear.weight.detach().abs().amax(0).clamp(min=1e-5) ** (
            1 - alpha
        )
        linear.weight.data *= scale
        layer = quantize_dynamic(torch.nn.Sequential(linear), {"0": per_channel_dynamic_qconfig}, dtype=torch.qint8)
        parent, _, child = name.rpartition(".")
        setattr(modules[parent], child, SmoothedLinear(1 / scale, layer[0]))
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--pairs", type=int, default=600, help="measured pairs: two thirds SNLI, a third VitaminC")
    args = parser.parse_args()
    rows = sample("snli", args.pairs * 2 // 3, 0) + sample("vitaminc", args.pairs - args.pairs * 2 // 3, 0)
    pairs, labels = [(r["premise"], r["hypothesis"]) for r in rows], [r["label"] for r in rows]
    calibration = [(r["premise"], r["hypothesis"]) for r in sample("lingnli", 128, 1) + sample("mpe", 64, 1)]
    backend = NLIBackend(args.model, precision="fp32")
    fp32 = backend.model
    linears = [n for n, m in fp32.named_modules() if isinstance(m, torch.nn.Linear) and "classifier" not in n]
    feed_forward_out = {n for n in linears if n.endswith("output.dense") and "attention" not in n}
    maxima = input_maxima(backend, linears, calibration)
    variants = {
        "every layer": (linears, None, 0.0),
        "all but the feed-forward output": ([n for n in linears if n not in feed_forward_out], None, 0.0),
        "attention only": ([n for n in linears if "attention" in n], None, 0.0),
        "feed-forward input only": ([n for n in linears if n.endswith("intermediate.dense")], None, 0.0),
        **{f"every layer, smoothed {alpha}": (linears, maxima, alpha) for alpha in (0.5, 0.75, 0.95)},
        "all but the feed-forward output, smoothed 0.75": (
            [n for n in linears if n not in feed_forward_out],
            maxima,
            0.75,
        ),
    }
    results = []
    reference = None
    for name, (names, smoothing, alpha) in {"fp32": ([], None, 0.0), **variants}.items():
        backend.model = quantized(fp32, names, smoothing, alpha) if names else fp32
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
        results.append(
            {
                "int8": name,
                "accuracy": round(accuracy, 4),
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
