"""The reasons of the entries in memory, kept as UTF-8 bytes rather than Python strings.

A reason is read only when an entry becomes an incident's peak, but every entry in memory
has one; as Python strings 200,000 of them took about 21 MB (a 49-byte header and an
8-byte pointer each), as one byte string per appended batch with its offsets about half.
Entries are found by their entry number (see `History.total`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(slots=True)
class _Chunk:
    first: int
    """Entry number of the chunk's first reason."""
    offsets: np.ndarray
    """Byte offsets into `text`, one more than the chunk has reasons."""
    text: bytes

    @property
    def end(self) -> int:
        return self.first + len(self.offsets) - 1


class Reasons:
    """The reasons of the newest `capacity` entries, by entry number."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._chunks: deque[_Chunk] = deque()

    def append(self, first: int, reasons: pl.Series | None, count: int) -> None:
        """Add the reasons of entries `first` .. `first + count - 1` (empty when None),
        then forget those of entries more than `capacity` behind the newest."""
        if count == 0:
            return
        if reasons is None:
            offsets, text = np.zeros(count + 1, np.int64), b""
        else:
            reasons = reasons.fill_null("")
            offsets = np.zeros(count + 1, np.int64)
            np.cumsum(reasons.str.len_bytes().to_numpy(), out=offsets[1:])
            text = reasons.str.join("").item().encode()
        self._chunks.append(_Chunk(first, offsets, text))
        self._forget(first + count - self.capacity)

    def get(self, number: int) -> str:
        """The reason of entry `number` ("" when it has none; asked for entries in memory)."""
        for chunk in reversed(self._chunks):  # few chunks; the newest are asked for most
            if chunk.first <= number < chunk.end:
                at = number - chunk.first
                return chunk.text[chunk.offsets[at]:chunk.offsets[at + 1]].decode()
        return ""

    def _forget(self, oldest: int) -> None:
        """Drop what is before entry `oldest`; a chunk more than half gone is cut."""
        chunks = self._chunks
        while chunks and chunks[0].end <= oldest:
            chunks.popleft()
        if chunks and chunks[0].first < oldest:
            head = chunks[0]
            gone = oldest - head.first
            if 2 * gone > head.end - head.first:
                start = int(head.offsets[gone])
                chunks[0] = _Chunk(oldest, head.offsets[gone:] - start, head.text[start:])
