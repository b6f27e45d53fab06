"""What the fitted decision costs: warm reports on the bundled article with this checkout's code and with an
earlier commit's, in one run, each in a fresh process, alternating (median of --repeats per round). The earlier
commit is checked out with `git worktree` into a temporary folder; both use the same installed packages and
model base. Prints JSON with the CPU flags (bf16 autocast is twice as fast where AVX512-BF16 is present).

    python benchmarks/decision_cost.py --baseline 2ec5ce6 [--rounds 3] [--repeats 5] [--out FILE]
"""

from __future__ import annotations

import statistics
from pathlib import Path

from benchmark_output import baseline_arguments, beside_baseline, emit, machine

ROOT = Path(__file__).resolve().parents[1]
TIMED = """
import json, sys, time
from verify.pipeline import Verifier
text = open(sys.argv[1], encoding="utf-8").read()
verifier = Verifier()
verifier.report(text)
seconds = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    report = verifier.report(text)
    seconds.append(time.perf_counter() - started)
print(json.dumps({"seconds": seconds, "contradictions": len(report.contradictions),
                  "corroborations": len(report.corroborations), "pairs_scored": report.stats.pairs_scored}))
"""


def main() -> None:
    arguments = baseline_arguments(__doc__, ROOT / "fixtures" / "dev" / "kazakhstan_unrest.txt", 3, 5)
    runs = beside_baseline(
        ROOT, arguments.baseline, TIMED, [str(arguments.article.resolve()), str(arguments.repeats)], arguments.rounds
    )
    results = {
        name: {
            "median_warm_seconds": statistics.median(second for run in each for second in run["seconds"]),
            "runs": each,
        }
        for name, each in runs.items()
    }
    ratio = results["this checkout"]["median_warm_seconds"] / results[arguments.baseline]["median_warm_seconds"]
    emit(
        {
            "article": str(arguments.article.relative_to(ROOT)),
            "baseline": arguments.baseline,
            "slowdown": round(ratio - 1, 4),
            "results": results,
            "machine": machine(),
        },
        arguments.out,
    )


if __name__ == "__main__":
    main()
