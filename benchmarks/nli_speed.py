"""Pairs per second of verify's NLIBackend against a plain transformers pipeline and
sentence-transformers' CrossEncoder.predict.

All score the same (premise, hypothesis) pairs with the same model (the pipeline and the cross-encoder
load the backend's fp32 weights, saved to a temporary folder), batch size and CPU threads, in the same
run; the backend runs as shipped (precision "auto": bf16 where the CPU has native bf16, else int8 when
the model ships its calibration), in fp32, and in int8, so the gains from batching and from precision
show apart. Pairs of 64 tokens each, then pairs of mixed lengths (24-256 tokens, as real claims are).
Each is timed `--repeats` times after a warm-up pass, runs alternating, and the median is reported,
with the largest probability difference of each backend run from the pipeline.

`--onnx` adds ONNX Runtime (`pip install .[bench]`): the same fp32 weights exported to ONNX, run in fp32
and after onnxruntime's dynamic quantization (7-bit weights per channel, `reduce_range`, which AVX2 needs;
8-bit inputs quantized per batch), batched as the backend batches (`verify.runtime.nli.length_batches`), to see
whether another runtime is a faster path than the backend's.

To see what a CPU without some instructions would do, limit the libraries' kernels before the run
(this is how docs/results.md's AVX2 rows were made on a CPU that has more):
`ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 FBGEMM_ENABLE_INSTRUCTIONS=AVX2`
with `--precisions fp32 int8` (bf16 would be emulated there).

    python benchmarks/nli_speed.py --model models/verify-nli-minilm-l6 --out nli_speed.json
"""

from __future__ import annotations

import argparse
import inspect
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch
from benchmark_output import emit, machine

from verify.datamodel import NLI_LABELS
from verify.runtime.allocator import freed_memory_kept, shape_cache_capacities
from verify.runtime.models import DEFAULT_NLI_MODEL_DIR, has_weights
from verify.runtime.nli import NLIBackend, length_batches

# Words to build pairs from: sentences in the style of the articles verify checks.
NEWS = (
    "Security forces opened fire on protesters in the main square of Almaty on Wednesday evening, "
    "witnesses said. The president said five planes had been seized at the city's airport by armed groups. "
    "The deputy mayor later told reporters the airport had been cleared and was operating smoothly. "
    "Fuel prices doubled at the start of January, setting off demonstrations in the oil town of Zhanaozen. "
    "The government resigned and a two-week state of emergency was declared across the country. "
    "The interior ministry said eight police officers and national guard soldiers had been killed. "
    "Internet access was cut for most of the week, making the reports hard to verify independently."
).split()
PAIR_TOKENS = 64
MIXED_TOKENS = (24, 256)  # the realistic case: claims of very different lengths
HYPOTHESIS_WORDS = 10


def build_pairs(tokenizer, token_counts: list[int]) -> list[tuple[str, str]]:
    """One distinct pair per entry, as long as the entry (special tokens included) as whole words allow."""
    specials = tokenizer.num_special_tokens_to_add(pair=True)
    pairs = []
    for index, tokens in enumerate(token_counts):
        start = (index * 7) % len(NEWS)
        words = (NEWS[start:] + NEWS[:start]) * 4
        hypothesis = " ".join(words[:HYPOTHESIS_WORDS])
        premise = words[HYPOTHESIS_WORDS:]
        budget = tokens - specials - len(tokenizer(hypothesis, add_special_tokens=False)["input_ids"])
        word_of_token = tokenizer(premise, is_split_into_words=True, add_special_tokens=False).word_ids()
        # Keep the words whose every token fits the budget.
        kept = word_of_token[budget] if budget < len(word_of_token) else len(premise)
        pairs.append((" ".join(premise[:kept]), hypothesis))
    return pairs


