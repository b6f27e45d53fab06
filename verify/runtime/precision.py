"""Which number format NLI runs in: where bfloat16 autocast pays, and where int8 takes its place.

On CUDA and on CPUs with native bf16 instructions (AVX512-BF16 or AMX) bf16 matrix products run about
twice as fast as fp32, for training and inference alike. Elsewhere bf16 is emulated and slower; there
inference runs in int8 (verify.runtime.int8) when the model ships its calibration, else in fp32.
"""

from __future__ import annotations

import functools

import torch

from verify.errors import VerifyError

PRECISIONS = ("auto", "fp32", "bf16", "int8")


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
        "avx512_vnni": torch.cpu._is_vnni_supported(),  # int8 dot products: fbgemm's int8 runs much faster with it
        "amx_bf16": torch.cpu._is_amx_tile_supported(),
    }
    return [name for name, present in found.items() if present]


def inference_precision(requested: str, device: str | torch.device, int8_calibrated: bool) -> str:
    """The precision inference runs in for `requested` (one of PRECISIONS): 'auto' is bf16 where the
    device has native bf16, int8 on other x86 CPUs for a model that ships its int8 calibration, else
    fp32. An int8 request that cannot run here is a one-line VerifyError."""
    from verify.runtime.int8 import INT8_CALIBRATION, int8_available

    if requested not in PRECISIONS:
        raise VerifyError(f"unknown NLI precision '{requested}': choose one of {', '.join(PRECISIONS)}")
    int8_runs = torch.device(device).type == "cpu" and int8_available()
    if requested == "int8" and not int8_runs:
        raise VerifyError(f"int8 NLI runs on x86 CPUs only, not on '{device}' of this machine")
    if requested == "int8" and not int8_calibrated:
        raise VerifyError(
            f"the NLI model ships no int8 calibration ({INT8_CALIBRATION}): make one with "
            "python -m verify.training.int8_calibration, or choose another precision"
        )
    if requested != "auto":
        return requested
    if native_bf16(device):
        return "bf16"
    return "int8" if int8_calibrated and int8_runs else "fp32"


def autocast(device: str | torch.device, enabled: bool) -> torch.autocast:
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=enabled)
