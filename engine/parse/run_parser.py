"""Runs of complete lines (from the `line_splitter`) to Batches, in the input's format.

Whole-file reads and tails share this: the format is read from the input's first line
(`formats.sniff_format`), a byte order mark before line 1 is dropped, a CSV header is not
an entry, and lines the splitter dropped become bad lines placed as `where:line`.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from logwatch.engine.batch import MAX_BAD_SAMPLES, BadLine, Batch, empty_frame
from logwatch.engine.errors import UserError
from logwatch.engine.parse.formats import JsonLines, LineFormat, sniff_format
from logwatch.engine.parse.line_splitter import Lines, Run
from logwatch.engine.parse.lines import UTF8_BOM


class RunParser:
    """Parses the `Lines` of one input (or one followed path) into Batches.

    Args:
        where: the input in bad-line reports (`where:line`).
        name: the path, for the format's messages and CSV server names (default `where`).
        lenient: a first line that is neither JSON nor a CSV header makes the input JSON
            lines with a bad first line (a followed file must not stop), not a UserError.
        first_line: line 1 of the input, for when reading starts further on (a tail's
            backfill); None when it cannot be read. Without it, the first line read decides.
    """

    def __init__(
        self,
        where: str,
        *,
        name: str | None = None,
        lenient: bool = False,
        first_line: Callable[[], bytes | None] | None = None,
    ) -> None:
        self.where = where
        self.name = where if name is None else name
        self.lenient = lenient
        self._first_line = first_line
        self._format: LineFormat | None = None

    def parse(self, lines: Lines) -> Batch:
        """One Batch for the runs and skipped lines of `lines` (in line order)."""
        batches = [self._parse_run(run) for run in lines.runs]
        if len(batches) == 1 and not lines.skipped:
            return batches[0]
        bad = [BadLine(f"{self.where}:{number}", reason) for number, reason in lines.skipped]
        frames = [b.frame for b in batches if b.frame.height]
        if not frames:
            frame = empty_frame()
        elif len(frames) == 1:
            frame = frames[0]
        else:  # runs split by a skipped line; one may carry labels and another not
            frame = pl.concat(frames, how="diagonal_relaxed")
        samples = sorted([s for b in batches for s in b.bad_samples] + bad, key=_line_number)
        return Batch(frame, sum(b.bad_lines for b in batches) + len(bad), samples[:MAX_BAD_SAMPLES])

    def _parse_run(self, run: Run) -> Batch:
        data, first, count = run.data, run.first_line, run.lines
        if first == 1:  # a new input (or the file again after a rotation): its format anew
            data = data.removeprefix(UTF8_BOM)  # line 1 is parsed without it
            self._format = None
        if self._format is None:
            own = first == 1 or self._first_line is None  # is the deciding line in this run?
            head = data.partition(b"\n")[0] if own else self._first_line()  # type: ignore[misc]
            self._format = self._sniff(head)
            if own and self._format.header_lines:
                data, first, count = data.partition(b"\n")[2], first + 1, count - 1
        if not data:
            return Batch(empty_frame())
        return self._format.parse(data, where=self.where, first_line=first, n_lines=count)

    def _sniff(self, head: bytes | None) -> LineFormat:
        if head is None:
            return JsonLines()
        try:
            return sniff_format(head, name=self.name)
        except UserError:
            if not self.lenient:
                raise
            return JsonLines()


def _line_number(bad: BadLine) -> int:
    tail = bad.where.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0
