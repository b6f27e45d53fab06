"""Time a report on the bundled article: cold CLI runs and warm library calls (median of 5 each),
and how many claim pairs the relatedness gate lets through to NLI out of all pairs. Prints JSON,
one entry per model in the same run (default: the default model, then the small MiniLM model as
the baseline), with the CPU flags that decide whether bf16 helps and the precision the NLI model ran in
(`VERIFY_NLI_PRECISION` chooses; the kernel limits of `benchmarks/nli_speed.py` apply here too).

    python benchmarks/article_speed.py [--article PATH] [--models DIR ...] [--repeats 5] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmark_output import emit, machine

ROOT = Path(__file__).resolve().parents[1]


def cold_cli_seconds(article: Path, model: str | None, repeats: int) -> list[float]:
    command = [str(Path(sys.executable).parent / "verify"), "report", str(article), "--format", "json"]
    command += ["--model", model] if model else []
    environment = dict(os.environ, HF_HUB_OFFLINE="1")
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment, cwd=ROOT)
        timings.append(time.perf_counter() - started)
    return timings


def warm_library(article: Path, model: str | None, repeats: int) -> tuple[list[float], dict]:
    from verify.pipeline import Verifier
    from verify.runtime.allocator import freed_memory_kept, shape_cache_capacities

    text = article.read_text(encoding="utf-8")
    verifier = Verifier(model)
    verifier.report(text)  # first call loads spaCy and warms the caches
    timings, report = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        report = verifier.report(text, str(article))
        timings.append(time.perf_counter() - started)
    return (
        timings,
        {
            "claims": report.stats.claims,
            "pairs_total": report.stats.pairs_total,
            "pairs_scored": report.stats.pairs_scored,
            "precision": report.model.precision,
            "malloc_keeps_freed_memory": freed_memory_kept(),  # in this process, for the warm runs (allocator)
            "bf16_shape_cache_capacities": shape_cache_capacities(),  # null: the default, 1,024
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", type=Path, default=ROOT / "fixtures" / "dev" / "kazakhstan_unrest.txt")
    parser.add_argument("--models", nargs="+", default=["models/verify-nli-mpnet", "models/verify-nli-minilm-l6"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    runs = {}
    for model in args.models:
        cold = cold_cli_seconds(args.article, model, args.repeats)
        warm, pairs = warm_library(args.article, model, args.repeats)
        runs[model] = {
            "cold_cli_seconds_median": round(statistics.median(cold), 3),
            "cold_cli_seconds": [round(t, 3) for t in cold],
            "warm_library_seconds_median": round(statistics.median(warm), 3),
            "warm_library_seconds": [round(t, 3) for t in warm],
            **pairs,
        }
    result = {
        "article": str(args.article.resolve().relative_to(ROOT))
        if args.article.resolve().is_relative_to(ROOT)
        else args.article.name,
        "machine": machine(),
        "models": runs,
    }
    emit(result, args.out)


if __name__ == "__main__":
    main()
