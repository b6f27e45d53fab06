"""Freed memory given back to the system between articles, so that a long run's memory stays flat.

glibc's malloc raises its mmap threshold to the size of the largest block freed (up to 32 MB), so after one
long article the models' large temporary tensors are carved from the heap instead of mappings of their own,
and the heap's freed pages stay resident: over a corpus, RSS climbs in steps with each article that needs more
than the ones before. A fixed threshold keeps large blocks in mappings that are unmapped when freed, and
`malloc_trim` hands the heap's free pages back. Written here because no maintained package does this one call
(jemalloc or tcmalloc would have to be preloaded before the process starts); where the C library is not glibc
(musl, macOS, Windows) both functions do nothing.
"""

from __future__ import annotations

import ctypes
import functools

M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
MMAP_THRESHOLD = 256 * 1024  # bytes: blocks this large get a mapping of their own (glibc's default is 128 KiB)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def keep_large_blocks_mapped() -> None:
    """Fix the mmap threshold (it stops moving up); once per process is enough, more does no harm."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def release_freed_memory() -> None:
    """Return the heap's free pages to the system (a few milliseconds)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
