"""How a report's cost grows with the article: characters → claims → pairs scored → seconds → peak RSS.

Texts are real news, PolNeAR articles concatenated (dev, then train; a blank line between them) and
cut at the first paragraph break after the size; each size runs in a fresh process (a cold start, models
loaded, then one report timed) so its peak RSS is its own. Prints JSON; several models side by side, and
with `--batch-tokens 2048 0` the NLI batch limit (verify.runtime.nli.BATCH_TOKENS) against none, and with
`--screens shipped off` each model's screen (CheckSettings.screen_model) against none.

    python benchmarks/length_scaling.py [--sizes 1000 5000 20000 100000] [--models DIR ...]
        [--batch-tokens N ...] [--screens shipped off] [--out FILE]
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from benchmark_output import emit, machine

from verify.check.settings import for_model
from verify.runtime.allocator import freed_memory_kept, shape_cache_capacities
from verify.runtime.models import resolve_nli_model
from verify.runtime.nli import BATCH_TOKENS

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "attribution" / "polnear"
POLNEAR_TEXTS = (POLNEAR / "dev" / "text", POLNEAR / "train" / "text")  # 0.4 + 3.9 million characters
UNLIMITED = 1_000_000  # --batch-tokens 0: no batch of 32 pairs of at most 256 tokens reaches it


def news_text(size: int) -> str:
    """At least `size` characters of PolNeAR articles, cut at a paragraph break."""
    pieces, length = [], 0
    for path in (path for folder in POLNEAR_TEXTS for path in sorted(folder.glob("*.txt"))):
        pieces.append(path.read_text(encoding="utf-8").strip() + "\n\n")
        length += len(pieces[-1])
        if length >= size:
            break
    text = "".join(pieces)
    cut = text.find("\n\n", size)
    return text[: cut if cut > 0 else len(text)]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StageTimes(logging.Handler):
    """Each stage's seconds, from the report's log records ("%s: %.2f s", stage, seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        stage, seconds = record.args  # type: ignore[misc]
        self.seconds[str(stage)] = round(float(seconds), 1)


def one_run(size: int, model: str, batch_tokens: int, screen: str) -> dict:
    """In this (fresh) process: load, report once, measure. `screen`: "shipped" (the model's settings) or "off"."""
    from verify.pipeline import Verifier

    text = news_text(size)
    settings = for_model(resolve_nli_model(model))
    verifier = Verifier(model, settings=settings if screen == "shipped" else replace(settings, screen_model=None))
    for backend in (verifier.backend, verifier.screen_backend):  # the screen batches as the main model does
        if backend is not None:
            backend.batch_tokens = batch_tokens or UNLIMITED
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages = StageTimes()
    logging.getLogger("verify").addHandler(stages)
    logging.getLogger("verify").setLevel(logging.INFO)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    report = verifier.report(text)
    return {
        "characters": len(text),
        "claims": report.stats.claims,
        "pairs_scored": report.stats.pairs_scored,
        "pairs_screened_out": report.stats.pairs_screened_out,
        "screen": f"{report.model.screen.name} under {settings.screen_threshold}" if report.model.screen else None,
        "seconds": round(time.perf_counter() - started, 1),
        # CPU time of this process: what the report cost even where other jobs shared the cores.
        "cpu_seconds": round(_cpu_seconds() - cpu_started, 1),
        "stage_seconds": stages.seconds,
        "peak_rss_mb_after_loading": round(loaded_mb),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "batch_tokens": batch_tokens or None,
        "precision": report.model.precision,
        "malloc_keeps_freed_memory": freed_memory_kept(),
        "bf16_shape_cache_capacities": shape_cache_capacities(),  # null: the default, 1,024
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000, 100_000])
    parser.add_argument("--models", nargs="+", default=["models/verify-nli-mpnet", "models/verify-nli-minilm-l6"])
    parser.add_argument(
        "--batch-tokens",
        type=int,
        nargs="+",
        default=[BATCH_TOKENS],
        help="padded tokens an NLI batch may hold, a run for each (0: no limit, 32 pairs whatever their length)",
    )
    parser.add_argument(
        "--screens",
        nargs="+",
        choices=("shipped", "off"),
        default=["shipped"],
        help="a run with each model's screen as shipped, and/or one without",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument("--one", nargs=4, metavar=("SIZE", "MODEL", "BATCH_TOKENS", "SCREEN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(int(args.one[0]), args.one[1], int(args.one[2]), args.one[3])))
        return
    if not all(folder.is_dir() for folder in POLNEAR_TEXTS):
        sys.exit(f"error: {POLNEAR} is missing (../shared/data)")
    runs = []
    for model, size, limit, screen in itertools.product(args.models, args.sizes, args.batch_tokens, args.screens):
        command = [sys.executable, __file__, "--one", str(size), model, str(limit), screen]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            failure = done.stderr.strip().splitlines()[-1:]
            sys.exit(f"error: size {size}, {model}, batch tokens {limit}, screen {screen}: {failure}")
        runs.append({"model": model, **json.loads(done.stdout.strip().splitlines()[-1])})
        print(json.dumps(runs[-1]), file=sys.stderr)
    result = {
        "machine": machine(),
        "runs": runs,
    }
    emit(result, args.out)


if __name__ == "__main__":
    main()
