"""int8 inference for the NLI models on CPUs without native bf16: int8 linear layers with
SmoothQuant-style input smoothing and input scales fixed by calibration.

Each encoder linear layer runs as fbgemm's int8 matrix product: weights stored as int8 with one scale
per output channel, the input quantized to 7 bits on the way in (INPUT_STEPS), the output returned in
fp32. Two choices keep NLI accuracy (measured in docs/results.md against fp32 on the NLI dev sets):
- Smoothing (Xiao et al. 2023). A few input channels of the feed-forward layers carry values far larger
  than the rest, and one input scale cannot serve both (plain int8: mpnet 0.868 → 0.743 on 600 dev
  pairs). Each input channel j is divided by s_j = max|x_j|^alpha / max|W_:,j|^(1-alpha) and the
  weight's column j multiplied by s_j: the product is unchanged in exact arithmetic, and the outliers
  move into the weights, where per-channel scales absorb them. The division stays a run-time multiply
  because in these encoders a layer's input also feeds the residual stream, so it cannot be folded
  into the LayerNorm before it.
- A fixed input scale per layer, the largest smoothed input seen in calibration, rather than one
  measured on each batch (torch's dynamic quantization): a pair's scores then do not depend on which
  other pairs, or how much padding, share its batch, so one article scores alike alone and in a corpus
  batch; and the batch's min/max pass is saved. Inputs beyond the calibrated range saturate.

max|x_j| comes from calibration pairs run once per model (`python -m verify.training.int8_calibration`)
and ships beside the model as INT8_CALIBRATION, with the alpha chosen for it; a model without that
file has no int8 path.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file

INT8_CALIBRATION = "int8_calibration.safetensors"
# Below this a channel or weight column counts as this small: keeps s finite for dead channels.
SMALLEST_MAGNITUDE = 1e-5
# Inputs use 7 of fbgemm's 8 unsigned bits (zero at 64, 63 steps above it), as torch's own fbgemm
# quantization does (reduce_range): on AVX2, without VNNI, fbgemm adds two u8 x s8 products in 16 bits,
# which saturates with full-range inputs (a layer of ones gave 0.5 for 32).
INPUT_ZERO_POINT = 64
INPUT_STEPS = 63
# The quantized engines whose packed weights have the fixed-input-scale product (x86 CPUs); ARM's
# qnnpack has not.
INT8_ENGINES = ("x86", "fbgemm")


def _quantize_dynamic(model: torch.nn.Module, names: list[str]) -> torch.nn.Module:
    """torch's dynamic quantization of the named layers, in place, without its warning on every layer that
    quantized tensors are deprecated (pytorch#184982): verify pins torch 2.13, which has them, and the
    library prints nothing by default. Imported here: only an int8 load needs it."""
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="torch.quantize_per_tensor, torch.quantize_per_channel")
        return quantize_dynamic(
            model, dict.fromkeys(names, per_channel_dynamic_qconfig), dtype=torch.qint8, inplace=True
        )


class SmoothedInt8Linear(torch.nn.Module):
    """A linear layer in int8: its input divided per channel by the smoothing scale, quantized with a
    fixed scale, multiplied by the int8 weights; fp32 out."""

    inverse_scale: torch.Tensor

    def __init__(self, inverse_scale: torch.Tensor, input_scale: float, packed_weights: object) -> None:
        super().__init__()
        self.register_buffer("inverse_scale", inverse_scale)
        self.input_scale = input_scale
        self.packed_weights = packed_weights  # fbgemm's prepacked int8 weights and fp32 bias

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(
            inputs * self.inverse_scale, self.input_scale, INPUT_ZERO_POINT, self.packed_weights
        )


def int8_available() -> bool:
    """Whether this CPU has a quantized engine that runs SmoothedInt8Linear (INT8_ENGINES)."""
    return any(engine in torch.backends.quantized.supported_engines for engine in INT8_ENGINES)


def encoder_linears(model: torch.nn.Module) -> list[str]:
    """The names of the linear layers int8 replaces: every one but the classification head's, which
    is small and decides the label directly (a BERT model's pooler is included)."""
    return [
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and not name.startswith("classifier")
    ]


def input_maxima(model: torch.nn.Module, names: list[str], run: Callable[[], object]) -> dict[str, torch.Tensor]:
    """The largest magnitude each named layer's input reaches per channel while `run()` drives the model."""
    maxima: dict[str, torch.Tensor] = {}
    modules = dict(model.named_modules())

    def keep(name: str):
        def hook(_module, inputs, _output):
            seen = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(0).float()
            maxima[name] = torch.maximum(maxima[name], seen) if name in maxima else seen

        return hook

    hooks = [modules[name].register_forward_hook(keep(name)) for name in names]
    try:
        run()
    finally:
        for hook in hooks:
            hook.remove()
    return maxima


def save_calibration(path: Path, maxima: dict[str, torch.Tensor], alpha: float) -> None:
    save_file({name: tensor.contiguous() for name, tensor in maxima.items()}, str(path), metadata={"alpha": str(alpha)})


def load_calibration(path: Path) -> tuple[dict[str, torch.Tensor], float]:
    """The input maxima per layer and the alpha saved with them."""
    with safe_open(str(path), framework="pt") as handle:
        names = handle.keys()  # a safetensors file handle, not a dict
        return {name: handle.get_tensor(name) for name in names}, float((handle.metadata() or {})["alpha"])


def quantize_linears(
    model: torch.nn.Module, names: list[str], maxima: dict[str, torch.Tensor] | None, alpha: float
) -> torch.nn.Module:
    """`model` with the named linear layers in int8, changed in place: smoothed by `maxima` at `alpha`
    with fixed input scales, or torch's plain dynamic quantization (per-channel weights, an input scale
    per batch) when `maxima` is None (the accuracy benchmark's baseline)."""
    if maxima is None:
        return _quantize_dynamic(model, names)
    modules = dict(model.named_modules())
    for name in names:
        linear = modules[name]
        weight_maxima = linear.weight.detach().abs().amax(0).clamp(min=SMALLEST_MAGNITUDE)
        scale = maxima[name].clamp(min=SMALLEST_MAGNITUDE) ** alpha / weight_maxima ** (1 - alpha)
        linear.weight.data *= scale
        # Quantizing the weights per output channel and packing them for fbgemm is what torch's dynamic
        # quantization does to a layer: its packed weights are taken, its per-batch input scale is not.
        layer: Any = _quantize_dynamic(torch.nn.Sequential(linear), ["0"]).get_submodule("0")
        largest_input = max(float((maxima[name] / scale).max()), SMALLEST_MAGNITUDE)
        packed = layer._packed_params._packed_params
        parent, _, child = name.rpartition(".")
        setattr(
            modules[parent] if parent else model,
            child,
            SmoothedInt8Linear(1 / scale, largest_input / INPUT_STEPS, packed),
        )
    return model


def int8_model(model: torch.nn.Module, calibration: Path) -> torch.nn.Module:
    """`model` in int8 (changed in place) with its shipped calibration file."""
    maxima, alpha = load_calibration(calibration)
    names = encoder_linears(model)
    missing = [name for name in names if name not in maxima]
    if missing:
        raise ValueError(f"{calibration.name} has no input maxima for {missing[0]} (calibrated for another model?)")
    return quantize_linears(model, names, maxima, alpha)
