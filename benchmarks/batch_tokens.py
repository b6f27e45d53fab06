"""A report's time and peak memory with NLI batches limited to so many padded tokens (verify.nli.BATCH_TOKENS)
and without that limit (32 pairs a batch, whatever their length), on PolNeAR news cut to `--size` characters.

Each run is a fresh process: load, report once; the peak RSS is the process's own. Prints JSON.

    python benchmarks/batch_tokens.py [--size 20000] [--models DIR ...] [--limits 2048 0] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmark_output import emit, machine
from length_scaling import POLNEAR_TEXTS, news_text

ROOT = Path(__file__).resolve().parents[1]
UNLIMITED = 1_000_000  # no batch of 32 pairs of at most 256 tokens reaches it


def one_run(size: int, model: str, limit: int) -> dict:
    from verify.allocator import freed_memory_kept
    from verify.pipeline import Verifier

    text = news_text(size)
    verifier = Verifier(model)
    verifier.backend.batch_tokens = limit or UNLIMITED
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    report = verifier.report(text)
    return {
        "model": model,
        "batch_tokens": limit or None,
        "precision": report.model.precision,
        "malloc_keeps_freed_memory": freed_memory_kept(),
        "characters": len(text),
        "pairs_scored": report.stats.pairs_scored,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb_after_loading": round(loaded_mb),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--models", nargs="+", default=["models/verify-nli-mpnet", "models/verify-nli-minilm-l6"])
    parser.add_argument("--limits", type=int, nargs="+", default=[2048, 0], help="padded tokens a batch; 0: none")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--one", nargs=3, metavar=("SIZE", "MODEL", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(int(args.one[0]), args.one[1], int(args.one[2]))))
        return
    if not all(folder.is_dir() for folder in POLNEAR_TEXTS):
        sys.exit("error: the PolNeAR texts (../shared/data) are missing")
    runs = []
    for model in args.models:
        for limit in args.limits:
            command = [sys.executable, __file__, "--one", str(args.size), model, str(limit)]
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            if done.returncode:
                sys.exit(f"error: {model}, limit {limit}: {done.stderr.strip().splitlines()[-1:]}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[-1]), file=sys.stderr)
    emit({"machine": machine(), "runs": runs}, args.out)


if __name__ == "__main__":
    main()
