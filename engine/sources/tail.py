"""Follow a log file as batches of entries: the `LineTailer`'s complete lines, parsed.

Each file (the first one, each one after a rotation, the refill after a truncation) has
its format read from its first line, as `logwatch.engine.parse` does for whole files:
JSON lines, or CSV with a header (the header is not an entry). Bad lines are counted and
reported as `path:line` with the line's number in its file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import polars as pl

from logwatch.engine.batch import MAX_BAD_SAMPLES, BadLine, Batch, empty_frame
from logwatch.engine.errors import UserError
from logwatch.engine.parse import LineFormat, parse_lines, sniff_format
from logwatch.engine.parse.lines import UTF8_BOM
from logwatch.engine.sources.backfill import Backfill
from logwatch.engine.sources.line_splitter import Lines, Run
from logwatch.engine.sources.line_tail import LineTailer

class TailSource:
    """A log file followed as it grows; iterate for `Batch`es, `stop()` from any thread.

    Args:
        path: the log file (it may not exist yet).
        from_start: read everything already in the file (default: `backfill` only).
        backfill: how much of an existing file to read before following it.
        poll: poll every `poll_seconds` instead of waiting for change notifications.
        on_notice: called (from the reading thread) with one-line messages worth showing:
            waiting for the file, permission denied, rotated, truncated, now polling.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        from_start: bool = False,
        backfill: Backfill = Backfill(),
        poll: bool = False,
        poll_seconds: float = 0.1,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.name = f"tail {self.path}"
        """Short name for a status line."""
        self._lines = LineTailer(
            self.path,
            from_start=from_start,
            backfill=backfill,
            poll=poll,
            poll_seconds=poll_seconds,
            on_notice=on_notice,
        )
        self._format: LineFormat | None = None

    @property
    def status(self) -> str:
        """What the tailer is doing now ("following PATH", "waiting for PATH to appear"...)."""
        return self._lines.status

    @property
    def polling(self) -> bool:
        return self._lines.polling

    def stop(self) -> None:
        """End iteration after the batch in hand. Safe from any thread or signal handler."""
        self._lines.stop()

    def __iter__(self) -> Iterator[Batch]:
        for lines in self._lines:
            yield self._parse(lines)

    def _parse(self, lines: Lines) -> Batch:
        batches = [self._parse_run(run) for run in lines.runs]
        bad = [BadLine(f"{self.path}:{number}", reason) for number, reason in lines.skipped]
        frames = [b.frame for b in batches if b.frame.height]
        if not frames:
            frame = empty_frame()
        elif len(frames) == 1:
            frame = frames[0]
        else:  # runs split by a skipped line; one may carry labels and another not
            frame = pl.concat(frames, how="diagonal_relaxed")
        samples = sorted(
            [s for b in batches for s in b.bad_samples] + bad, key=_line_number
        )[:MAX_BAD_SAMPLES]
        return Batch(frame, sum(b.bad_lines for b in batches) + len(bad), samples)

    def _parse_run(self, run: Run) -> Batch:
        data, first = run.data, run.first_line
        if first == 1:
            data = data.removeprefix(UTF8_BOM)  # line 1 is parsed without it
        if first == 1 or self._format is None:
            head = data.partition(b"\n")[0] if first == 1 else self._lines.first_line()
            self._format = _sniff(head, self.path)
            if first == 1 and self._format.header_lines:
                data, first = data.partition(b"\n")[2], 2
        if not data:
            return Batch(empty_frame())
        return self._format.parse(data, where=self.path, first_line=first)


class _JsonLines:
    header_lines = 0

    def parse(self, chunk: bytes, *, where: str, first_line: int) -> Batch:
        return parse_lines(chunk, where=where, first_line=first_line)


def _sniff(first_line: bytes | None, path: str) -> LineFormat:
    """The file's format; a first line that is neither JSON nor a CSV header is just a
    bad line of a JSON-lines file (a live file must not stop the tailer)."""
    if first_line is None:
        return _JsonLines()
    try:
        return sniff_format(first_line, name=path)
    except UserError:
        return _JsonLines()


def _line_number(bad: BadLine) -> int:
    tail = bad.where.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0
