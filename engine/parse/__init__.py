"""Reading logs: bytes in, `Batch` out.

Bytes are cut into complete lines by the one `line_splitter` (whole files and tails alike),
and runs of lines are parsed in the format the first line announces (`run_parser`).
JSON lines go through polars in whole chunks; a chunk that polars rejects is split in halves
until the bad lines are isolated, and only those few lines are read one by one. CSV with a
header is read the same way. Bad lines are skipped, counted and reported as `path:line`.
"""

from logwatch.engine.parse.formats import LineFormat, sniff_format
from logwatch.engine.parse.jsonl import parse_lines
from logwatch.engine.parse.line_splitter import MAX_LINE_BYTES
from logwatch.engine.parse.reader import DEFAULT_CHUNK_BYTES, is_compressed, read_batches

__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "MAX_LINE_BYTES",
    "LineFormat",
    "is_compressed",
    "parse_lines",
    "read_batches",
    "sniff_format",
]
