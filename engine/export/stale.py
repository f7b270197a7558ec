"""Leftover temporary files of an export (a run killed by SIGKILL or a power cut), removed
when OUT is written again; those of a run ending early, removed on its way out
(`remove_after_interrupt`).

Only files of logwatch's own naming for that OUT are looked at. One goes when it is older
than this run's start and no live process holds it open (Linux: the links in
/proc/*/fd). When that cannot be known (no /proc, or a process whose descriptors cannot
be read), only leftovers older than `UNKNOWN_HOLDERS_SECONDS` go.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from logwatch.engine.export.tempfiles import is_temp_of

UNKNOWN_HOLDERS_SECONDS = 3600.0
"""Age past which a leftover is removed even when open files cannot be checked."""

_Identity = tuple[int, int]
"""(device, inode) of a file."""


def remove_stale(
    target: Path, started: float, *, proc: Path = Path("/proc"), ignore_pid: int | None = None
) -> list[Path]:
    """Remove `target`'s leftover temporary files; return the ones removed.

    `started`: the run's start (seconds since the epoch); newer files are never touched.
    `proc`: where the process table is mounted. `ignore_pid`: a process whose open files do
    not count. Never raises for a file it cannot remove.
    """
    leftovers = _leftovers(target, started)
    if not leftovers:
        return []
    held = _held_open(proc, ignore_pid)
    removed = []
    for path, info in leftovers:
        if held is None:
            if info.st_mtime > started - UNKNOWN_HOLDERS_SECONDS:
                continue
        elif (info.st_dev, info.st_ino) in held:
            continue
        try:
            path.unlink()
        except OSError:  # gone meanwhile, or a folder we cannot change (the probe says so)
            continue
        removed.append(path)
    return removed


def remove_after_interrupt(target: Path, *, proc: Path = Path("/proc")) -> list[Path]:
    """After a run was interrupted and its writer aborted: remove every temporary file of
    `target` that no other process holds open.

    An interruption can land between creating a temporary file and handing it to whoever
    removes it (inside `tempfile.mkstemp`, or between a writer's opening and the code that
    would abort it); such a file's descriptor may even stay open in this process, so this
    process's own open files do not count. Another run writing the same OUT holds its file
    open and keeps it."""
    return remove_stale(target, time.time(), proc=proc, ignore_pid=os.getpid())


def _leftovers(target: Path, started: float) -> list[tuple[Path, os.stat_result]]:
    found = []
    try:
        entries = os.scandir(target.parent)
    except OSError:
        return []
    with entries:
        for entry in entries:
            if not is_temp_of(entry.name, target):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_mtime < started:
                found.append((Path(entry.path), info))
    return found


def _held_open(proc: Path, ignore_pid: int | None = None) -> set[_Identity] | None:
    """Every file some live process (but `ignore_pid`) holds open, or None when that cannot
    be known."""
    try:
        pids = [name for name in os.listdir(proc) if name.isdigit() and name != str(ignore_pid)]
    except OSError:
        return None
    if not pids:  # not a mounted process table
        return None
    held: set[_Identity] = set()
    for pid in pids:
        folder = proc / pid / "fd"
        try:
            fds = os.listdir(folder)
        except FileNotFoundError:  # the process ended meanwhile
            continue
        except OSError:  # another user's process: what it holds is unknown
            return None
        for fd in fds:
            try:
                info = os.stat(folder / fd)
            except OSError:  # closed meanwhile, or a socket/pipe gone
                continue
            held.add((info.st_dev, info.st_ino))
    return held
