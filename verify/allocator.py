"""Process-wide memory settings for verify's NLI: glibc's malloc under int8, oneDNN's primitive cache under bf16.

malloc (int8). glibc's malloc gives large freed blocks back to the operating system: a block over its mmap threshold
(128 KB at first, rising to at most 32 MB as blocks are freed) is unmapped, and free memory at the top of
the heap beyond its trim threshold is released. int8 linear layers allocate and free buffers of several MB
on every call, so each batch maps the same memory again and faults in every page of it. Keeping freed
memory for reuse removes that cost, for more memory held: with AVX2 kernels MiniLM's int8 NLI scores 64-token
pairs 24% faster and pairs of mixed lengths 16% faster; on a CPU with VNNI the default model's report on
20,000 characters of news takes 12-17% less time and peaks 190-300 MB higher (MiniLM's: the same time,
+70 MB). So loading an int8 NLI model makes the setting (verify.nli). Other precisions leave malloc as
it is: bf16, which CPUs with native bf16 run, gains 2% (mpnet, for 200 MB more; MiniLM: nothing); fp32 gains
8-14% in the NLI benchmark, its memory cost unmeasured, a trade its user can make with GLIBC_TUNABLES (README,
"Measured results").

The setting is process-wide, and the memory a process has freed stays counted as its own until it ends.
malloc settings the user gave in GLIBC_TUNABLES (`glibc.malloc.*`) stand instead. Where another allocator is
preloaded (jemalloc, tcmalloc), its own mallopt, if any, gets the call.

oneDNN's primitive cache (bf16). torch runs bf16 matrix products through oneDNN, which builds a primitive for
each shape and caches the last 1,024 built. Batches of NLI pairs come in many shapes (pairs a batch times tokens
a pair), so over a corpus the cache fills slowly, some hundred KB a primitive: in-process corpus of 80 PolNeAR
articles, MiniLM, AVX512-BF16 machine, one run each, peak 1,596 MB with the default, 1,468 MB capped at 256
(time +1.5%), 1,339 MB at 64 (+5.5%); part of what kept the peak rising with the number of articles.
Loading a bf16 NLI model caps it at PRIMITIVE_CACHE_CAPACITY, unless the user set the capacity
(ONEDNN_PRIMITIVE_CACHE_CAPACITY, or oneDNN's older DNNL_ name). oneDNN reads it once, when the process builds
its first primitive, so the cap holds only where verify's model loads first.
"""

from __future__ import annotations

import ctypes
import logging
import os

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


# Primitives oneDNN keeps (module docstring: measured at 1,024, 256 and 64).
PRIMITIVE_CACHE_CAPACITY = 256
PRIMITIVE_CACHE_VARIABLES = ("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "DNNL_PRIMITIVE_CACHE_CAPACITY")


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


def bound_primitive_cache() -> bool:
    """Cap oneDNN's primitive cache at PRIMITIVE_CACHE_CAPACITY (the module docstring says why), unless the user
    set its capacity. True where this call set it."""
    if primitive_cache_capacity() is not None:
        return False
    os.environ[PRIMITIVE_CACHE_VARIABLES[0]] = str(PRIMITIVE_CACHE_CAPACITY)
    logger.debug("oneDNN primitive cache capped at %d", PRIMITIVE_CACHE_CAPACITY)
    return True


def primitive_cache_capacity() -> str | None:
    """The primitive cache capacity this process gives oneDNN (the user's or `bound_primitive_cache`'s), as
    set; None for oneDNN's default of 1,024. For benchmarks to record beside their numbers."""
    return next((os.environ[name] for name in PRIMITIVE_CACHE_VARIABLES if name in os.environ), None)


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
