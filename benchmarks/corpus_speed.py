"""Corpus mode against the one-CLI-call-per-article loop, on real news: PolNeAR's train + dev texts (924
articles from 7 outlets, `metadata.tsv` giving each one's outlet and date), in one run on this machine.

Runs, each a fresh `verify` process (cold start included, as a user would run it):
  loop       `verify report FILE --format json` once per article, on `--baseline` articles spread evenly over
             the corpus (every k-th), so that their lengths are the corpus's
  process    `verify corpus` on `--articles` articles, in this process (`--sizes` for more than one size)
  ray-N      `verify corpus --engine ray --workers N` (local Ray cluster), for each N of `--ray-workers`
For each: wall seconds, articles per minute, pairs considered and scored, and the peak RSS of the process
tree (sampled every 0.2 s: Ray's workers are processes of their own). Prints JSON, with the CPU flags.

    python benchmarks/corpus_speed.py [--articles 924] [--sizes 200 924] [--baseline 20] [--model DIR]
        [--ray-workers 1 2] [--ray-articles N] [--work DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmark_output import emit, machine

from verify.runtime.allocator import SHAPE_CACHES

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "attribution" / "polnear"
VERIFY = [sys.executable, "-c", "from verify.cli import app; app()"]


def polnear_records(limit: int) -> list[dict]:
    """The first `limit` PolNeAR articles (train, then dev, by file name) as corpus records."""
    with (POLNEAR / "metadata.tsv").open(encoding="utf-8") as handle:
        metadata = {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t")}
    records = []
    for compartment in ("train", "dev"):
        for path in sorted((POLNEAR / compartment / "text").glob("*.txt")):
            row = metadata.get(path.stem, {})
            records.append(
                {
                    "id": path.stem,
                    "text": path.read_text(encoding="utf-8"),
                    "outlet": row.get("publisher"),
                    "date": row.get("publication_date"),
                    "title": row.get("title"),
                }
            )
    return records[:limit]


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        children.setdefault(int(stat[1]), []).append(int(entry))
        rss[int(entry)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total


def timed(command: list[str]) -> dict:
    """Run `command`; its wall seconds and the peak RSS of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[3:])} failed ({process.returncode}): {errors.strip()[-500:]}")
    return {"seconds": round(time.perf_counter() - started, 1), "peak_rss_mb": round(peak / 2**20)}


def spread(records: list[dict], count: int) -> list[dict]:
    """`count` records at even steps through `records` (the first, then every k-th)."""
    step = len(records) / count
    return [records[int(number * step)] for number in range(min(count, len(records)))]


def per_article_loop(records: list[dict], folder: Path, model: str) -> dict:
    seconds, peak, claims, pairs = 0.0, 0, 0, 0
    for record in records:
        path, report = folder / f"{record['id']}.txt", folder / f"{record['id']}.json"
        path.write_text(record["text"], encoding="utf-8")
        report.unlink(missing_ok=True)
        run = timed([*VERIFY, "report", str(path), "--format", "json", "--model", model, "--out", str(report), "-q"])
        seconds += run["seconds"]
        peak = max(peak, run["peak_rss_mb"])
        stats = json.loads(report.read_text())["stats"]
        claims += stats["claims"]
        pairs += stats["pairs_scored"]
    return {
        "run": "loop",
        "articles": len(records),
        "seconds": round(seconds, 1),
        "articles_per_minute": round(60 * len(records) / seconds, 2),
        "peak_rss_mb": peak,
        "claims": claims,
        "in_article_pairs_scored": pairs,
    }


def corpus_run(name: str, records: list[dict], folder: Path, model: str, engine: list[str]) -> dict:
    source = folder / f"{name}-{len(records)}.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    out = folder / f"{name}-{len(records)}-out"
    run = timed([*VERIFY, "corpus", "--input", str(source), "--out", str(out), "--model", model, "--quiet", *engine])
    stats = json.loads((out / "corpus.json").read_text())["stats"]
    return {
        "run": name,
        "articles": len(records),
        **run,
        "articles_per_minute": round(60 * len(records) / run["seconds"], 2),
        "claims": stats["claims"],
        "in_article_pairs_scored": stats["in_article_pairs_scored"],
        "cross_pairs_considered": stats["pairs_considered"],
        "cross_pairs_scored": stats["pairs_scored"],
        "stage_seconds": stats["seconds"],
        "failed": stats["failed"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=924)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        help="corpus sizes for the in-process runs (default: --articles; none given: no in-process run)",
    )
    parser.add_argument("--baseline", type=int, default=20, help="articles in the one-call-per-article loop")
    parser.add_argument("--model", default=str(ROOT / "models" / "verify-nli-minilm-l6"))
    parser.add_argument("--ray-workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--ray-articles", type=int, help="articles in the Ray runs (default: --articles)")
    parser.add_argument("--work", type=Path, help="keep the inputs and the corpus folders here (default: a temp dir)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    records = polnear_records(args.articles)
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        work = args.work or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        if args.baseline:
            runs.append(per_article_loop(spread(records, args.baseline), work, args.model))
            print(json.dumps(runs[-1]), file=sys.stderr)
        for size in [args.articles] if args.sizes is None else args.sizes:
            runs.append(corpus_run("process", records[:size], work, args.model, []))
            print(json.dumps(runs[-1]), file=sys.stderr)
        for workers in args.ray_workers:
            engine = ["--engine", "ray", "--workers", str(workers)]
            ray_records = records[: args.ray_articles or args.articles]
            runs.append(corpus_run(f"ray-{workers}", ray_records, work, args.model, engine))
            print(json.dumps(runs[-1]), file=sys.stderr)
    loop = next((run for run in runs if run["run"] == "loop"), None)
    if loop:
        for run in runs:
            run["speedup_over_loop"] = round(run["articles_per_minute"] / loop["articles_per_minute"], 1)
    result = {
        "data": "PolNeAR train + dev texts (../shared/data/attribution/polnear), outlet and date from metadata.tsv",
        "model": args.model,
        # What each run's process gives a bf16 model's shape caches: this environment's setting, else verify's cap.
        "bf16_shape_cache_capacities": {
            cache.variables[0]: str(cache.capacity)
            if cache.configured_capacity() is None
            else cache.configured_capacity()
            for cache in SHAPE_CACHES
        },
        "machine": machine(),
        "runs": runs,
    }
    emit(result, args.out)


if __name__ == "__main__":
    main()
