"""What every live source offers: batches when iterated, a clean stop, a name and a status.

A source is iterated in one thread (a worker, or the main thread in headless mode);
`stop()` and `status` may be used from any other thread or from a signal handler.
Iteration blocks while nothing new has arrived, and ends soon after `stop()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from logwatch.engine.batch import Batch


@runtime_checkable
class Source(Protocol):
    name: str
    """Short name for a status line: "tail /var/log/metrics.jsonl", "generator 360x"."""

    @property
    def status(self) -> str:
        """What the source is doing right now, in a few words."""
        ...

    def __iter__(self) -> Iterator[Batch]:
        """Batches in arrival order, each with its count of bad lines."""
        ...

    def stop(self) -> None:
        """End iteration after the batch in hand; safe from any thread."""
        ...
