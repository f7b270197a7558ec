"""Follow a log file as batches of entries: the `LineTailer`'s complete lines, parsed.

Each file (the first one, each one after a rotation, the refill after a truncation) has
its format read from its first line by the `RunParser` whole files use too: JSON lines, or
CSV with a header (the header is not an entry). A first line that is neither is a bad line
here, never an error: a followed file must not stop. Bad lines are counted and reported as
`path:line` with the line's number in its file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from logwatch.engine.batch import Batch
from logwatch.engine.parse.run_parser import RunParser
from logwatch.engine.sources.backfill import Backfill
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
        self._parser = RunParser(self.path, lenient=True, first_line=self._lines.first_line)

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
            yield self._parser.parse(lines)
