"""What the z-score keeps between batches for every series, as arrays indexed by series.

A series (server, component) gets a number the first time it is seen; its last values and
deviations, how many values it has seen, its level and the spreads of its last varied
blocks are rows of fixed-width arrays (the widths are bounded: `window + refresh` values,
`keep + 1` spreads), so a batch reads and stores every series' state with a few gathers.
"""

from __future__ import annotations

import numpy as np
import polars as pl

KEYS = ["server", "component"]


class SeriesTable:
    """Per-series state of the z-score (see module docstring)."""

    def __init__(self, history: int, spreads: int) -> None:
        self._known = pl.DataFrame(schema={"server": pl.String, "component": pl.String, "_id": pl.Int64})
        self.size = 0
        self.history = np.zeros((0, history))
        """Last values of each series, left-aligned, `history_len` of them."""
        self.devs = np.zeros((0, history))
        """The deviation each of those values had when it arrived (NaN while warming up)."""
        self.history_len = np.zeros(0, np.int64)
        self.count = np.zeros(0, np.int64)
        """Values seen per series."""
        self.level = np.zeros(0)
        """Largest |value| before the kept history: the series' scale, for the spread's floor."""
        self.spreads = np.zeros((0, spreads))
        """Window spreads of the last blocks whose window varied..."""
        self.spread_blocks = np.zeros((0, spreads), np.int64)
        """...and those blocks' numbers, `spreads_len` of them."""
        self.spreads_len = np.zeros(0, np.int64)

    def ids(self, keys: pl.DataFrame) -> np.ndarray:
        """The number of each (server, component) row of `keys` (unique rows), new ones added."""
        found = keys.join(self._known, on=KEYS, how="left", maintain_order="left")["_id"]
        missing = found.is_null()
        if missing.any():
            fresh = keys.filter(missing).with_columns(
                pl.int_range(self.size, self.size + int(missing.sum()), dtype=pl.Int64).alias("_id")
            )
            self._known = pl.concat([self._known, fresh])
            self._grow(self.size + fresh.height)
            found = keys.join(self._known, on=KEYS, how="left", maintain_order="left")["_id"]
        return found.to_numpy().astype(np.int64)

    def _grow(self, size: int) -> None:
        more = size - self.size
        self.size = size
        for name in ("history", "devs", "spreads", "spread_blocks"):
            old = getattr(self, name)
            setattr(self, name, np.vstack([old, np.zeros((more, old.shape[1]), old.dtype)]))
        for name in ("history_len", "count", "level", "spreads_len"):
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, np.zeros(more, old.dtype)]))


def ragged_rows(table: np.ndarray, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The first `lengths[i]` entries of row `ids[i]` of `table`, end to end."""
    row, col = _cells(ids, lengths)
    return table[row, col]


def store_tails(table: np.ndarray, ids: np.ndarray, flat: np.ndarray, ends: np.ndarray, lengths: np.ndarray) -> None:
    """Row `ids[i]` of `table` starts with the `lengths[i]` entries of `flat` before `ends[i]`."""
    row, col = _cells(ids, lengths)
    table[row, col] = flat[np.repeat(ends - lengths, lengths) + col]


def _cells(ids: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the first `lengths[i]` cells of each row `ids[i]`."""
    return np.repeat(ids, lengths), offsets_within(lengths)


def offsets_within(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ... lengths[0] - 1, 0, 1, ... : each element's place in its run."""
    return np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
