"""verify.runtime.allocator: a process that keeps freed memory does not fault its pages in again for the next batch.

Each case runs in a fresh interpreter: the setting is process-wide and the first call decides."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from conftest import environment_without_shape_caches
from verify.runtime.allocator import _glibc


def _huge_pages_always() -> bool:
    try:
        return "[always]" in open("/sys/kernel/mm/transparent_hugepage/enabled").read()
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not _glibc(), reason="the malloc settings are glibc's; this C library is another"),
    # With huge pages always on, blocks fault in 2 MB at a time and page counts say little.
    pytest.mark.skipif(_huge_pages_always(), reason="transparent huge pages are always on"),
]

# Like a forward pass: eight 12 MB activations made, then all freed; a later pass makes them again.
LATER_PASS_FAULTS = """
import json, resource, sys
import numpy as np
from verify.runtime.allocator import freed_memory_kept, keep_freed_memory
if sys.argv[1] == "keep":
    keep_freed_memory()
def one_pass():
    blocks = [np.ones(1_500_000) for _ in range(8)]
    del blocks
one_pass()
one_pass()  # glibc's dynamic thresholds have adapted to these blocks by now
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
one_pass()
print(json.dumps({"faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, "kept": freed_memory_kept()}))
"""
PAGES_PER_PASS = 8 * 1_500_000 * 8 // resource.getpagesize()  # 23,437 pages of 4 KB


def later_pass(setting: str, **environment: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "GLIBC_TUNABLES"} | environment
    done = subprocess.run(
        [sys.executable, "-c", LATER_PASS_FAULTS, setting], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout)


def test_kept_memory_is_reused_without_faulting_pages_in():
    kept = later_pass("keep")
    assert kept["kept"] is True
    assert kept["faults"] < PAGES_PER_PASS // 20


def test_by_default_glibc_faults_the_pages_in_again():
    """The cost the setting removes: without it a later pass faults in pages again, however often the blocks
    were made before (the heap is trimmed back after each)."""
    default = later_pass("default")
    assert default["kept"] is False
    assert default["faults"] > PAGES_PER_PASS // 10


@pytest.mark.parametrize(
    ("tunables", "kept"),
    [
        ("glibc.malloc.trim_threshold=131072", False),  # the user's malloc settings stand
        ("glibc.malloc.perturb=0", False),
        ("glibc.pthread.rseq=0", True),  # set by some containers; nothing to do with malloc
    ],
)
def test_the_users_malloc_tunables_stand(tunables, kept):
    assert later_pass("keep", GLIBC_TUNABLES=tunables)["kept"] is kept


def test_each_precision_makes_its_own_memory_setting():
    """int8 keeps freed memory, bf16 bounds oneDNN's shape caches, fp32 does neither."""
    from verify.runtime.int8 import INT8_CALIBRATION, int8_available
    from verify.runtime.models import shipped_model

    model = shipped_model("verify-nli-minilm-l6")
    if not (model / INT8_CALIBRATION).is_file() or not int8_available():
        pytest.skip("needs the shipped MiniLM model with its int8 calibration, on an x86 CPU")
    script = (
        "import sys\n"
        "from verify.runtime.allocator import freed_memory_kept, shape_cache_capacities\n"
        "from verify.runtime.nli import NLIBackend\n"
        "NLIBackend(sys.argv[1], precision=sys.argv[2])\n"
        "print(freed_memory_kept(), *shape_cache_capacities().values())"
    )
    env = environment_without_shape_caches()
    settings = {
        precision: subprocess.run(
            [sys.executable, "-c", script, str(model), precision], capture_output=True, text=True, check=True, env=env
        ).stdout.strip()
        for precision in ("int8", "bf16", "fp32")
    }
    assert settings == {"int8": "True None None", "bf16": "False 256 64", "fp32": "False None None"}
