"""The ingest worker: source -> scorer, off the UI thread, delivered in batched messages.

Two threads share a pending list. The reader pulls batches from the source (a tailer hands
out whatever arrived, often a few dozen lines); the flusher, every `flush_seconds`, scores
everything pending in one call (a scorer call has a fixed cost, so one call per flush
instead of one per source batch saves most of the CPU at modest rates) and posts the result
as one `Scored` message.

Back-pressure: at most `max_in_flight` messages wait in the UI's queue. While they do,
entries pile up in the pending list (still one message later), and once that holds
`max_pending_rows` the reader stops pulling from the source until the UI catches up. So a
fast file cannot flood the UI or memory, and a quiet source still shows its entries within
one flush interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import polars as pl
from textual.message import Message

from logwatch.engine.batch import BadLine, Batch
from logwatch.engine.errors import UserError
from logwatch.tui.messages import IngestEnded, Scored

FLUSH_SECONDS = 0.2
"""How often pending entries are scored and posted to the UI."""
MAX_IN_FLIGHT = 2
"""Messages allowed to wait in the UI's queue before the worker holds back."""
MAX_PENDING_ROWS = 200_000
"""Entries held while the UI is behind; then the source is no longer read."""
MAX_BAD_SAMPLES = 5


class ScorerLike(Protocol):
    def score(self, batch: Batch) -> pl.DataFrame: ...


class Ingest:
    """Runs a source through a scorer and posts `Scored` / `IngestEnded` via `post`."""

    def __init__(
        self,
        source: Iterable[Batch],
        scorer: ScorerLike,
        post: Callable[[Message], Any],
        *,
        flush_seconds: float = FLUSH_SECONDS,
        max_in_flight: int = MAX_IN_FLIGHT,
        max_pending_rows: int = MAX_PENDING_ROWS,
    ) -> None:
        self.source = source
        self.scorer = scorer
        """Swapped by the UI when a new model is loaded; read once per flush."""
        self.post = post
        self.flush_seconds = flush_seconds
        self.max_in_flight = max_in_flight
        self.max_pending_rows = max_pending_rows
        self._lock = threading.Condition()
        self._pending: list[pl.DataFrame] = []
        self._pending_rows = 0
        self._bad_lines = 0
        self._bad_samples: list[BadLine] = []
        self._in_flight = 0
        self._stop = threading.Event()
        self._reading_done = threading.Event()
        self._error: str | None = None
        self.held_back = 0
        """How many times the reader waited for the UI (back-pressure at work)."""

    def run(self) -> None:
        """Read until the source ends or `stop()`; blocks (call it in a thread)."""
        flusher = threading.Thread(target=self._flush_loop, name="logwatch-score", daemon=True)
        flusher.start()
        try:
            self._read()
        except UserError as exc:
            self._error = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown in the UI, the app keeps running
            self._error = f"{type(exc).__name__}: {exc}"
        finally:
            self._reading_done.set()
            flusher.join()
        if not self._stop.is_set():
            self.post(IngestEnded(self._error))

    def delivered(self) -> None:
        """The UI handled one `Scored` message (call from the UI thread)."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            self._lock.notify_all()

    def stop(self) -> None:
        """End soon; safe from any thread."""
        self._stop.set()
        stop_source = getattr(self.source, "stop", None)
        if stop_source is not None:
            stop_source()
        with self._lock:
            self._lock.notify_all()

    def _read(self) -> None:
        for batch in self.source:
            if self._stop.is_set():
                return
            with self._lock:
                if batch.frame.height:
                    self._pending.append(batch.frame)
                    self._pending_rows += batch.frame.height
                self._bad_lines += batch.bad_lines
                room = MAX_BAD_SAMPLES - len(self._bad_samples)
                self._bad_samples.extend(batch.bad_samples[: max(room, 0)])
                while self._pending_rows >= self.max_pending_rows and not self._stop.is_set():
                    self.held_back += 1
                    self._lock.wait(0.5)

    def _flush_loop(self) -> None:
        while not self._stop.is_set():
            done = self._reading_done.wait(self.flush_seconds)
            try:
                message = self._take()
            except BaseException as exc:  # noqa: BLE001 - a scorer failure (a polars panic too) ends reading, visibly
                self._error = f"scoring failed: {type(exc).__name__}: {exc}"
                self.stop()
                self.post(IngestEnded(self._error))
                return
            if message is not None:
                self.post(message)
                continue
            if done:
                if not self._has_pending():
                    return
                self._stop.wait(self.flush_seconds)  # the UI is behind: let it catch up

    def _has_pending(self) -> bool:
        with self._lock:
            return bool(self._pending or self._bad_lines)

    def _take(self) -> Scored | None:
        """Score and package everything pending, unless the UI is behind."""
        with self._lock:
            if self._in_flight >= self.max_in_flight or not (self._pending or self._bad_lines):
                return None
            frames, self._pending, self._pending_rows = self._pending, [], 0
            bad_lines, samples = self._bad_lines, self._bad_samples
            self._bad_lines, self._bad_samples = 0, []
            self._in_flight += 1
            self._lock.notify_all()
        started = time.perf_counter()
        frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else (frames[0] if frames else None)
        scored = self.scorer.score(Batch(frame)) if frame is not None else pl.DataFrame()
        return Scored(scored, bad_lines, samples, time.perf_counter() - started)
