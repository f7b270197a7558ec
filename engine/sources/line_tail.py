"""Follow one log file by path and hand out each complete line exactly once, in order.

The byte and line layer of the tailer (`tail.TailSource` parses what this yields): a
`FileFollower` (opening, rotation, copy-truncate, removal; see `file_follower`) stepped
between waits for change notifications on the file's folder (`ChangeWaiter`).

Reads are bounded (`read_bytes` each) and happen only when the consumer asks for the next
piece, so a writer far ahead of the consumer costs no memory here: back-pressure is the
iteration itself.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

from logwatch.engine.parse.line_splitter import MAX_LINE_BYTES, Lines
from logwatch.engine.sources.backfill import Backfill
from logwatch.engine.sources.change_waiter import ChangeWaiter
from logwatch.engine.sources.file_follower import READ_BYTES, TRUNCATED_REASON, FileFollower

__all__ = ["READ_BYTES", "TRUNCATED_REASON", "LineTailer"]


class LineTailer:
    """Iterating yields `Lines` (runs of complete lines with absolute line numbers)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        from_start: bool = False,
        backfill: Backfill = Backfill(),
        poll: bool = False,
        poll_seconds: float = 0.1,
        recheck_seconds: float = 1.0,
        read_bytes: int = READ_BYTES,
        max_line_bytes: int = MAX_LINE_BYTES,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self._follower = FileFollower(
            self.path,
            from_start=from_start,
            backfill=backfill,
            read_bytes=read_bytes,
            max_line_bytes=max_line_bytes,
            on_notice=on_notice,
        )
        self._stop = threading.Event()
        self._waiter = ChangeWaiter(
            os.path.dirname(os.path.abspath(self.path)),
            self._stop,
            poll=poll,
            poll_seconds=poll_seconds,
            recheck_seconds=recheck_seconds,
            on_fallback=None if on_notice is None else lambda why: on_notice(
                f"{why} for {self.path}; polling every {poll_seconds:g} s"
            ),
        )

    @property
    def status(self) -> str:
        """What the tailer is doing now, for a status line (read from any thread)."""
        return self._follower.status

    @property
    def polling(self) -> bool:
        return self._waiter.polling

    def first_line(self) -> bytes | None:
        """Line 1 of the file being read (to learn its format), or None if none is open."""
        return self._follower.first_line()

    def stop(self) -> None:
        """Make iteration end soon (after the piece in hand). Safe from any thread."""
        self._stop.set()

    def __iter__(self) -> Iterator[Lines]:
        self._waiter.start()  # before the first read: no change can slip between them
        woke = "polled"
        try:
            while not self._stop.is_set():
                step = self._follower.step()
                if step.lines:
                    yield step.lines
                if step.found:
                    if woke == "changed":
                        self._waiter.announced()
                    elif woke == "timeout" and not self._follower.in_flux:
                        self._waiter.missed()
                    woke = "polled"
                if not step.more:
                    woke = self._waiter.wait()
        finally:
            self._follower.close()
            self._waiter.close()
