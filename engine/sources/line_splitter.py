"""Turn a stream of byte pieces into runs of complete lines, holding a bounded buffer.

A piece read from a file may end in the middle of a line; that partial line waits here
until its newline arrives. A line longer than `max_line_bytes` is never held whole: once
the partial line passes the limit it is dropped, counted as one bad line, and the rest of
it is discarded up to its newline. So the buffer never exceeds `max_line_bytes` plus one
piece, whatever the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from logwatch.engine.parse.lines import MAX_LINE_BYTES

OVERLONG_REASON = f"line longer than {MAX_LINE_BYTES >> 20} MiB"
"""Same words as the parser's, which applies the same limit to whole files."""


@dataclass(frozen=True)
class Run:
    """Consecutive complete lines: `data` ends in b"\\n"; its first line is `first_line`."""

    first_line: int
    data: bytes


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
        last = piece.rfind(b"\n")
        if last < 0:
            self._hold(self._pending + piece, out)
            return out
        complete = self._pending + piece[: last + 1] if self._pending else piece[: last + 1]
        self._pending = b""
        self._split_complete(complete, out)
        self._hold(piece[last + 1 :], out)
        return out

    def finish(self) -> Lines:
        """The stream has ended for good (a rotated file): a trailing partial line counts."""
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
        if len(partial) > self.max_line_bytes:
            out.skipped.append((self.next_line, OVERLONG_REASON))
            self._pending = b""
            self._skipping = True
        else:
            self._pending = partial

    def _split_complete(self, complete: bytes, out: Lines) -> None:
        count = complete.count(b"\n")
        if b"\r" in complete:
            complete = complete.replace(b"\r\n", b"\n")
        # Total bytes minus newlines bounds every line's length: usually no scan needed.
        if len(complete) - count <= self.max_line_bytes:
            out.runs.append(Run(self.next_line, complete))
            self.next_line += count
            return
        ends = np.flatnonzero(np.frombuffer(complete, dtype=np.uint8) == 10)
        starts = np.concatenate(([0], ends[:-1] + 1))
        too_long = np.flatnonzero(ends - starts > self.max_line_bytes)
        run_start = 0  # index of the first line of the current run
        for index in too_long.tolist():
            if index > run_start:
                data = complete[starts[run_start] : ends[index - 1] + 1]
                out.runs.append(Run(self.next_line + run_start, data))
            out.skipped.append((self.next_line + index, OVERLONG_REASON))
            run_start = index + 1
        if run_start < count:
            out.runs.append(Run(self.next_line + run_start, complete[starts[run_start] :]))
        self.next_line += count