def pairs_per_second(runs: dict, count: int, repeats: int) -> dict[str, float]:
    """Median throughput of each run; repeats alternate between runs so load drifts hit all alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: count / statistics.median(seconds) for name, seconds in times.items()}


def largest_difference(ours: list[dict], theirs: list[dict]) -> float:
    return round(max(abs(mine[name] - other[name]) for mine, other in zip(ours, theirs) for name in NLI_LABELS), 4)


def onnx_scorers(fp32: NLIBackend, folder: Path, threads: int) -> dict[str, Callable]:
    """ONNX Runtime sessions of the backend's fp32 model, fp32 and dynamically quantized int8, each as a
    function from pairs to probabilities by label. Imported here: only --onnx needs onnxruntime."""
    import numpy as np
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    exported = folder / "model.onnx"
    # Two pairs of different lengths: traced without padding, the attention mask would be left out of the graph.
    sample = dict(
        fp32.tokenizer(
            ["The airport was closed.", "Security forces opened fire on protesters in the main square on Wednesday."],
            ["It was open.", "Nobody was hurt."],
            padding=True,
            return_tensors="pt",
        )
    )
    # The TorchScript exporter: the dynamo one needs onnxscript, which is not a dependency.
    torch.onnx.export(
        fp32.model,
        (sample,),
        str(exported),
        # The exporter numbers the inputs in the order of forward's parameters, whatever the dict's order.
        input_names=[name for name in inspect.signature(fp32.model.forward).parameters if name in sample],
        output_names=["logits"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in sample} | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    quantized = folder / "model-int8.onnx"
    # reduce_range: 7-bit weights, so AVX2's 16-bit sums of two u8 x s8 products cannot overflow.
    quantize_dynamic(str(exported), str(quantized), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle threads that spin would take the cores from the torch runs timed next to them.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")

    def scorer(path: Path) -> Callable[[list[tuple[str, str]]], list[dict]]:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        input_names = {node.name for node in session.get_inputs()}

        def score(pairs: list[tuple[str, str]]) -> list[dict]:
            tokenized = fp32.tokenizer([p for p, _ in pairs], [h for _, h in pairs])
            lengths = [len(ids) for ids in tokenized["input_ids"]]
            order = sorted(range(len(pairs)), key=lambda index: (lengths[index], index))
            found: dict[int, dict] = {}
            for chunk in length_batches(order, lengths, fp32.batch_size, fp32.batch_tokens):
                rows = {name: [tokenized[name][i] for i in chunk] for name in tokenized}
                encoded = fp32.tokenizer.pad(rows, return_tensors="np")
                logits = session.run(None, {name: encoded[name].astype(np.int64) for name in input_names})[0]
                probabilities = torch.from_numpy(logits).float().softmax(dim=-1).tolist()
                found.update((index, dict(zip(fp32.labels, row))) for index, row in zip(chunk, probabilities))
            return [found[index] for index in range(len(pairs))]

        return score

    return {"onnxruntime_fp32": scorer(exported), "onnxruntime_int8": scorer(quantized)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="NLI checkpoint directory (default: the shipped model)")
    parser.add_argument("--pairs", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--precisions",
        nargs="+",
        default=["auto", "fp32"],
        help="backend runs (verify.runtime.precision.PRECISIONS; int8 needs a calibrated model)",
    )
    parser.add_argument("--onnx", action="store_true", help="also ONNX Runtime, fp32 and dynamic int8")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    model = args.model or (str(DEFAULT_NLI_MODEL_DIR) if has_weights(DEFAULT_NLI_MODEL_DIR) else None)
    if model is None:
        sys.exit(f"error: the shipped NLI model ({DEFAULT_NLI_MODEL_DIR}) is missing; pass --model DIR")

    from sentence_transformers import CrossEncoder
    from transformers import pipeline

    torch.set_num_threads(args.threads)
    backends = {
        precision: NLIBackend(model, batch_size=args.batch_size, precision=precision) for precision in args.precisions
    }
    fp32 = backends.get("fp32") or NLIBackend(model, batch_size=args.batch_size, precision="fp32")
    folder = tempfile.TemporaryDirectory()
    fp32.model.save_pretrained(folder.name)
    fp32.tokenizer.save_pretrained(folder.name)
    # Same precision as the backend: a half-precision checkpoint would otherwise load as float16.
    classifier = pipeline("text-classification", model=folder.name, top_k=None, device=-1, dtype=torch.float32)
    cross_encoder = CrossEncoder(folder.name, device="cpu", local_files_only=True)
    cross_encoder_labels = [fp32.model.config.id2label[index].lower() for index in range(len(NLI_LABELS))]
    onnx_runs = onnx_scorers(fp32, Path(folder.name), args.threads) if args.onnx else {}
    lengths = random.Random(0)
    scenarios = {
        f"pairs_{PAIR_TOKENS}_tokens": [PAIR_TOKENS] * args.pairs,
        "mixed_lengths": [lengths.randint(*MIXED_TOKENS) for _ in range(args.pairs)],
    }
    result = {
        "model": fp32.name,
        "batch_size": args.batch_size,
        "threads": args.threads,
        "repeats": args.repeats,
        "machine": machine(),
        "backend_precisions": {name: backend.precision for name, backend in backends.items()},
        # Process-wide, so it holds for the pipeline and the cross-encoder too (verify.runtime.allocator).
        "malloc_keeps_freed_memory": freed_memory_kept(),
        "bf16_shape_cache_capacities": shape_cache_capacities(),  # null: the default, 1,024
        "batch_tokens": fp32.batch_tokens,
    }
    if args.onnx:
        import onnxruntime

        result["onnxruntime"] = onnxruntime.__version__
    for scenario, token_counts in scenarios.items():
        pairs = build_pairs(fp32.tokenizer, token_counts)
        inputs = [{"text": premise, "text_pair": hypothesis} for premise, hypothesis in pairs]
        runs = {f"nli_backend_{name}": (lambda b=backend, p=pairs: b.score(p)) for name, backend in backends.items()}
        runs["pipeline"] = lambda inputs=inputs: classifier(inputs, batch_size=args.batch_size)
        runs["cross_encoder"] = lambda pairs=pairs: cross_encoder.predict(
            pairs, batch_size=args.batch_size, apply_softmax=True
        )
        runs.update({name: (lambda s=score, p=pairs: s(p)) for name, score in onnx_runs.items()})
        for run in runs.values():  # warm-up: first calls pay for allocations and thread start-up
            run()
        speed = pairs_per_second(runs, len(pairs), args.repeats)
        theirs = [{item["label"].lower(): item["score"] for item in row} for row in runs["pipeline"]()]
        cross = [dict(zip(cross_encoder_labels, row.tolist())) for row in runs["cross_encoder"]()]
        entry = {
            "pairs": len(pairs),
            "mean_pair_tokens": statistics.mean(len(fp32.tokenizer(p, h)["input_ids"]) for p, h in pairs),
            "pairs_per_second": {name: round(value, 1) for name, value in speed.items()},
            "speedup_over_pipeline": {name: round(value / speed["pipeline"], 2) for name, value in speed.items()},
            "cross_encoder_max_probability_difference": largest_difference(cross, theirs),
        }
        for name, backend in backends.items():
            ours = [row.as_dict() for row in backend.score(pairs)]
            entry[f"nli_backend_{name}_max_probability_difference"] = largest_difference(ours, theirs)
        for name, score in onnx_runs.items():
            entry[f"{name}_max_probability_difference"] = largest_difference(score(pairs), theirs)
        result[scenario] = entry
    emit(result, args.out)


if __name__ == "__main__":
    main()
