"""Several inputs read as one: each file to its end, in the order given.

The local export of several files (`logwatch tui a.jsonl b.jsonl --export OUT`) reads them
this way: entries arrive file after file, each file with its own line numbers and format,
exactly as if the files were read one at a time into the same scorer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from logwatch.engine.batch import Batch
from logwatch.engine.parse.reader import DEFAULT_CHUNK_BYTES, read_batches


def read_files(paths: Sequence[str | Path], *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[Batch]:
    """Batches of every file in `paths`, file after file. The first file is opened now (an
    unreadable one raises UserError here), each later one when its turn comes."""
    if not paths:
        raise ValueError("read_files needs at least one path")
    first = read_batches(paths[0], chunk_bytes=chunk_bytes)
    return _chain(first, paths[1:], chunk_bytes)


def _chain(first: Iterator[Batch], rest: Sequence[str | Path], chunk_bytes: int) -> Iterator[Batch]:
    yield from first
    for path in rest:
        yield from read_batches(path, chunk_bytes=chunk_bytes)
