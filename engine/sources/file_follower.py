"""One followed path, stepped from outside: each `step()` does one bounded, non-blocking
read and hands out the complete lines it finished, exactly once, in order.

The per-file half of the tailer. `line_tail.LineTailer` steps one of these between waits
for change notifications; `multi_tail.MultiTail` steps many of them from one thread, so a
thousand files need neither a thousand threads nor a thousand watches. What real servers do
to log files, and what happens here:

- the file does not exist yet, or cannot be read: wait, say so once, keep trying;
- rotation by rename, or deletion and re-creation: the old file stays open, so it is read
  to its end first (its last line, even without a newline, counts), then the new file is
  read from its start;
- deletion for good (a host removed from the fleet): the deleted file is read to its end
  like a rotated one and closed after `GONE_SECONDS`, so its disk space is freed; a file
  created at the path later is read from its start;
- copy-truncate: the file is shorter than what was read, or its first line changed (it was
  refilled past our offset before we looked): read the rest of the copy logrotate made
  beside it, if one is found (`rotated_copy`), then the file again from the start;
- lines longer than `max_line_bytes`: skipped and counted, never held whole.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import NamedTuple

from logwatch.engine.errors import UserError
from logwatch.engine.parse.line_splitter import MAX_LINE_BYTES, Lines, LineSplitter
from logwatch.engine.sources.backfill import Backfill, count_lines, start_offset
from logwatch.engine.sources.file_identity import FileIdentity, OpenFile, path_identity
from logwatch.engine.sources.rotated_copy import find_copy

READ_BYTES = 1 << 20
"""Largest single read; with the splitter's bound this caps what one step holds."""
TRUNCATED_REASON = "line cut short when the file was truncated"

GONE_SECONDS = 60.0
"""A deleted file (no name left, none new at its path) is closed this long after it was
found deleted. Its disk space is freed only when the last descriptor closes, so holding it
forever leaks space and a descriptor for every host removed from a fleet; closing at once
would lose what a writer that still has it open adds in its last moments (a process
flushing as it exits), and a minute is far longer than that takes."""

FOLLOWING, ROTATED, GONE, GONE_CLOSED, UNREADABLE, WAITING = (
    "following", "rotated", "gone", "gone (closed)", "unreadable", "waiting")
"""A followed file's state in a word: read as it grows; renamed away (being finished, or
waiting for a new file under its name); deleted (likewise); deleted, read to its end and
closed after `GONE_SECONDS` (waiting for a new file); cannot be read (retrying); not there
yet."""


class Step(NamedTuple):
    """What one `FileFollower.step()` did."""

    lines: Lines
    """The lines it completed (maybe none)."""
    found: bool
    """It found new bytes, or a truncation: the file changed since the last look."""
    more: bool
    """Step again at once (more may be there already); False: wait for a change."""


