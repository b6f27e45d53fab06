"""glibc malloc settings for a process that runs verify's int8 NLI.

glibc's malloc gives large freed blocks back to the operating system: a block over its mmap threshold
(128 KB at first, rising to at most 32 MB as blocks are freed) is unmapped, and free memory at the top of
the heap beyond its trim threshold is released. int8 linear layers allocate and free buffers of several MB
on every call, so each batch maps the same memory again and faults in every page of it. Keeping freed
memory for reuse removes that cost, for more memory held: with AVX2 kernels MiniLM's int8 NLI scores 64-token
pairs 24% faster and pairs of mixed lengths 16% faster; on a CPU with VNNI the default model's report on
20,000 characters of news takes 13-17% less time and peaks 190-300 MB higher (MiniLM's: the same time,
+70 MB). So loading an int8 NLI model makes the setting (verify.nli). Other precisions leave malloc as
it is: bf16, which CPUs with native bf16 run, gains 2% for 200 MB; fp32 gains about a tenth, a trade its
user can make with GLIBC_TUNABLES (README, "Measured results").

The setting is process-wide, and the memory a process has freed stays counted as its own until it ends.
GLIBC_TUNABLES, when the user sets it, stands instead.
"""

from __future__ import annotations

import ctypes
import logging
import os

logger = logging.getLogger(__name__)

# mallopt's parameter numbers (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
# The largest mmap threshold glibc accepts (half its 64 MB heap size): blocks up to it come from the heap.
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
# Free heap memory kept rather than released: more than one forward pass's activations at verify's batch
# sizes (mpnet, 32 pairs of 256 tokens: about 200 MB).
TRIM_THRESHOLD_BYTES = 512 * 1024 * 1024


_kept: bool | None = None  # the process's setting once made: the first call decides


def keep_freed_memory() -> bool:
    """Set glibc's malloc to keep freed memory for reuse (the module docstring says why), once per process.
    False where the C library is not glibc or the user set GLIBC_TUNABLES (their settings stand)."""
    global _kept
    if _kept is None:
        _kept = _glibc() and "GLIBC_TUNABLES" not in os.environ and _mallopt()
        logger.debug("malloc keeps freed memory: %s", _kept)
    return _kept


def freed_memory_kept() -> bool:
    """Whether this process keeps freed memory (`keep_freed_memory` was called and took effect)."""
    return bool(_kept)


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
