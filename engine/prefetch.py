"""Read ahead: run an iterator in a thread so reading and parsing overlap with scoring.

polars, numpy and onnxruntime release the GIL, so on two cores the next chunk is parsed
while the current one is scored and written. Errors in the thread (e.g. UserError for an
unreadable file) are raised in the consumer, in order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()

_WAKE_SECONDS = 0.1
"""The consumer never waits longer than this at a time. Linux may hand Ctrl-C to any
thread, e.g. the reader blocked on a silent pipe; Python only acts on it in the main
thread, and a main thread blocked in a wait without a timeout would never wake up to
raise KeyboardInterrupt."""


def prefetch(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Yield the items of `items`, produced up to `depth` ahead in a daemon thread.

    Closing the returned generator (or leaving a `for` loop over it early) stops the thread
    after its current item.
    """
    slots: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as error:  # handed to the consumer, raised there
            put(error)

    thread = threading.Thread(target=work, name="logwatch-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            try:
                item = slots.get(timeout=_WAKE_SECONDS)
            except queue.Empty:
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
