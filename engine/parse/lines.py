"""Looking inside a chunk of complete lines, and setting aside the ones no parser should see.

Chunks come from the `line_splitter`, which has already dropped over-long lines. The fast
path never splits: `is_plain` answers in one pass of C code whether a chunk has invalid
UTF-8. Only chunks that do (or that polars reads into fewer rows than lines, i.e. with
blank lines) are split here, with numpy, into a clean chunk plus the line number of each
kept line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UTF8_BOM = b"\xef\xbb\xbf"
"""A byte order mark some Windows tools put before a file's first line; not part of it."""

_WS = b" \t\r"
_COUNT_BLOCK = 1 << 18
"""Bytes compared at a time when counting newlines: the temporary stays small and in cache
(a chunk-sized one would cost fresh memory on every chunk)."""


def count_lines(chunk: bytes) -> int:
    """Lines in `chunk`; a last line without its newline counts too."""
    if not chunk:
        return 0
    buf = np.frombuffer(chunk, np.uint8)
    blocks = range(0, len(buf), _COUNT_BLOCK)  # numpy in blocks: 4x bytes.count
    newlines = sum(int(np.count_nonzero(buf[start : start + _COUNT_BLOCK] == 10)) for start in blocks)
    return newlines + (0 if chunk.endswith(b"\n") else 1)


def is_plain(chunk: bytes) -> bool:
    """True when every line is valid UTF-8.

    Blank lines are not looked for here: polars skips them, so a row count smaller than
    the line count reveals them (and sends the chunk to the careful path)."""
    if chunk.isascii():
        return True
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(slots=True)
class CleanLines:
    """The lines worth parsing, joined with "\\n", and what was set aside."""

    data: bytes
    offsets: np.ndarray
    """offsets[i]:offsets[i+1] is kept line i including its newline (len = kept + 1)."""
    numbers: np.ndarray
    """1-based line number of each kept line (int64)."""
    bad: list[tuple[int, str]]
    """(line number, reason) of lines skipped here (invalid UTF-8)."""

    def region(self, lo: int, hi: int) -> bytes:
        return self.data[self.offsets[lo] : self.offsets[hi]]

    def text(self, i: int) -> str:
        return self.data[self.offsets[i] : self.offsets[i + 1]].decode("utf-8").rstrip("\r\n")


def clean_lines(chunk: bytes, first_line: int) -> CleanLines:
    """Split `chunk`, drop blank lines silently and bad-byte lines with a reason."""
    buf = np.frombuffer(chunk, np.uint8)
    ends = np.flatnonzero(buf == 10)
    if not chunk.endswith(b"\n") and chunk:
        ends = np.append(ends, len(chunk))
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    lengths = ends - starts
    keep = lengths > 0
    bad: list[tuple[int, str]] = []
    for i in np.flatnonzero(keep & np.isin(buf[np.minimum(starts, len(buf) - 1)], list(_WS))):
        if not chunk[starts[i] : ends[i]].strip():
            keep[i] = False
    if not chunk.isascii():
        high = np.flatnonzero(buf >= 0x80)
        for i in np.unique(np.searchsorted(starts, high, side="right") - 1):
            if not keep[i]:
                continue
            try:
                chunk[starts[i] : ends[i]].decode("utf-8")
            except UnicodeDecodeError:
                keep[i] = False
                bad.append((first_line + int(i), "invalid UTF-8"))
    kept = np.flatnonzero(keep)
    pieces = [chunk[starts[i] : ends[i]] for i in kept]
    data = b"\n".join(pieces) + (b"\n" if pieces else b"")
    sizes = np.fromiter((len(p) + 1 for p in pieces), np.int64, len(pieces))
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    bad.sort()
    return CleanLines(data, offsets, (first_line + kept).astype(np.int64), bad)


def plain_lines(chunk: bytes, first_line: int) -> CleanLines:
    """`CleanLines` for a chunk `is_plain` accepted, computed without a Python loop."""
    buf = np.frombuffer(chunk, np.uint8)
    ends = np.flatnonzero(buf == 10)
    data = chunk
    if not chunk.endswith(b"\n"):
        data = chunk + b"\n"
        ends = np.append(ends, len(chunk))
    offsets = np.concatenate(([0], ends + 1)).astype(np.int64)
    numbers = np.arange(first_line, first_line + len(ends), dtype=np.int64)
    return CleanLines(data, offsets, numbers, [])
