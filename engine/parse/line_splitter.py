"""Turn a stream of byte pieces into runs of complete lines, holding a bounded buffer.

The one line splitter: whole files (`reader`, pieces of megabytes) and tails
(`logwatch.engine.sources`, whatever was appended) both cut their bytes here.

A piece may end in the middle of a line; that partial line waits here until its newline
arrives. Bytes are handed on as they came ("\\r\\n" endings too: the parsers take them).
The one over-long-line rule: a line longer than `max_line_bytes` (its ending, "\\n" or
"\\r\\n", not counted) is never handed on, it is counted as one bad line
(`OVERLONG_REASON`); once a partial line passes the limit it is dropped and the rest of it
is discarded up to its newline. So the buffer never exceeds `max_line_bytes` plus one
piece, whatever the input. Pieces are cut in bulk (bytes methods, numpy), never line by
line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from logwatch.engine.parse.lines import count_lines

MAX_LINE_BYTES = 1 << 20
"""Longer lines (the line ending not counted) are skipped as bad: a runaway writer must not
exhaust memory."""
OVERLONG_REASON = f"line longer than {MAX_LINE_BYTES >> 20} MiB"
"""The bad-line reason of such a line."""


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive complete lines: `data` ends in b"\\n"; its first line is `first_line`."""

    first_line: int
    data: bytes
    lines: int
    """How many lines `data` holds."""


@dataclass
class Lines:
    """What one piece of input completed: runs of good lines plus skipped line numbers."""

    runs: list[Run] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(line number, reason) of lines dropped before parsing (too long, cut by truncation)."""

    def __bool__(self) -> bool:
        return bool(self.runs or self.skipped)


class LineSplitter:
    """Splits pieces into complete lines; numbers lines from `first_line` (1-based)."""

    def __init__(self, *, first_line: int = 1, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self.next_line = first_line
        """Number of the line the next completed line will have."""
        self._pending = b""
        self._skipping = False

    @property
    def buffered_bytes(self) -> int:
        """Bytes of the partial last line held while waiting for its newline."""
        return len(self._pending)

    @property
    def has_partial(self) -> bool:
        return bool(self._pending) or self._skipping

    def feed(self, piece: bytes) -> Lines:
        """Take the next bytes of the stream; return the lines they complete."""
        out = Lines()
        if self._skipping:
            newline = piece.find(b"\n")
            if newline < 0:
                return out
            piece = piece[newline + 1 :]
            self._skipping = False
            self.next_line += 1
        end = piece.rfind(b"\n") + 1
        if end == 0:
            self._hold(self._pending + piece, out)
            return out
        if not self._pending and end == len(piece):  # the usual whole-file case: no copy
            complete = piece
        else:  # one copy of the big part (a piece may be megabytes)
            complete = b"".join((self._pending, memoryview(piece)[:end]))
        self._pending = b""
        self._split_complete(complete, out)
        self._hold(piece[end:], out)
        return out

    def finish(self) -> Lines:
        """The stream has ended for good (end of file, a rotated file): a trailing partial
        line counts."""
        out = Lines()
        if self._skipping:
            self._skipping = False
            self.next_line += 1
        elif self._pending:
            complete, self._pending = self._pending + b"\n", b""
            self._split_complete(complete, out)
        return out

    def cut(self, reason: str) -> Lines:
        """The stream restarts (truncation): a partial line can never be completed."""
        out = Lines()
        if self._pending and not self._skipping:
            out.skipped.append((self.next_line, reason))
        self._pending = b""
        self._skipping = False
        return out

    def restart(self, first_line: int = 1) -> None:
        """Number lines from `first_line` again (a new file); nothing may be pending."""
        self._pending = b""
        self._skipping = False
        self.next_line = first_line

    def _hold(self, partial: bytes, out: Lines) -> None:
        if len(partial) - partial.endswith(b"\r") > self.max_line_bytes:  # "\r" may end it
            out.skipped.append((self.next_line, OVERLONG_REASON))
            self._pending = b""
            self._skipping = True
        else:
            self._pending = partial

    def _split_complete(self, complete: bytes, out: Lines) -> None:
        count = count_lines(complete)
        # Total bytes minus newlines bound every line's length; then a few `find`s.
        if len(complete) - count <= self.max_line_bytes or not _may_hold_longer(complete, self.max_line_bytes):
            out.runs.append(Run(self.next_line, complete, count))
            self.next_line += count
            return
        buf = np.frombuffer(complete, dtype=np.uint8)
        ends = np.flatnonzero(buf == 10)
        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = ends - starts - (buf[np.maximum(ends - 1, 0)] == 13)  # a "\r" ending is no content
        too_long = np.flatnonzero(lengths > self.max_line_bytes)
        run_start = 0  # index of the first line of the current run
        for index in too_long.tolist():
            if index > run_start:
                data = complete[starts[run_start] : ends[index - 1] + 1]
                out.runs.append(Run(self.next_line + run_start, data, index - run_start))
            out.skipped.append((self.next_line + index, OVERLONG_REASON))
            run_start = index + 1
        if run_start < count:
            out.runs.append(Run(self.next_line + run_start, complete[starts[run_start] :], count - run_start))
        self.next_line += count


def _may_hold_longer(chunk: bytes, limit: int) -> bool:
    """False when no line of `chunk` is longer than `limit` bytes; True when one may be.

    A few `find` calls, no copy: a line longer than `limit` covers a whole aligned block of
    `limit // 2` bytes without a newline, so only such a block calls for a closer look."""
    half = max(1, limit // 2)
    body = len(chunk) - 1 if chunk.endswith(b"\n") else len(chunk)
    return any(chunk.find(b"\n", start, start + half) < 0 for start in range(0, body - half + 1, half))
