"""What every benchmark ends with: the machine it ran on, and the JSON printed and (with --out) saved."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

import torch

from verify.precision import cpu_flags


def machine() -> dict:
    """The facts that decide the speed: cores, torch's threads, the CPU features (bf16 or not), versions."""
    return {
        "cpus": os.cpu_count(),
        "cpu_threads": torch.get_num_threads(),
        "cpu_flags": cpu_flags(),
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def emit(result: dict, out: Path | None) -> None:
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
