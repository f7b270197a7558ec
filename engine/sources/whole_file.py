"""A file read once to its end, as a source: a `.gz` file, or standard input (`-`)."""

from __future__ import annotations

from collections.abc import Iterator

from logwatch.engine.batch import Batch
from logwatch.engine.parse import read_batches


class WholeFile:
    """`path` (a file, `.gz`, or `-` for standard input) read to its end; iterate once.

    The file is opened here, so a missing or unreadable one is a UserError before any
    work; read errors later are UserErrors from the iteration."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.name = f"read {path}"
        """Short name for a status line."""
        self.status = f"reading {path}"
        self._batches = read_batches(path)
        self._stopped = False

    def __iter__(self) -> Iterator[Batch]:
        for batch in self._batches:
            if self._stopped:
                return
            yield batch

    def stop(self) -> None:
        """End iteration after the batch in hand; safe from any thread."""
        self._stopped = True
