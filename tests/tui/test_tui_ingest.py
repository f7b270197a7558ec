"""The ingest worker: everything arrives once and in order, a slow UI holds the reader back,
a quiet source is still delivered."""

from __future__ import annotations

import threading
import time

import polars as pl
from tui_support import generated

from logwatch.engine.detect.zscore import ZScoreDetector
from logwatch.engine.score import Scorer
from logwatch.tui.ingest import Ingest
from logwatch.tui.messages import IngestEnded, Scored


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_slow_ui_holds_the_reader_back_and_nothing_is_lost():
    batches = generated(2000, chunk=50)  # 40 batches of 450 entries
    messages: list = []
    ingest = Ingest(batches, Scorer(ZScoreDetector()), messages.append, flush_seconds=0.01,
                    max_in_flight=1, max_pending_rows=2000)
    worker = threading.Thread(target=ingest.run)
    worker.start()
    # the UI has handled nothing yet: one message waits, the rest piles up, then reading stops
    wait_for(lambda: ingest.held_back > 0 and messages)
    assert len(messages) == 1 and ingest._pending_rows < 2000 + 450
    while not any(isinstance(m, IngestEnded) for m in messages):
        if sum(isinstance(m, Scored) for m in messages) > 0:
            ingest.delivered()  # the UI handles messages one by one
        time.sleep(0.005)
    worker.join(10)
    scored = [m.frame for m in messages if isinstance(m, Scored)]
    frame = pl.concat(scored)
    expected = pl.concat([b.frame for b in batches])
    assert frame.height == expected.height == 18_000
    assert frame.select("timestamp", "server", "component", "value").equals(
        expected.select("timestamp", "server", "component", "value"))
    assert messages[-1].error is None


class QuietSource:
    """One batch, then nothing until stopped (a log file nobody writes to)."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def __iter__(self):
        yield generated(20)[0]
        self.stopped.wait()

    def stop(self) -> None:
        self.stopped.set()


def test_entries_of_a_quiet_source_are_delivered_without_waiting_for_more():
    messages: list = []
    source = QuietSource()
    ingest = Ingest(source, Scorer(ZScoreDetector()), messages.append)
    worker = threading.Thread(target=ingest.run)
    worker.start()
    wait_for(lambda: any(isinstance(m, Scored) for m in messages))
    assert not source.stopped.is_set()  # delivered while the source still waits
    assert messages[0].frame.height == 180
    ingest.stop()
    worker.join(10)
    assert not worker.is_alive()
    assert not any(isinstance(m, IngestEnded) for m in messages)  # stopped on purpose: no "ended"


def test_a_failing_source_is_reported_not_raised():
    def broken():
        yield generated(10)[0]
        raise OSError("disk on fire")

    messages: list = []
    ingest = Ingest(broken(), Scorer(ZScoreDetector()), messages.append, flush_seconds=0.01)
    ingest.run()
    assert isinstance(messages[-1], IngestEnded) and messages[-1].error == "OSError: disk on fire"
    assert sum(m.frame.height for m in messages if isinstance(m, Scored)) == 90
