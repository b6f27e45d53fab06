"""Where a cold report's time goes: one fresh process's timeline of imports, model loads and a first and a
second report on the bundled article, in the order the `verify` command meets them. Prints JSON (seconds
of each step and since the start). `python -X importtime` then names the slow imports.

    python benchmarks/cold_start.py [--model DIR] [--article PATH] [--out FILE]
"""

import time

STARTED = time.perf_counter()  # before any import below: the timeline starts with the interpreter's work

import argparse  # noqa: E402  (imports are what this measures)
import importlib  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ("typer", "verify.cli", "torch", "transformers", "transformers.models.bert.modeling_bert", "spacy")


def timeline(model: str, article: Path) -> list[dict]:
    steps: list[dict] = []
    last = STARTED

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps.append({"step": name, "seconds": round(now - last, 2), "since_start": round(now - STARTED, 2)})
        last = now

    for module in IMPORTS:
        importlib.import_module(module)
        step(f"import {module}")
    from verify.attribution.hybrid import HybridAttributor
    from verify.pipeline import Verifier
    from verify.runtime.embed import load_embedder
    from verify.runtime.nli import load_backend
    from verify.runtime.nlp import pipeline

    step("import verify.pipeline")
    load_backend(model)
    step("load the NLI model")
    load_embedder()
    step("load the embedder")
    pipeline()
    step("load spaCy's pipeline")
    HybridAttributor.load()
    step("load the attributor")
    verifier = Verifier(model)
    step("the Verifier (the same models, cached)")
    text = article.read_text(encoding="utf-8")
    verifier.report(text)
    step("first report")
    verifier.report(text)
    step("second report")
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models/verify-nli-minilm-l6")
    parser.add_argument("--article", type=Path, default=ROOT / "fixtures" / "dev" / "kazakhstan_unrest.txt")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(timeline(args.model, args.article)))
        return
    # A fresh interpreter, so that nothing this one imported (the benchmark's own helpers) is counted.
    command = [sys.executable, __file__, "--one", "--model", args.model, "--article", str(args.article)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    from benchmark_output import emit, machine  # imports torch: only here, in the parent

    steps = json.loads(done.stdout.strip().splitlines()[-1])
    emit(
        {"model": args.model, "article": str(args.article.relative_to(ROOT)), "machine": machine(), "steps": steps},
        args.out,
    )


if __name__ == "__main__":
    main()
