"""Follow many log files as one source: several paths, globs and folders (`FileSet`).

One thread (the one iterating) and one watch do the work, however many files there are:
a single `ChangeWaiter` covers every folder involved (one inotify watch per folder), and
each wake steps only the files the notification names (plus any whose path just moved);
every `recheck_seconds` without news, and in polling mode, every file is looked at (a
few system calls each). Each file keeps its own identity, rotation handling, format,
line numbers and counts (`member.TailedFile`); `.gz` files in the set are read whole.

Entries from different files interleave by arrival: each round reads what is new in each
file that changed, at most `read_bytes` per file, and hands the round out as batches of at
most about `batch_bytes`. A file with a backlog is read on in the next round, while every
file is still looked at a few times a second, so one busy file cannot starve the rest.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import polars as pl

from logwatch.engine.batch import MAX_BAD_SAMPLES, Batch
from logwatch.engine.parse import is_compressed
from logwatch.engine.sources.backfill import Backfill
from logwatch.engine.sources.change_waiter import ChangeWaiter
from logwatch.engine.sources.fd_limit import make_room_for
from logwatch.engine.sources.file_follower import GONE_SECONDS, READ_BYTES
from logwatch.engine.sources.file_set import FileSet
from logwatch.engine.sources.member import FileReport, Member, TailedFile, WholeGzFile

BATCH_BYTES = 1 << 20
"""A round's entries are handed out once about this many bytes of lines are parsed."""
RESCAN_SECONDS = 2.0
"""Globs and folders are asked again at least this often, even without a notification
(a new file is normally announced and joins at once)."""
LOOK_ALL_SECONDS = 0.25
"""While some file has a backlog, every file is still looked at this often."""
NOTICES_PER_ROUND = 3
"""Notices said one by one per round; more become one line (1,000 files rotate at once)."""


