"""verify.runtime.allocator's bf16 settings: oneDNN's primitive cache and ideep's caches keep a bounded number of
shapes, unless the user chose the number. Each case runs in a fresh interpreter: the caches read their capacities at
their first use."""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest

from conftest import environment_without_shape_caches
from verify.runtime.allocator import _glibc

# bf16 products of 300 shapes, twice: oneDNN's verbose log says which primitives were built again.
PRIMITIVES_BUILT = """
import sys, torch
from verify.runtime.allocator import bound_shape_caches
if sys.argv[1] == "bound":
    print("bound:", *bound_shape_caches())
layer = torch.nn.Linear(32, 32)
with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
    for _ in range(2):
        for rows in range(1, 301):
            layer(torch.randn(rows, 32))
"""

# bf16 products of a layer of MiniLM's size on 300 lengths of a batch of 8: the memory in use afterwards (RSS
# once glibc has given back what is free) grows with the shapes ideep keeps state for.
IDEEP_GROWTH = """
import ctypes, sys, torch
from verify.runtime.allocator import bound_shape_caches
if sys.argv[1] == "bound":
    print("bound:", *bound_shape_caches())
libc = ctypes.CDLL("libc.so.6")
def in_use():
    libc.malloc_trim(0)
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) // 1024
torch.set_num_threads(1)  # one calling thread, one ideep cache, on any machine
layer = torch.nn.Linear(384, 1536)
with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
    layer(torch.randn(8, 8, 384))
    before = in_use()
    for tokens in range(16, 316):
        layer(torch.randn(8, tokens, 384))
    print("grew:", in_use() - before)
"""


def run_bf16(script: str, setting: str, **environment: str) -> tuple[str, str]:
    """The script's output in a fresh interpreter whose environment sets no shape cache but `environment`, and
    the line that says which caches `bound_shape_caches` bounded ("" where it was not called)."""
    env = environment_without_shape_caches() | environment
    done = subprocess.run([sys.executable, "-c", script, setting], capture_output=True, text=True, env=env, check=True)
    bound = next((line for line in done.stdout.splitlines() if line.startswith("bound:")), "")
    return bound, done.stdout


@pytest.mark.parametrize(
    ("setting", "environment", "bound", "built_again"),
    [
        ("default", {}, "", False),  # oneDNN's 1,024 primitives hold all 300: the second pass finds them
        ("bound", {}, "bound: ONEDNN_PRIMITIVE_CACHE_CAPACITY LRU_CACHE_CAPACITY", True),  # 256 do not
        ("bound", {"ONEDNN_PRIMITIVE_CACHE_CAPACITY": "1024"}, "bound: LRU_CACHE_CAPACITY", False),  # the user's
        ("bound", {"DNNL_PRIMITIVE_CACHE_CAPACITY": "1024"}, "bound: LRU_CACHE_CAPACITY", False),
    ],
)
def test_bf16_primitive_cache_is_bounded_unless_the_user_set_it(setting, environment, bound, built_again):
    require_bf16_through_onednn()
    said, log = run_bf16(PRIMITIVES_BUILT, setting, ONEDNN_VERBOSE="2", **environment)
    misses, hits = log.count("create:cache_miss"), log.count("create:cache_hit")
    assert said == bound
    if built_again:
        assert misses >= 590 and hits <= 10
    else:
        assert misses <= 310 and hits >= 290


def test_bf16_ideep_cache_is_bounded_unless_the_user_set_it():
    require_bf16_through_onednn()
    if not _glibc():
        pytest.skip("measures the memory in use with glibc's malloc_trim")
    # oneDNN's primitive cache off (a capacity the user set), so that only ideep's caches hold shapes.
    runs = {
        name: run_bf16(IDEEP_GROWTH, setting, ONEDNN_PRIMITIVE_CACHE_CAPACITY="0", **environment)
        for name, setting, environment in [
            ("default", "default", {}),  # ideep's 1,024 entries keep state for all 300 shapes
            ("bounded", "bound", {}),  # 64 do not
            ("the user's", "bound", {"LRU_CACHE_CAPACITY": "1024"}),  # the user's stands
        ]
    }
    assert [said for said, _ in runs.values()] == ["", "bound: LRU_CACHE_CAPACITY", "bound:"]
    grew = {name: int(log.split("grew:")[1]) for name, (_, log) in runs.items()}
    # Measured on an AVX512-BF16 machine: 80 MB with ideep's default, 17 MB capped at 64.
    assert grew["bounded"] < grew["default"] / 2 < grew["the user's"]


@functools.cache
def bf16_through_onednn() -> bool:
    _, log = run_bf16(PRIMITIVES_BUILT, "default", ONEDNN_VERBOSE="2")
    return "create:cache_" in log


def require_bf16_through_onednn() -> None:
    if not bf16_through_onednn():
        pytest.skip("torch does not run bf16 products through oneDNN on this CPU")
