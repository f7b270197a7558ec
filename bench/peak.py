"""Runs a Python module or code string and writes its peak resident memory to a file.

`python -m bench.peak OUT -m MODULE ARGS...` or `python -m bench.peak OUT -c CODE`.
The peak is VmHWM of /proc/self/status, the high-water mark of this process's own memory.
ru_maxrss from wait4 is not: Linux carries a child's maximum over from the parent it was
forked from, so a child of a bench that had itself read a large file reported the bench's
size, not its own.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    out, how, what, *args = sys.argv[1:]
    sys.argv = [what, *args]
    try:
        if how == "-m":
            runpy.run_module(what, run_name="__main__", alter_sys=True)
        else:
            exec(compile(what, "<bench.peak>", "exec"), {"__name__": "__main__"})
    finally:
        Path(out).write_text(f"{peak_mib()}\n")


if __name__ == "__main__":
    main()
