"""logwatch's temporary files next to an export: their one naming, creation, and the probe.

OUT is written as `.OUT.XXXXXXXX.tmp` in OUT's folder (XXXXXXXX: mkstemp's eight random
characters) and renamed into place. `probe_writable` makes and removes one such file
before any work starts, so a read-only folder or a full disk is reported at once, not
after the whole input was scored.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from logwatch.engine.errors import UserError

SUFFIX = ".tmp"
_RANDOM = "[a-z0-9_]{8}"
"""What mkstemp puts between prefix and suffix (tempfile's name characters, eight)."""


def prefix(target: Path) -> str:
    return f".{target.name}."


def make_temp(target: Path) -> tuple[int, Path]:
    """A new temporary file next to `target`: (open descriptor, path). Raises OSError."""
    fd, name = tempfile.mkstemp(prefix=prefix(target), suffix=SUFFIX, dir=target.parent)
    return fd, Path(name)


def is_temp_of(name: str, target: Path) -> bool:
    """Is `name` (a file name) one of logwatch's temporary files for `target`?"""
    pattern = re.escape(prefix(target)) + _RANDOM + re.escape(SUFFIX)
    return re.fullmatch(pattern, name) is not None


def why(error: BaseException) -> str:
    """One line saying what went wrong with a write (OSError or a polars error)."""
    strerror = getattr(error, "strerror", None)
    if strerror:
        return strerror
    text = str(error)
    code = re.search(r"\(os error (\d+)\)", text)  # polars: "...: No space left on device (os error 28)"
    if code:
        return os.strerror(int(code[1]))
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def write_error(target: Path, error: BaseException) -> UserError:
    return UserError(f"cannot write {target}: {why(error)}")


def probe_writable(target: Path) -> None:
    """Create, write one byte to, and remove a temporary file next to `target`.

    Raises UserError naming `target` when the folder is read-only, full or not ours."""
    try:
        fd, path = make_temp(target)
    except OSError as error:
        raise write_error(target, error) from None
    try:
        os.write(fd, b"\n")  # a full disk may still let an empty file be made
    except OSError as error:
        raise write_error(target, error) from None
    finally:
        try:
            os.close(fd)
        finally:
            path.unlink(missing_ok=True)
