"""int8 inference (verify.runtime.int8) and the choice of precision (verify.runtime.precision)."""

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
from test_nli import PAIRS, make_tiny_nli_checkpoint

from conftest import SMALL_MODEL
from verify.errors import VerifyError
from verify.runtime.int8 import (
    INT8_CALIBRATION,
    SmoothedInt8Linear,
    encoder_linears,
    input_maxima,
    load_calibration,
    quantize_linears,
    save_calibration,
)
from verify.runtime.nli import PRECISION_ENV_VAR, NLIBackend
from verify.runtime.precision import inference_precision


def calibrate_in_place(directory, alpha=0.75):
    """Writes a calibration file from PAIRS into the tiny checkpoint's folder; the fp32 backend."""
    backend = NLIBackend(directory, max_length=64, precision="fp32")
    maxima = input_maxima(backend.model, encoder_linears(backend.model), lambda: backend.score(PAIRS))
    save_calibration(directory / INT8_CALIBRATION, maxima, alpha)
    return backend


def test_smoothing_keeps_an_outlier_channel_from_costing_the_other_channels_their_precision():
    torch.manual_seed(0)
    layer = torch.nn.Linear(64, 32)
    inputs = torch.randn(256, 64)
    inputs[:, 3] *= 100  # one channel far larger than the rest, as in transformer feed-forward inputs
    expected = layer(inputs)
    maxima = input_maxima(layer, [""], lambda: layer(inputs))

    def error(model):
        return (model(inputs) - expected).abs().mean().item()

    plain = quantize_linears(torch.nn.Sequential(layer), ["0"], None, 0.0)
    smoothed = quantize_linears(torch.nn.Sequential(layer), ["0"], {"0": maxima[""]}, 0.75)
    assert error(smoothed) < error(plain) / 2


def test_calibration_round_trip(tmp_path):
    maxima = {"encoder.layer.0.intermediate.dense": torch.tensor([0.5, 12.0, 3.0])}
    save_calibration(tmp_path / INT8_CALIBRATION, maxima, 0.95)
    loaded, alpha = load_calibration(tmp_path / INT8_CALIBRATION)
    assert alpha == 0.95
    assert torch.equal(loaded["encoder.layer.0.intermediate.dense"], maxima["encoder.layer.0.intermediate.dense"])


def test_int8_backend_stays_close_to_fp32_and_says_so(tmp_path):
    directory = make_tiny_nli_checkpoint(tmp_path / "tiny")
    fp32 = calibrate_in_place(directory)
    int8 = NLIBackend(directory, max_length=64, precision="int8")
    assert int8.precision == "int8" and int8.model_info.precision == "int8"
    assert fp32.model_info.precision == "fp32"
    assert any(isinstance(module, SmoothedInt8Linear) for module in int8.model.modules())
    for scores, expected in zip(int8.score(PAIRS), fp32.score(PAIRS)):
        assert scores.as_dict() == pytest.approx(expected.as_dict(), abs=0.02)


def test_int8_without_calibration_is_refused_in_one_line(tmp_path):
    directory = make_tiny_nli_checkpoint(tmp_path / "tiny")
    with pytest.raises(VerifyError, match="ships no int8 calibration") as error:
        NLIBackend(directory, precision="int8")
    assert "\n" not in str(error.value)


def test_calibration_of_another_model_is_refused_in_one_line(tmp_path):
    directory = make_tiny_nli_checkpoint(tmp_path / "tiny")
    save_calibration(directory / INT8_CALIBRATION, {"bert.encoder.layer.0.output.dense": torch.ones(64)}, 0.75)
    with pytest.raises(VerifyError, match="has no input maxima for") as error:
        NLIBackend(directory, precision="int8")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("requested", "native_bf16", "calibrated", "expected"),
    [
        ("auto", True, True, "bf16"),  # native bf16 wins: as fast as int8 there, and closer to fp32
        ("auto", False, True, "int8"),  # AVX2 / AVX-512 without bf16, a model with its calibration
        ("auto", False, False, "fp32"),  # no calibration: no int8 path
        ("fp32", True, True, "fp32"),
        ("int8", True, True, "int8"),
        ("bf16", False, False, "bf16"),
    ],
)
def test_inference_precision(monkeypatch, requested, native_bf16, calibrated, expected):
    monkeypatch.setattr("verify.runtime.precision.native_bf16", lambda device: native_bf16)
    assert inference_precision(requested, "cpu", calibrated) == expected


def test_auto_on_a_gpu_never_picks_int8_even_with_a_calibration(monkeypatch):
    monkeypatch.setattr("verify.runtime.precision.native_bf16", lambda device: False)
    assert inference_precision("auto", "cuda", True) == "fp32"


