"""Where bfloat16 autocast pays: CUDA, and CPUs with native bf16 instructions.

On such CPUs (AVX512-BF16 or AMX) bf16 matrix products run about twice as fast as fp32,
for training and inference alike; elsewhere bf16 is emulated and slower, so fp32 stays.
"""

from __future__ import annotations

import functools

import torch

PRECISIONS = ("auto", "fp32", "bf16")


def native_bf16(device: str | torch.device) -> bool:
    return _native_bf16(torch.device(device).type)


@functools.cache  # the hardware does not change; trainers ask on every batch
def _native_bf16(kind: str) -> bool:
    if kind == "cuda":
        return True
    return kind == "cpu" and (torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())


def cpu_flags() -> list[str]:
    """The CPU features that decide NLI speed (for benchmarks to state what they ran on)."""
    found = {
        "avx2": torch.cpu._is_avx2_supported(),
        "avx512": torch.cpu._is_avx512_supported(),
        "avx512_bf16": torch.cpu._is_avx512_bf16_supported(),
        "amx_bf16": torch.cpu._is_amx_tile_supported(),
    }
    return [name for name, present in found.items() if present]


def use_bf16(precision: str, device: str | torch.device) -> bool:
    """Whether to autocast to bf16 for `precision` (one of PRECISIONS; 'auto' = where the device has native bf16)."""
    return precision == "bf16" or (precision == "auto" and native_bf16(device))


def autocast(device: str | torch.device, enabled: bool) -> torch.autocast:
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=enabled)
