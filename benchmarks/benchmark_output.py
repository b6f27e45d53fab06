"""What every benchmark ends with: the machine it ran on, and the JSON printed and (with --out) saved."""

from __future__ import annotations

import json
import os
import platform
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
