"""Reading a whole input to its end: a file, a `.gz` file, or standard input (`-`).

The first line decides the format (a `{` means JSON lines, a header with `timestamp` and
`value` means CSV). Input is read in chunks cut at the last newline, so every chunk holds
complete lines and line numbers stay exact across chunks.
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
from typing import BinaryIO, Protocol

from logwatch.engine.batch import BadLine, Batch, empty_frame
from logwatch.engine.errors import UserError
from logwatch.engine.parse.csvfmt import csv_format
from logwatch.engine.parse.jsonl import parse_lines
from logwatch.engine.parse.lines import MAX_LINE_BYTES, UTF8_BOM, count_lines

DEFAULT_CHUNK_BYTES = 8 << 20
"""Bytes read per batch: large enough for polars to be efficient, small enough to stream."""


class LineFormat(Protocol):
    """Parses complete lines of one input; `header_lines` lines precede the data."""

    header_lines: int

    def parse(self, chunk: bytes, *, where: str, first_line: int) -> Batch: ...


class JsonLines:
    """JSON lines (no header)."""

    header_lines = 0

    def parse(
        self, chunk: bytes, *, where: str, first_line: int, n_lines: int | None = None
    ) -> Batch:
        return parse_lines(chunk, where=where, first_line=first_line, n_lines=n_lines)


def sniff_format(first_line: bytes, *, name: str) -> LineFormat:
    """The format announced by the input's first line; `name` is the path (for CSV server names
    and messages). Raises UserError when the line is neither JSON nor a usable CSV header."""
    text = first_line.removeprefix(UTF8_BOM).strip()
    if text.startswith(b"{") or not text:
        return JsonLines()
    fmt = csv_format(text.decode("utf-8", "replace"), server=_stem(name))
    if fmt is None:
        shown = text[:60].decode("utf-8", "replace")
        raise UserError(
            f"{name}:1: expected JSON lines or a CSV header with timestamp and value columns, "
            f"found {shown!r}"
        )
    return fmt


def _stem(name: str) -> str:
    if name in ("-", "<stdin>"):
        return "stdin"
    path = Path(name)
    for suffix in (".gz", ".csv", ".jsonl", ".json", ".log", ".txt"):
        if path.name.lower().endswith(suffix):
            path = path.with_name(path.name[: -len(suffix)])
    return path.name or "value"


def _open(path: str | Path) -> tuple[BinaryIO, str]:
    name = str(path)
    if name == "-":
        try:  # our own unbuffered handle: a reader thread never holds sys.stdin's lock
            return open(os.dup(sys.stdin.fileno()), "rb", buffering=0), "<stdin>"
        except (OSError, ValueError, io.UnsupportedOperation):  # stdin without a descriptor
            return sys.stdin.buffer, "<stdin>"
    try:
        if name.endswith(".gz"):
            handle: BinaryIO = gzip.open(name, "rb")  # type: ignore[assignment]
            handle.peek(1)  # type: ignore[attr-defined]  # fail now on a non-gzip file
            return handle, name
        return open(name, "rb"), name
    except (OSError, EOFError, zlib.error) as error:
        raise UserError(f"cannot read {name}: {_why(error)}") from None


def _why(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def read_batches(path: str | Path, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[Batch]:
    """Read `path` (a file, `.gz`, or `-` for stdin) to its end, one Batch per chunk.

    The input is opened at once, so a missing or unreadable file raises UserError here
    (one line, naming the file); read errors later raise UserError from the iteration.
    From a pipe, whatever has arrived is parsed without waiting for a full chunk.
    """
    handle, where = _open(path)
    return _guarded(handle, where, str(path), chunk_bytes)


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
    fmt: LineFormat | None = None
    pending = b""
    line = 1  # number of the first line in `pending`
    skipping = False  # inside a line longer than MAX_LINE_BYTES
    read = _reader(handle)
    while True:
        block = read(chunk_bytes)
        if skipping:
            if not block:
                return
            cut = block.find(b"\n")
            if cut < 0:
                continue
            block, skipping, line = block[cut + 1 :], False, line + 1
        if fmt is not None and block:  # the usual case
            complete, pending = _whole_lines(pending, block)
        else:
            data = pending + block
            if fmt is None and (b"\n" in data or not block):
                data = data.removeprefix(UTF8_BOM)  # line 1 is parsed without it
                first, _, _ = data.partition(b"\n")
                fmt = sniff_format(first, name=name)
                if fmt.header_lines:
                    data, line = data[len(first) + 1 :], line + 1
            cut = data.rfind(b"\n") + 1 if block else len(data)
            complete, pending = data[:cut], data[cut:]
        if complete and fmt is not None:
            n_lines = count_lines(complete)
            if isinstance(fmt, JsonLines):
                yield fmt.parse(complete, where=where, first_line=line, n_lines=n_lines)
            else:
                yield fmt.parse(complete, where=where, first_line=line)
            line += n_lines
        if not block:
            return
        if len(pending) > MAX_LINE_BYTES:
            bad = BadLine(f"{where}:{line}", f"line longer than {MAX_LINE_BYTES >> 20} MiB")
            yield Batch(empty_frame(), 1, [bad])
            pending, skipping = b"", True


def _whole_lines(pending: bytes, block: bytes) -> tuple[bytes, bytes]:
    """`pending + block` cut after its last newline: (whole lines, the rest). The big part
    is copied once (a chunk is megabytes; each copy costs as much as reading it)."""
    end = block.rfind(b"\n") + 1
    if end == 0:
        return b"", pending + block
    if not pending and end == len(block):
        return block, b""
    return b"".join((pending, memoryview(block)[:end])), block[end:]
