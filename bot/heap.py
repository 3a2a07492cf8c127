"""The C heap of a worker: few malloc arenas, and freed memory handed back to the system (glibc)."""
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


M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_arenas(arenas: int) -> bool:
    """At most this many malloc arenas for all threads (glibc makes up to 8 per core); False where not glibc.

    Call before the threads start: it is MALLOC_ARENA_MAX set from inside the process."""
    libc = _libc()
    if libc is None or arenas <= 0:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))
