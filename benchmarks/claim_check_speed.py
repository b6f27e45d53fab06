"""What `verify check` costs warm: one claim against a 3,000-character article with the models loaded, with this
checkout's code and with an earlier commit's, in one run (`benchmark_output.beside_baseline`: fresh processes,
alternating). Each timed call checks a claim against an article the checker has not seen (the article with as many
trailing line breaks as the call's number), so segmenting and attributing it is timed too, as a user's first check
of an article pays it. Prints JSON with the CPU flags (bf16 autocast is twice as fast where AVX512-BF16 is present).

    python benchmarks/claim_check_speed.py --baseline 8194720 [--rounds 2] [--out FILE]
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from benchmark_output import baseline_arguments, beside_baseline, emit, machine

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_CHARACTERS = 3000
CLAIMS = (
    "Five planes were seized at Almaty's airport.",
    "The airport in Almaty was cleared and is operating smoothly.",
    "Protesters stormed government buildings and the president declared a state of emergency.",
)
TIMED = """
import json, sys, time
from verify.pipeline import Verifier
text, claims = open(sys.argv[1], encoding="utf-8").read(), json.loads(sys.argv[2])
verifier = Verifier()
verifier.check(claims[0], text + "\\n" * 99)  # loads spaCy, warms the caches
seconds, labels, calls = [], [], 0
for _ in range(int(sys.argv[3])):
    for claim in claims:
        calls += 1
        started = time.perf_counter()
        verdict = verifier.check(claim, text + "\\n" * calls)
        seconds.append(time.perf_counter() - started)
        labels.append(verdict.label)
print(json.dumps({"seconds": seconds, "labels": labels}))
"""


def article_of(path: Path, characters: int) -> str:
    """The first `characters` of the article, cut after the last line break before them."""
    text = path.read_text(encoding="utf-8")
    return text if len(text) <= characters else text[: text.rindex("\n", 0, characters)]


def main() -> None:
    arguments = baseline_arguments(__doc__, ROOT / "fixtures" / "dev" / "kazakhstan_unrest.txt", 2, 3)
    text = article_of(arguments.article, ARTICLE_CHARACTERS)
    with tempfile.TemporaryDirectory() as folder:
        article = Path(folder) / "article.txt"
        article.write_text(text, encoding="utf-8")
        runs = beside_baseline(
            ROOT,
            arguments.baseline,
            TIMED,
            [str(article), json.dumps(CLAIMS), str(arguments.repeats)],
            arguments.rounds,
        )
    results = {
        name: {
            "median_warm_seconds": statistics.median(second for run in each for second in run["seconds"]),
            "slowest_warm_seconds": max(second for run in each for second in run["seconds"]),
            "labels": dict(zip(CLAIMS, each[0]["labels"])),
            "runs": each,
        }
        for name, each in runs.items()
    }
    emit(
        {
            "article": str(arguments.article.relative_to(ROOT)),
            "article_characters": len(text),
            "baseline": arguments.baseline,
            "results": results,
            "machine": machine(),
        },
        arguments.out,
    )


if __name__ == "__main__":
    main()
