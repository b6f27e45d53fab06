"""What every benchmark ends with: the machine it ran on, and the JSON printed and (with --out) saved."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import torch

from verify.runtime.precision import cpu_flags

# Environment variables that keep torch's, oneDNN's, MKL's and fbgemm's kernels to an instruction set:
# how a CPU with more instructions shows what one with fewer (AVX2 only) would do.
ISA_LIMITS = (
    "ATEN_CPU_CAPABILITY",
    "ONEDNN_MAX_CPU_ISA",
    "DNNL_MAX_CPU_ISA",
    "MKL_ENABLE_INSTRUCTIONS",
    "FBGEMM_ENABLE_INSTRUCTIONS",
)


def machine() -> dict:
    """The facts that decide the speed: cores, torch's threads, the CPU features (bf16 or not), the
    kernel limits set (ISA_LIMITS), versions."""
    return {
        "cpus": os.cpu_count(),
        "cpu_threads": torch.get_num_threads(),
        "cpu_flags": cpu_flags(),
        "kernels_limited_to": {name: os.environ[name] for name in ISA_LIMITS if name in os.environ},
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def emit(result: dict, out: Path | None) -> None:
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")


def baseline_arguments(description: str, article: Path, rounds: int, repeats: int) -> argparse.Namespace:
    """The command line of a benchmark run `beside_baseline`: --baseline, --article, --rounds, --repeats, --out."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="the git revision to compare with")
    parser.add_argument("--article", type=Path, default=article)
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--out", type=Path)
    return parser.parse_args()


def beside_baseline(root: Path, baseline: str, timed: str, arguments: Sequence[str], rounds: int) -> dict[str, list]:
    """Run the Python code `timed` (it prints one JSON line last) with this checkout's code and models and with the
    `baseline` revision's (checked out with `git worktree` into a temporary folder; the same installed packages and
    model bases otherwise), each in a fresh process, alternating for `rounds` rounds: {"this checkout": [...],
    baseline: [...]} of the printed JSON."""
    with tempfile.TemporaryDirectory() as folder:
        baseline_tree = Path(folder) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(baseline_tree), baseline], check=True, cwd=root)
        try:
            runs: dict[str, list] = {"this checkout": [], baseline: []}
            for _ in range(rounds):
                for name, tree in (("this checkout", root), (baseline, baseline_tree)):
                    environment = dict(
                        os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(tree), VERIFY_MODELS=str(tree / "models")
                    )
                    finished = subprocess.run(
                        [sys.executable, "-c", timed, *arguments],
                        check=True,
                        capture_output=True,
                        text=True,
                        env=environment,
                        cwd=tree,
                    )
                    runs[name].append(json.loads(finished.stdout.strip().splitlines()[-1]))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline_tree)], check=True, cwd=root)
    return runs
