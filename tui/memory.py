"""The monitor's memory allocators, set to give freed memory back soon.

The monitor runs for days at a steady size, but its threads free and reallocate frames and
arrays many times a second. Left to their defaults, the allocators keep what was freed for
reuse: polars' jemalloc one arena per thread with dirty pages kept for half a second, glibc
one arena per thread. At 50,000 lines/s that was some 20-45 MB of the monitor's RSS
(issue 18: at most 300 MB; docs/performance.md). So the monitor, before polars is first imported:

- has polars' jemalloc return freed pages soon (after 250 ms, none kept as "muzzy"
  pages), from one arena (`_RJEM_MALLOC_CONF`, read once when polars is imported; the
  variable is restored afterwards so that the training subprocess and `--notify`
  commands keep polars' defaults);
- limits glibc to two arenas (numpy, Python and onnxruntime allocate there).

The headless export does not import this: its speed is measured in CPU time, and keeping
freed memory around is what makes allocation cheap.
"""

from __future__ import annotations

import ctypes
import os
import sys

POLARS_ALLOCATOR = "narenas:1,dirty_decay_ms:250,muzzy_decay_ms:0"
"""jemalloc's settings for the monitor's polars (see jemalloc's `opt.*` settings). Dirty
pages go after 250 ms rather than at once: returning them at once (0 ms) saved another 6 MB
but cost 4 % of a core in page faults and dropped the repaints at 50,000 lines/s from 3.5
to 2.9 a second."""
JEMALLOC_VARIABLE = "_RJEM_MALLOC_CONF"
"""The variable polars' (prefixed) jemalloc reads its settings from."""
GLIBC_ARENAS = 2
M_ARENA_MAX = -8
"""glibc's mallopt parameter for the number of arenas."""


def frugal_allocators() -> None:
    """Set both allocators up; call before polars is first imported (later, polars'
    allocator keeps its defaults). polars appends the variable's value to its own
    defaults, so these settings come last and win; the variable is then restored, as
    polars' `__init__` sets it for the whole process (a parent that used polars passes
    its defaults down to this process the same way)."""
    if "polars" not in sys.modules:
        previous = os.environ.get(JEMALLOC_VARIABLE)
        os.environ[JEMALLOC_VARIABLE] = f"{previous},{POLARS_ALLOCATOR}" if previous else POLARS_ALLOCATOR
        try:
            import polars  # noqa: F401 - its jemalloc starts now, reading the variable
        finally:
            if previous is None:
                del os.environ[JEMALLOC_VARIABLE]
            else:
                os.environ[JEMALLOC_VARIABLE] = previous
    _limit_glibc_arenas(GLIBC_ARENAS)


def _limit_glibc_arenas(arenas: int) -> None:
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return
    except (ValueError, OSError):  # not glibc (musl, macOS)
        return
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas)  # this process's libc (find_library would run ldconfig)
    except (OSError, AttributeError):
        return
