"""Giving the heap a big build freed back to the operating system (glibc's malloc_trim)."""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def release_free_memory() -> bool:
    """Return the free pages of the C heap to the system; False where the C library cannot (not glibc)."""
    libc = _libc()
    if libc is None:
        return False
    # The index build frees tens of MB in small pieces; glibc keeps them unless asked.
    libc.malloc_trim(0)
    return True
