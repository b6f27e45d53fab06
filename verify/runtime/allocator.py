"""Process-wide memory settings for verify's NLI: glibc's malloc under int8, oneDNN's caches under bf16.

malloc (int8). glibc's malloc gives large freed blocks back to the operating system: a block over its mmap threshold
(128 KB at first, rising to at most 32 MB as blocks are freed) is unmapped, and free memory at the top of
the heap beyond its trim threshold is released. int8 linear layers allocate and free buffers of several MB
on every call, so each batch maps the same memory again and faults in every page of it. Keeping freed
memory for reuse removes that cost, for more memory held: with AVX2 kernels MiniLM's int8 NLI scores 64-token
pairs 24% faster and pairs of mixed lengths 16% faster; on a CPU with VNNI the default model's report on
20,000 characters of news takes 12-17% less time and peaks 190-300 MB higher (MiniLM's: the same time,
+70 MB). So loading an int8 NLI model makes the setting (verify.runtime.nli). Other precisions leave malloc as
it is: bf16, which CPUs with native bf16 run, gains 2% (mpnet, for 200 MB more; MiniLM: nothing); fp32 gains
8-14% in the NLI benchmark, its memory cost unmeasured, a trade its user can make with GLIBC_TUNABLES
(docs/results.md, "malloc keeps freed memory in int8").

The setting is process-wide, and the memory a process has freed stays counted as its own until it ends.
malloc settings the user gave in GLIBC_TUNABLES (`glibc.malloc.*`) stand instead. Where another allocator is
preloaded (jemalloc, tcmalloc), its own mallopt, if any, gets the call.

Caches of per-shape state (bf16). torch runs bf16 matrix products through oneDNN, which builds a primitive for each
shape and caches the last 1,024 built; torch's oneDNN layer (ideep) keeps per-shape state of its own in caches of
1,024 entries, one for each thread that calls it (LRU_CACHE_CAPACITY). Batches of NLI pairs come in many shapes
(pairs a batch times tokens a pair), so over a corpus they fill slowly. In-process reports on the first 80 PolNeAR
articles, MiniLM, AVX512-BF16 machine, one run each: oneDNN's cache took the peak from 1,596 MB at 1,024 to 1,468 MB
at 256 (time +1.5%), 1,339 MB at 64 (+5.5%); with that at 256, ideep's cache took it from 1,470 MB at 1,024 to 1,426
/ 1,332 / 1,354 / 1,341 MB at 256 / 64 / 16 / 1, and the memory in use after the run (RSS after malloc_trim) from
1,066 MB to 934 / 874 / 866 / 864 MB, in the same time within the runs' spread (202-215 s). Loading a bf16 NLI model
caps each at its SHAPE_CACHES capacity, unless the user set that capacity (with any of its variables). oneDNN reads
its capacity once, when the process builds its first primitive, and ideep when a thread first uses its cache, so the
caps hold only where verify's model loads before any bf16 product has run.
"""

from __future__ import annotations

import ctypes
import logging
import os
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# mallopt's parameter numbers (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
# The largest mmap threshold 64-bit glibc accepts (half its 64 MB heap size; 32-bit glibc refuses it, and
# then nothing is set): blocks up to it come from the heap.
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
# Free heap memory kept rather than released. MiniLM int8, AVX2 kernels, 64-token pairs: 165 pairs/s with
# 64 MB, 184 with 256 MB, 189 with 512 MB (one run each, before NLI batches were limited to 2,048 tokens);
# mpnet int8's report on 20k characters: 40.8 s and 1,977 MB peak with 256 MB, 39.1-39.9 s and
# 2,308-2,438 MB with 512 MB. Not chosen again since the batch limit, which made batches smaller.
TRIM_THRESHOLD_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ShapeCache:
    """A cache of per-shape state that torch's bf16 products fill, and the environment variables that size it."""

    variables: tuple[str, ...]  # the first is the one verify sets
    capacity: int  # what verify sets (module docstring: measured)

    def configured_capacity(self) -> str | None:
        """The capacity the environment gives the cache (the user's or verify's), as written; None: its default."""
        return next((os.environ[name] for name in self.variables if name in os.environ), None)


# oneDNN's primitives, under its current and its older name; ideep's entries.
PRIMITIVE_CACHE = ShapeCache(("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "DNNL_PRIMITIVE_CACHE_CAPACITY"), 256)
IDEEP_CACHE = ShapeCache(("LRU_CACHE_CAPACITY",), 64)
SHAPE_CACHES = (PRIMITIVE_CACHE, IDEEP_CACHE)


_kept: bool | None = None  # the process's setting once made: the first call decides


def keep_freed_memory() -> bool:
    """Set glibc's malloc to keep freed memory for reuse (the module docstring says why), once per process.
    False where the C library is not glibc or the user set malloc tunables (their settings stand)."""
    global _kept
    if _kept is None:
        _kept = _glibc() and "glibc.malloc." not in os.environ.get("GLIBC_TUNABLES", "") and _mallopt()
        logger.debug("malloc keeps freed memory: %s", _kept)
    return _kept


def freed_memory_kept() -> bool:
    """Whether this process keeps freed memory (`keep_freed_memory` was called and took effect)."""
    return bool(_kept)


def bound_shape_caches() -> tuple[str, ...]:
    """Cap each of SHAPE_CACHES at its capacity (the module docstring says why), unless the user set it. The
    variables this call set."""
    bounded = []
    for cache in SHAPE_CACHES:
        if cache.configured_capacity() is None:
            os.environ[cache.variables[0]] = str(cache.capacity)
            bounded.append(cache.variables[0])
    logger.debug("bf16 shape caches bounded: %s", ", ".join(bounded) or "none (their capacities were already set)")
    return tuple(bounded)


def shape_cache_capacities() -> dict[str, str | None]:
    """Each shape cache's capacity in this process (None: its default, 1,024), by the variable verify sets: for
    benchmarks to record beside their numbers."""
    return {cache.variables[0]: cache.configured_capacity() for cache in SHAPE_CACHES}


def _mallopt() -> bool:
    mallopt = ctypes.CDLL(None).mallopt
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")  # type: ignore[union-attr]
    except (ValueError, OSError, AttributeError):  # not a GNU C library, or no confstr (Windows)
        return False
