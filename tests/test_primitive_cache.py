"""verify.allocator's oneDNN setting: a bf16 process keeps a bounded number of primitives, unless the user
chose the number. Each case runs in a fresh interpreter: oneDNN reads the capacity once, at its first primitive."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from verify.allocator import PRIMITIVE_CACHE_VARIABLES

# bf16 products of 300 shapes, twice: oneDNN's verbose log says which primitives were built again.
PRIMITIVES_BUILT = """
import sys, torch
from verify.allocator import bound_primitive_cache
if sys.argv[1] == "bound":
    print("bound:", bound_primitive_cache())
layer = torch.nn.Linear(32, 32)
with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
    for _ in range(2):
        for rows in range(1, 301):
            layer(torch.randn(rows, 32))
"""


def primitives_built(setting: str, **environment: str) -> tuple[str, int, int]:
    env = {key: value for key, value in os.environ.items() if key not in PRIMITIVE_CACHE_VARIABLES} | environment
    done = subprocess.run(
        [sys.executable, "-c", PRIMITIVES_BUILT, setting],
        capture_output=True,
        text=True,
        env=env | {"ONEDNN_VERBOSE": "2"},
        check=True,
    )
    bound = next((line for line in done.stdout.splitlines() if line.startswith("bound:")), "")
    if "create:cache_" not in done.stdout:
        pytest.skip("torch does not run bf16 products through oneDNN on this CPU")
    return bound, done.stdout.count("create:cache_miss"), done.stdout.count("create:cache_hit")


@pytest.mark.parametrize(
    ("setting", "environment", "bound", "built_again"),
    [
        ("default", {}, "", False),  # oneDNN's 1,024 primitives hold all 300: the second pass finds them
        ("bound", {}, "bound: True", True),  # 256 do not: the second pass builds them all again
        ("bound", {"ONEDNN_PRIMITIVE_CACHE_CAPACITY": "1024"}, "bound: False", False),  # the user's stands
        ("bound", {"DNNL_PRIMITIVE_CACHE_CAPACITY": "1024"}, "bound: False", False),
    ],
)
def test_bf16_primitive_cache_is_bounded_unless_the_user_set_it(setting, environment, bound, built_again):
    said, misses, hits = primitives_built(setting, **environment)
    assert said == bound
    if built_again:
        assert misses >= 590 and hits <= 10
    else:
        assert misses <= 310 and hits >= 290
