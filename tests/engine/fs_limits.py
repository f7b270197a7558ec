"""Places where writes fail, for real: a tiny or read-only tmpfs, or a file size limit.

A tmpfs needs the right to mount (root in a container that allows it); `tiny_tmpfs` skips
the test with the reason when the machine refuses. `file_size_limit` works everywhere: the
kernel's RLIMIT_FSIZE makes a write past `limit` bytes write what fits and then fail with
EFBIG ("File too large"), the way a disk that fills up in the middle of a write does.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, *, size: str = "64k", read_only: bool = False) -> Iterator[Path]:
    """Mount a tmpfs of `size` on `folder` (read-only if asked) for the block; skip if refused."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                                 capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"cannot mount a tmpfs here ({error}); the file size limit variant covers it")
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (" + mounted.stderr.decode().strip()
                    + "); the file size limit variant covers it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def fill(folder: Path) -> None:
    """Write a filler file until the file system in `folder` is full."""
    with open(folder / "filler", "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass


def file_size_limit(limit: int) -> Callable[[], None]:
    """A `preexec_fn`: files of the child cannot grow past `limit` bytes (SIGXFSZ ignored, so
    the write fails with EFBIG instead of killing the child)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def start_logwatch(*args: str, preexec: Callable[[], None] | None = None,
                   stdin: int | None = None) -> subprocess.Popen:
    """`python -m logwatch.tui ARGS` with no terminal, z-score detector, no user models."""
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    return subprocess.Popen([sys.executable, "-m", "logwatch.tui", *args], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            preexec_fn=preexec)