@pytest.mark.parametrize(
    ("device", "engines", "calibrated", "message"),
    [
        ("cuda", ["x86", "fbgemm"], True, "int8 NLI runs on x86 CPUs only, not on 'cuda'"),
        ("cpu", ["qnnpack"], True, "int8 NLI runs on x86 CPUs only"),  # ARM: no fixed-scale int8 product
        ("cpu", ["x86", "fbgemm"], False, "ships no int8 calibration"),
    ],
)
def test_int8_that_cannot_run_is_refused_in_one_line(monkeypatch, device, engines, calibrated, message):
    monkeypatch.setattr(torch.backends, "quantized", SimpleNamespace(supported_engines=engines))
    with pytest.raises(VerifyError, match=message) as error:
        inference_precision("int8", device, calibrated)
    assert "\n" not in str(error.value)


def test_auto_on_arm_runs_fp32(monkeypatch):
    monkeypatch.setattr(torch.backends, "quantized", SimpleNamespace(supported_engines=["qnnpack", "none"]))
    monkeypatch.setattr("verify.runtime.precision.native_bf16", lambda device: False)
    assert inference_precision("auto", "cpu", True) == "fp32"


def test_int8_from_the_environment(monkeypatch, tmp_path):
    directory = make_tiny_nli_checkpoint(tmp_path / "tiny")
    calibrate_in_place(directory)
    monkeypatch.setenv(PRECISION_ENV_VAR, "int8")
    assert NLIBackend(directory, max_length=64).model_info.precision == "int8"


# A layer of ones on inputs of 0.5: 64 products of the largest input and weight codes. With full-range
# inputs fbgemm's AVX2 kernel (no VNNI) adds pairs of them in 16 bits and saturated, giving 0.5.
SATURATION_PROBE = """
import torch
from verify.runtime.int8 import quantize_linears
layer = torch.nn.Sequential(torch.nn.Linear(64, 1))
torch.nn.init.ones_(layer[0].weight)
torch.nn.init.zeros_(layer[0].bias)
quantize_linears(layer, ["0"], {"0": torch.full((64,), 0.5)}, 0.5)
print(layer(torch.full((4, 64), 0.5))[0].item())
"""


@pytest.mark.parametrize("kernels", ["AVX2", "AVX512"])
def test_int8_products_do_not_saturate_on_avx2_kernels(kernels):
    environment = dict(os.environ, FBGEMM_ENABLE_INSTRUCTIONS=kernels)
    result = subprocess.run(
        [sys.executable, "-c", SATURATION_PROBE], capture_output=True, text=True, env=environment, check=True
    )
    assert float(result.stdout.strip().splitlines()[-1]) == pytest.approx(32.0, rel=0.02)


# Pairs of the kind verify checks, with the label the shipped small model gives them in fp32.
NEWS_PAIRS = [
    (
        "The president said five planes had been seized at Almaty's airport.",
        "The deputy mayor said the airport had been cleared and was operating smoothly.",
    ),
    ("Eight people were killed in the blast, the police said.", "Nobody was hurt in the explosion."),
    ("The mill will close by June, the company said.", "The company had no plans to close the mill."),
    ("The minister spoke to reporters on Tuesday.", "The minister met journalists on Tuesday."),
    ("Turnout reached 70 percent, the commission said.", "Fewer than half of voters took part."),
    ("The storm cut power to 40,000 homes.", "Crews restored power to most homes by Friday."),
]


def test_int8_scores_of_a_pair_do_not_depend_on_the_rest_of_its_batch(tmp_path):
    directory = make_tiny_nli_checkpoint(tmp_path / "tiny")
    calibrate_in_place(directory)
    alone = NLIBackend(directory, max_length=64, precision="int8", batch_size=1)
    together = NLIBackend(directory, max_length=64, precision="int8", batch_size=32)
    # The long pair pads every other pair of the batch to its length; what is left is fp32 rounding in
    # attention (an input scale per batch moved a real model's scores by up to 0.09).
    for mine, alone_scores in zip(together.score(PAIRS), alone.score(PAIRS)):
        assert mine.as_dict() == pytest.approx(alone_scores.as_dict(), abs=1e-5)


@pytest.mark.skipif(not (SMALL_MODEL / INT8_CALIBRATION).is_file(), reason="the small model ships no calibration")
def test_shipped_small_model_in_int8_gives_the_fp32_labels_on_news_pairs():
    fp32 = NLIBackend(SMALL_MODEL, precision="fp32").score(NEWS_PAIRS)
    int8 = NLIBackend(SMALL_MODEL, precision="int8").score(NEWS_PAIRS)
    assert [scores.label for scores in int8] == [scores.label for scores in fp32]
    for scores, expected in zip(int8, fp32):
        assert scores.as_dict() == pytest.approx(expected.as_dict(), abs=0.1)