class FileFollower:
    """The read position, rotation and truncation handling of one followed path."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        from_start: bool = False,
        backfill: Backfill = Backfill(),
        read_bytes: int = READ_BYTES,
        max_line_bytes: int = MAX_LINE_BYTES,
        gone_seconds: float = GONE_SECONDS,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        """`on_notice` gets one-line news (waiting, permission denied, rotated, truncated);
        a deleted file is closed `gone_seconds` after it was found deleted."""
        self.path = os.fspath(path)
        self.from_start = from_start
        self.backfill = backfill
        self.read_bytes = read_bytes
        self.gone_seconds = gone_seconds
        self.status = f"opening {self.path}"
        """What is happening to the file now, for a status line (read from any thread)."""
        self.state = WAITING
        """The same in a word: FOLLOWING, ROTATED, GONE, UNREADABLE or WAITING."""
        self._on_notice = on_notice
        self._splitter = LineSplitter(max_line_bytes=max_line_bytes)
        self._file: OpenFile | None = None
        self._copy: OpenFile | None = None  # after a copy-truncate: its copy, read first
        self._existing = True  # does the first successful open find old content?
        self._replaced = False  # the path names another file now: finish ours, switch
        self._path_gone = False
        self._deleted_at: float | None = None  # monotonic time it was found deleted

    @property
    def in_flux(self) -> bool:
        """The path no longer names the open file (a change a notification about the path
        may not announce)."""
        return self._replaced or self._path_gone

    @property
    def identity(self) -> FileIdentity | None:
        """The open file's device and inode (None while none is open)."""
        return None if self._file is None else self._file.identity

    @property
    def head(self) -> bytes:
        """The open file's first line as far as known (b"": none open, or none complete)."""
        return b"" if self._file is None else self._file.head

    def first_line(self) -> bytes | None:
        """Line 1 of the file being read (to learn its format), or None if none is open."""
        file = self._copy or self._file
        return None if file is None else file.first_line()

    def step(self) -> Step:
        """One bounded read, never blocking: opens the file if need be, notices truncation,
        rotation and removal, and finishes a rotated file before switching to the new one."""
        if self._file is None and not self._open():
            return Step(Lines(), False, False)
        lines, got = self._read()
        if got:
            # Caught up with the writer: wait for its next lines to gather rather than
            # handing out a handful at a time (unless the path moved meanwhile).
            caught_up = 0 < got < self.read_bytes and not self._check_path()
            return Step(lines, True, not caught_up)
        if self._replaced:
            return Step(self._switch(), False, True)
        again = self._check_path()
        if self._deleted_long_ago():
            return Step(self._close_deleted(), False, False)
        return Step(lines, False, again)

    def close(self) -> None:
        self._close_copy()
        if self._file is not None:
            self._file.close()
            self._file = None

    def _read(self) -> tuple[Lines, int]:
        """One bounded read (after a truncation check). Returns the lines it completed
        and the bytes read: 0 at the end of the file, -1 after a truncation and while
        reading its copy (go on at once)."""
        assert self._file is not None
        if self._copy is not None:
            data = self._copy.read(self.read_bytes)
            return (self._splitter.feed(data), -1) if data else (self._restart(), -1)
        if self._file.rewritten():
            self._copy = find_copy(self._file)
            if self._copy is not None and self._copy.size() > self._copy.offset:
                self._notice(
                    f"{self.path} was truncated; reading the rest of its copy "
                    f"{self._copy.path}, then the file again from the start"
                )
                return Lines(), -1
            self._notice(f"{self.path} was truncated; reading it again from the start")
            return self._restart(), -1
        data = self._file.read(self.read_bytes)
        return (self._splitter.feed(data), len(data)) if data else (Lines(), 0)

    def _restart(self) -> Lines:
        """Read the truncated file from its start; a line left partial cannot be completed."""
        assert self._file is not None
        lines = self._splitter.cut(TRUNCATED_REASON)
        self._close_copy()
        self._file.restart()
        self._splitter.restart()
        return lines

    def _open(self, *, announce: bool = True) -> bool:
        """Open the path; on the very first open of an existing file, skip to the
        backfill start. Returns False (after saying why) when it cannot be read yet."""
        try:
            opened = OpenFile(self.path)
        except FileNotFoundError:
            self._existing = False
            if self.state == GONE_CLOSED:  # said when it was closed; still waiting
                return False
            self._set_status(f"waiting for {self.path} to appear", WAITING)
            return False
        except IsADirectoryError:
            raise UserError(f"{self.path}: is a folder, not a log file") from None
        except PermissionError:
            self._set_status(f"cannot read {self.path}: permission denied; retrying", UNREADABLE)
            return False
        except OSError as error:
            self._set_status(f"cannot read {self.path}: {error.strerror}; retrying", UNREADABLE)
            return False
        first_line = 1
        if self._existing and not self.from_start:
            opened.offset = start_offset(opened.fd, opened.size(), self.backfill)
            first_line = count_lines(opened.fd, opened.offset) + 1
        self._existing = False
        self._file = opened
        self._splitter.restart(first_line)
        self._replaced = self._path_gone = False
        self._deleted_at = None
        self.status, self.state = f"following {self.path}", FOLLOWING
        if announce:
            self._notice(f"following {self.path} from line {first_line:,}")
        return True

    def _check_path(self) -> bool:
        """Does the path still name our file? True when ours must be read on at once:
        the path names a new file (finish ours, then switch) or none (finish ours)."""
        assert self._file is not None
        if self._replaced:
            return True
        try:
            now = path_identity(self.path)
        except OSError:
            return False
        if now is None:
            renamed = os.fstat(self._file.fd).st_nlink > 0  # still has a name: rotated
            if not renamed and self._deleted_at is None:  # deleted now, or after a rename
                self._deleted_at = time.monotonic()
            if not self._path_gone:
                self._path_gone = True
                self._set_status(
                    f"{self.path} was removed or renamed; finishing it and waiting for a new one",
                    ROTATED if renamed else GONE,
                )
                return True
            return False
        self._path_gone = False
        if now == self._file.identity:
            self.status, self.state = f"following {self.path}", FOLLOWING  # back after a moment
            return False
        # Everything written to the old file before the new one appeared is there now.
        self._replaced = True
        self.state = ROTATED
        return True

    def _switch(self) -> Lines:
        """The old file is read to its end: count its unterminated last line, open the new."""
        last = self._splitter.finish()
        self.close()
        self._notice(f"{self.path} was replaced (rotated); reading the new file")
        self._open(announce=False)
        return last

    def _deleted_long_ago(self) -> bool:
        """Our file has no name left, none has replaced it, and `gone_seconds` have passed."""
        return (self._path_gone and not self._replaced and self._deleted_at is not None
                and time.monotonic() - self._deleted_at >= self.gone_seconds)

    def _close_deleted(self) -> Lines:
        """The deleted file is read to its end: count its unterminated last line, close it
        (freeing its disk space) and wait for a file at the path, read from its start."""
        last = self._splitter.finish()
        self.close()
        self._path_gone = False
        self._deleted_at = None
        self._set_status(f"{self.path} was deleted; read to its end and closed", GONE_CLOSED)
        return last

    def _set_status(self, status: str, state: str) -> None:
        """A new problem state: shown once, not again while it lasts."""
        self.state = state
        if status != self.status:
            self.status = status
            self._notice(status)

    def _notice(self, message: str) -> None:
        if self._on_notice is not None:
            self._on_notice(message)

    def _close_copy(self) -> None:
        if self._copy is not None:
            self._copy.close()
            self._copy = None
