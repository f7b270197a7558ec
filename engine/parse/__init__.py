"""Reading logs: bytes in, `Batch` out.

JSON lines go through polars in whole chunks; a chunk that polars rejects is split in halves
until the bad lines are isolated, and only those few lines are read one by one. CSV with a
header is read the same way. Bad lines are skipped, counted and reported as `path:line`.
"""

from logwatch.engine.parse.jsonl import parse_lines
from logwatch.engine.parse.lines import MAX_LINE_BYTES
from logwatch.engine.parse.reader import DEFAULT_CHUNK_BYTES, LineFormat, read_batches, sniff_format

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "MAX_LINE_BYTES",
    "LineFormat",
    "parse_lines",
    "read_batches",
    "sniff_format",
]
