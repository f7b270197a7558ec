"""File modes for outputs built under a temporary name and renamed into place.

`tempfile.mkstemp` creates files 0600 and `tempfile.mkdtemp` folders 0700 whatever the
umask, so an output written that way and renamed stays owner-only. `apply_umask` gives it
the mode a plainly created file (0666) or folder (0777) gets under the current umask:
0644 / 0755 with the usual umask 022.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_lock = threading.Lock()


def current_umask() -> int:
    """The process umask, without changing it for other threads when avoidable.

    Linux shows it in /proc/self/status (`Umask:`, kernel 4.7+); elsewhere it is read with
    os.umask twice (set then restore), which is process-wide but brief.
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _lock:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def apply_umask(path: str | Path | int, *, folder: bool = False) -> None:
    """chmod `path` (or an open file descriptor) to 0o666 (0o777 for a folder) minus the umask."""
    mode = (0o777 if folder else 0o666) & ~current_umask()
    if isinstance(path, int):
        os.fchmod(path, mode)
    else:
        os.chmod(path, mode)