class MultiTail:
    """Many files followed as one source; iterate for `Batch`es, `stop()` from any thread.

    Args:
        sources: paths, globs and folders (`paths.matching_files`); plain paths may not
            exist yet.
        from_start: read everything already in the files there at the start (files that
            appear later are always read from their start).
        backfill: how much of each existing file to read before following it.
        poll: poll every `poll_seconds` instead of waiting for change notifications.
        gone_seconds: a deleted file is read to its end and closed this long after it
            was found deleted (`file_follower.GONE_SECONDS`).
        on_notice: called (from the reading thread) with one-line messages worth showing.
    """

    def __init__(
        self,
        sources: Sequence[str],
        *,
        from_start: bool = False,
        backfill: Backfill = Backfill(),
        poll: bool = False,
        poll_seconds: float = 0.1,
        recheck_seconds: float = 1.0,
        rescan_seconds: float = RESCAN_SECONDS,
        read_bytes: int = READ_BYTES,
        batch_bytes: int = BATCH_BYTES,
        gone_seconds: float = GONE_SECONDS,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.from_start = from_start
        self.backfill = backfill
        self.read_bytes = read_bytes
        self.batch_bytes = batch_bytes
        self.gone_seconds = gone_seconds
        self.rescan_seconds = rescan_seconds
        self._on_notice = on_notice
        self._notices: list[str] = []
        self._stop = threading.Event()
        self._servers: dict[str, str] = {}  # server -> the file its latest entries came from
        self._files = FileSet(sources, self._member)
        make_room_for(len(self._files.members()))
        self._waiter = ChangeWaiter(
            self._files.folders(),
            self._stop,
            poll=poll,
            poll_seconds=poll_seconds,
            recheck_seconds=recheck_seconds,
            on_fallback=lambda why: self._notices.append(f"{why}; polling every {poll_seconds:g} s"),
        )

    @property
    def name(self) -> str:
        """For the status line: "following 20 files"."""
        count = len(self._files.members())
        return f"following {count:,} file{'' if count == 1 else 's'}"

    @property
    def status(self) -> str:
        reports = self.files()
        waiting = sum(r.state != "following" for r in reports)
        return self.name + (f" ({waiting:,} not following now)" if waiting else "")

    @property
    def polling(self) -> bool:
        return self._waiter.polling

    @property
    def watched_folders(self) -> list[str]:
        """The folders the one watch covers."""
        return list(self._waiter.directories)

    def files(self) -> list[FileReport]:
        """Each file with its state and counts, in the order they joined (any thread)."""
        return [member.report() for member in self._files.members()]

    def file_of(self, server: str) -> str | None:
        """The file `server`'s latest entries came from (None: none seen); any thread."""
        return self._servers.get(server)

    def stop(self) -> None:
        """End iteration after the batch in hand. Safe from any thread or signal handler."""
        self._stop.set()

    def __iter__(self) -> Iterator[Batch]:
        self._waiter.start()  # before the first read: no change can slip between them
        due, woke, started = self._files.members(), "polled", False
        scanned = looked_at_all = time.monotonic()
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if self._rescan_due(woke, now - scanned):
                    scanned = now
                    joined = self._files.rescan()
                    for member in joined:
                        self._notices.append(f"new file {member.path}; reading it from its start")
                    if joined:
                        make_room_for(len(self._files.members()))
                    if joined and self._waiter.watch(self._files.folders()):
                        due = self._files.members()  # the watch restarted: look at everything
                    else:
                        due = list(dict.fromkeys([*due, *joined]))
                if len(due) == len(self._files.members()):
                    looked_at_all = now
                again, found = yield from self._round(due, woke)
                if not started:  # every file has been opened (or found missing) once
                    started = True
                    self._say(self._started())
                self._flush_notices()
                if found:
                    woke = "polled"
                if again:  # a backlog: read on, but look at every file now and then
                    if time.monotonic() - looked_at_all >= LOOK_ALL_SECONDS:
                        again = self._files.members()
                    due = again
                    continue
                woke = self._waiter.wait()
                due = self._due(woke)
        finally:
            for member in self._files.members():
                member.close()
            self._waiter.close()

    def _started(self) -> str:
        folders = len(self._waiter.directories)
        said = f"{self.name} in {folders:,} folder{'s' * (folders != 1)}"
        if self._files.empty:
            said += f"; waiting for files in {', '.join(self._files.empty)}"
        return said

    def _member(self, path: str, new: bool) -> Member:
        if is_compressed(path):
            return WholeGzFile(path, on_notice=self._notices.append)
        return TailedFile(
            path,
            from_start=self.from_start or new,
            backfill=self.backfill,
            read_bytes=self.read_bytes,
            on_notice=self._notices.append,
            gone_seconds=self.gone_seconds,
        )

    def _rescan_due(self, woke: str, since: float) -> bool:
        if woke == "changed":
            changed = self._waiter.changed or frozenset()
            return any(not self._files.known(path) for path in changed)
        return since >= self.rescan_seconds

    def _due(self, woke: str) -> list[Member]:
        """The files to look at after a wake: after a notification, those it names and those
        whose path moved; otherwise all."""
        members = self._files.members()
        changed = self._waiter.changed
        if woke != "changed" or changed is None:
            return members
        named = [m for path in changed if (m := self._files.member(path)) is not None]
        return list(dict.fromkeys([*named, *(m for m in members if m.in_flux)]))

    def _round(self, due: list[Member], woke: str) -> Iterator[Batch]:
        """Step each due file once, handing out batches of about `batch_bytes`. Returns
        (the files to step again at once, whether any file had changed)."""
        parts: list[Batch] = []
        size = 0
        again: list[Member] = []
        found = missed = False
        for member in due:
            if self._stop.is_set():
                break
            identity, head = member.identity, member.head
            batch, changed, more = member.step()
            if identity is not None and member.identity != identity:
                self._files.remember(identity, head)  # rotated away: a rename of it is not new
            if changed:
                found = True
                missed = missed or not member.in_flux
            if more:
                again.append(member)
            if batch is not None:
                for server in batch.frame.get_column("server").unique().to_list():
                    self._servers[server] = member.path
                parts.append(batch)
                size += batch.frame.estimated_size()
                if size >= self.batch_bytes:
                    yield _joined(parts)
                    parts, size = [], 0
        if parts:
            yield _joined(parts)
        if found and woke == "changed":
            self._waiter.announced()
        elif missed and woke == "timeout":
            self._waiter.missed()
        return again, found

    def _say(self, text: str) -> None:
        if self._on_notice is not None:
            self._on_notice(text)

    def _flush_notices(self) -> None:
        notices = self._notices[:]
        self._notices.clear()  # the members' `on_notice` appends to this very list
        for text in notices[:NOTICES_PER_ROUND]:
            self._say(text)
        if len(notices) > NOTICES_PER_ROUND:
            self._say(f"and {len(notices) - NOTICES_PER_ROUND:,} more notices like these about other files")


def _joined(parts: list[Batch]) -> Batch:
    """One batch of several files' entries, in the order they were read."""
    if len(parts) == 1:
        return parts[0]
    frames = [p.frame for p in parts if p.frame.height]
    frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else (frames[0] if frames else parts[0].frame)
    samples = [s for p in parts for s in p.bad_samples][:MAX_BAD_SAMPLES]
    return Batch(frame, sum(p.bad_lines for p in parts), samples)
