"""Reading a whole input to its end: a file, a `.gz` file, or standard input (`-`).

The first line decides the format (`formats.sniff_format`). Input is read in chunks of
megabytes that the `line_splitter` cuts at the last newline (the same splitter, with the
same over-long-line rule, as a tail's), so every parsed chunk holds complete lines and line
numbers stay exact across chunks.
"""

from __future__ import annotations

import gzip
import io
import os
import select
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from logwatch.engine.batch import Batch
from logwatch.engine.errors import UserError
from logwatch.engine.parse.line_splitter import LineSplitter
from logwatch.engine.parse.run_parser import RunParser

DEFAULT_CHUNK_BYTES = 8 << 20
"""Bytes read per batch: large enough for polars to be efficient, small enough to stream."""


def is_compressed(path: str | Path) -> bool:
    """A `.gz` file: read whole through gzip, never followed."""
    return str(path).endswith(".gz")


def _open(path: str | Path, shown: str) -> tuple[BinaryIO, str]:
    name = str(path)
    if name == "-":
        try:  # our own unbuffered handle: a reader thread never holds sys.stdin's lock
            return open(os.dup(sys.stdin.fileno()), "rb", buffering=0), "<stdin>"
        except (OSError, ValueError, io.UnsupportedOperation):  # stdin without a descriptor
            return sys.stdin.buffer, "<stdin>"
    try:
        if is_compressed(name):
            handle: BinaryIO = gzip.open(name, "rb")  # type: ignore[assignment]
            handle.peek(1)  # type: ignore[attr-defined]  # fail now on a non-gzip file
            return handle, shown
        return open(name, "rb"), shown
    except (OSError, EOFError, zlib.error) as error:
        raise UserError(f"cannot read {shown}: {_why(error)}") from None


def _why(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def read_batches(path: str | Path, *, shown: str | None = None,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[Batch]:
    """Read `path` (a file, `.gz`, or `-` for stdin) to its end, one Batch per chunk.

    Messages name the file as `shown` (default: `path` as given), so a file opened by its
    absolute path (as a Ray worker elsewhere must) is still named as the user typed it.

    The input is opened at once, so a missing or unreadable file raises UserError here
    (one line, naming the file); read errors later raise UserError from the iteration.
    From a pipe, whatever has arrived is parsed without waiting for a full chunk.
    """
    shown = str(path) if shown is None else shown
    handle, where = _open(path, shown)
    return _guarded(handle, where, shown, chunk_bytes)


def _guarded(handle: BinaryIO, where: str, name: str, chunk_bytes: int) -> Iterator[Batch]:
    try:
        yield from _batches(handle, where, name, chunk_bytes)
    except (OSError, EOFError, zlib.error) as error:
        raise UserError(f"cannot read {where}: {_why(error)}") from None
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _reader(handle: BinaryIO) -> Callable[[int], bytes]:
    """`read(n)` for files; for pipes, what is there now (at least one byte, or b"" at end)."""
    try:
        regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except (OSError, ValueError, io.UnsupportedOperation):
        regular = True
    if regular:
        return handle.read
    read_once = handle.read1 if hasattr(handle, "read1") else handle.read  # raw: one syscall

    def read_available(n: int) -> bytes:
        parts = [read_once(n)]
        size = len(parts[0])
        while parts[-1] and size < n and select.select([handle], [], [], 0)[0]:
            parts.append(read_once(n - size))
            size += len(parts[-1])
        return b"".join(parts)

    return read_available


def _batches(handle: BinaryIO, where: str, name: str, chunk_bytes: int) -> Iterator[Batch]:
    splitter = LineSplitter()
    parser = RunParser(where, name=name)
    read = _reader(handle)
    while block := read(chunk_bytes):
        if lines := splitter.feed(block):
            yield parser.parse(lines)
    if lines := splitter.finish():
        yield parser.parse(lines)
