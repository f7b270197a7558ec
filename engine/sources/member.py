"""One file of a followed set, stepped from the set's one reading thread: a tailed file
(its own `FileFollower`, parser, line numbers and counts), or a `.gz` file read whole once.

Each `step()` does one bounded piece of work and never blocks; it returns the entries it
parsed (or None), whether the file had changed, and whether to step it again at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from logwatch.engine.batch import Batch
from logwatch.engine.errors import UserError
from logwatch.engine.parse import read_batches
from logwatch.engine.parse.run_parser import RunParser
from logwatch.engine.sources.backfill import Backfill
from logwatch.engine.sources.file_follower import GONE_SECONDS, UNREADABLE, FileFollower
from logwatch.engine.sources.file_identity import FileIdentity

READING, READ_WHOLE = "reading", "read whole"
"""States of a `.gz` file: being read, read to its end (it is never followed)."""


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file of the set as the info screen lists it."""

    path: str
    state: str
    """following, rotated, gone, gone (closed), unreadable, waiting; for a `.gz`: reading,
    read whole."""
    lines: int
    """Lines read from it: entries and bad lines."""
    bad: int


class Member:
    """What both kinds share: the path and the counts."""

    path: str
    state: str

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines = 0
        self.bad = 0

    @property
    def in_flux(self) -> bool:
        """Its path no longer names the file being read (see `FileFollower.in_flux`)."""
        return False

    @property
    def identity(self) -> FileIdentity | None:
        """Device and inode of the file open now (None: none, or not a followed file)."""
        return None

    @property
    def head(self) -> bytes:
        """The first line of the file open now, as far as known."""
        return b""

    def step(self) -> tuple[Batch | None, bool, bool]:
        """(entries parsed or None, the file changed, step again at once)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the file (iteration ended)."""

    def report(self) -> FileReport:
        return FileReport(self.path, self.state, self.lines, self.bad)

    def _count(self, batch: Batch) -> Batch:
        self.lines += batch.frame.height + batch.bad_lines
        self.bad += batch.bad_lines
        return batch


class TailedFile(Member):
    """A log file followed as it grows, with its own format, line numbers and rotation."""

    def __init__(
        self,
        path: str,
        *,
        from_start: bool,
        backfill: Backfill,
        read_bytes: int,
        on_notice: Callable[[str], None] | None,
        gone_seconds: float = GONE_SECONDS,
    ) -> None:
        super().__init__(path)
        self._follower = FileFollower(
            path, from_start=from_start, backfill=backfill, read_bytes=read_bytes,
            gone_seconds=gone_seconds, on_notice=on_notice,
        )
        self._parser = RunParser(path, lenient=True, first_line=self._follower.first_line)

    @property
    def state(self) -> str:  # type: ignore[override]
        return self._follower.state

    @property
    def in_flux(self) -> bool:
        return self._follower.in_flux

    @property
    def identity(self) -> FileIdentity | None:
        return self._follower.identity

    @property
    def head(self) -> bytes:
        return self._follower.head

    def step(self) -> tuple[Batch | None, bool, bool]:
        lines, found, more = self._follower.step()
        return (self._count(self._parser.parse(lines)) if lines else None), found, more

    def close(self) -> None:
        self._follower.close()


class WholeGzFile(Member):
    """A `.gz` file in the set: read whole, one chunk a step, never followed."""

    def __init__(self, path: str, *, on_notice: Callable[[str], None] | None) -> None:
        super().__init__(path)
        self.state = READING
        self._on_notice = on_notice
        self._batches: Iterator[Batch] | None = None

    def step(self) -> tuple[Batch | None, bool, bool]:
        if self.state != READING:
            return None, False, False
        try:
            if self._batches is None:
                self._batches = read_batches(self.path)
            batch = next(self._batches, None)
        except UserError as error:  # a broken archive must not stop the files followed
            self.state = UNREADABLE
            if self._on_notice is not None:
                self._on_notice(str(error))
            return None, False, False
        if batch is None:
            self.state = READ_WHOLE
            return None, False, False
        return self._count(batch), False, True
