"""Helpers for the tailer tests: a consumer thread that collects what a source yields, and
plain writers that append to real files."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable

WAIT_SECONDS = 20.0
"""Longest a test waits for the tailer to deliver something (generous for a busy CI)."""


class Collector:
    """Runs `for item in source` in a thread; keeps every (line number, line) delivered."""

    def __init__(self, source: Iterable, *, explode: Callable[[object], list] | None = None):
        self.source = source
        self.items: list = []
        self.skipped: list[tuple[int, str]] = []
        self.notices: list[str] = []
        self._explode = explode or _lines_of
        self._lock = threading.Lock()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Collector:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            for piece in self.source:
                got, skipped = self._explode(piece)
                with self._lock:
                    self.items.extend(got)
                    self.skipped.extend(skipped)
        except BaseException as error:  # surfaced by the test through `finish`
            self.error = error

    def lines(self) -> list:
        with self._lock:
            return list(self.items)

    def wait_for(self, predicate: Callable[[list], bool], what: str) -> list:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            items = self.lines()
            if predicate(items):
                return items
            if self.error is not None:
                raise self.error
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}; have {len(self.lines())} items")

    def wait_count(self, count: int) -> list:
        return self.wait_for(lambda items: len(items) >= count, f"{count} lines")

    def finish(self, stop: Callable[[], None]) -> list:
        stop()
        self.thread.join(WAIT_SECONDS)
        assert not self.thread.is_alive(), "source did not stop"
        if self.error is not None:
            raise self.error
        return self.lines()


def _lines_of(lines) -> tuple[list, list]:
    got = []
    for run in lines.runs:
        got.extend((run.first_line + i, text) for i, text in enumerate(run.data.split(b"\n")[:-1]))
    return got, list(lines.skipped)


def append(path: str | os.PathLike, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def numbered(start: int, stop: int, prefix: bytes = b"line") -> bytes:
    return b"".join(b"%s %d\n" % (prefix, i) for i in range(start, stop))


def texts(items: list) -> list[bytes]:
    return [text for _, text in items]
