"""Write-behind: an export writer fed from a thread, so encoding and writing a batch overlap
with parsing and scoring the next one (polars releases the GIL while it encodes).

Frames are written in the order they were given, by one thread, at most `depth` waiting.
`close()` waits for every frame to be written, then closes the writer (the file is complete);
`abort()` drops what is still waiting, lets the frame being written finish (an appended file
only ever holds whole rows) and aborts the writer (a temporary file is removed). An error in
the thread is raised by the next `write` or by `close`.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import polars as pl

from logwatch.engine.export.writers import ExportWriter

_END = object()


class WriteBehind:
    """An `ExportWriter` that hands frames to `writer` on a thread (see module docstring)."""

    def __init__(self, writer: ExportWriter, depth: int = 2) -> None:
        self.writer = writer
        self._frames: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="logwatch-export", daemon=True)
        self._started = False  # started by the first write: opening stays instant (Ctrl-C)

    @property
    def path(self) -> Path:
        return self.writer.path

    @property
    def rows(self) -> int:
        return self.writer.rows

    def _work(self) -> None:
        while True:
            item = self._frames.get()
            if item is _END or self._stop.is_set():
                return
            try:
                self.writer.write(item)  # type: ignore[arg-type]
            except BaseException as error:  # handed to the caller, raised there
                self._error = error
                self._stop.set()
                return

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _put(self, item: object) -> None:
        if not self._started:
            self._started = True
            self._thread.start()
        while True:
            self._raise()
            if self._stop.is_set():
                return
            try:
                self._frames.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def write(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self._put(frame)

    def close(self) -> None:
        if self._started:
            self._put(_END)
            while self._thread.is_alive():
                self._thread.join(0.1)
            self._raise()
        self.writer.close()

    def abort(self) -> None:
        self._stop.set()
        while True:  # unblock the thread if it waits for a frame
            try:
                self._frames.get_nowait()
            except queue.Empty:
                break
        try:
            self._frames.put_nowait(_END)
        except queue.Full:
            pass
        while self._thread.is_alive():
            self._thread.join(0.1)
        self._error = None
        self.writer.abort()
