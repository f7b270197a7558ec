"""The recent scored entries, in bounded ring buffers the UI thread owns.

Only the UI thread touches a `History`: the ingest worker hands it whole scored frames in
messages, and everything on screen (sparklines, feed, anomaly rate) is computed from it.

Each entry keeps its `relative` score: the score divided by the threshold of the model that
scored it. Whether an entry is flagged is decided by `engine.decision.anomalous(relative, factor)`, where
`factor` is the user's threshold over the current model's own. So moving the threshold
re-flags everything in memory at once without rescoring, and entries scored by an earlier
model keep their meaning after a model swap.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from logwatch.engine.decision import anomalous, relative
from logwatch.engine.monitor.reasons import Reasons

CAPACITY = 200_000
"""Entries kept (about 21 MB: 10 of arrays, 11 of reasons). At 20,000 entries/s that is
the last 10 s; for the demo, several simulated days."""

MAX_NAMES = 4096
"""Distinct server or component names remembered; further names share one overflow slot."""

OVERFLOW_NAME = "(other)"


class Names:
    """Interns the strings of one column as small integer codes, in order of first sight."""

    def __init__(self, limit: int = MAX_NAMES) -> None:
        self.limit = limit
        self.names: list[str] = []
        self._codes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.names)

    def code(self, name: str) -> int | None:
        return self._codes.get(name)

    def encode(self, series: pl.Series) -> np.ndarray:
        """Codes for a column of strings (nulls become the empty name); vectorized."""
        series = series.fill_null("")
        for name in series.unique(maintain_order=True).to_list():
            if name not in self._codes and len(self.names) < self.limit - 1:
                self._add(name)
        overflow = self._codes.get(OVERFLOW_NAME)
        if overflow is None and len(self.names) >= self.limit - 1:
            overflow = self._add(OVERFLOW_NAME)
        keys = list(self._codes)
        return series.replace_strict(
            keys, list(self._codes.values()), default=overflow, return_dtype=pl.Int32
        ).to_numpy()

    def _add(self, name: str) -> int:
        self._codes[name] = len(self.names)
        self.names.append(name)
        return self._codes[name]


class History:
    """The last `capacity` scored entries, oldest overwritten first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self.size = 0
        """Entries held now (at most `capacity`)."""
        self.total = 0
        """Entries ever appended; entry number `total - 1` is the newest."""
        self.servers = Names()
        self.components = Names()
        self.kinds = Names()
        self.timestamp = np.zeros(capacity, np.int64)
        """Microseconds since the epoch, naive UTC (the log's own time)."""
        self.server = np.zeros(capacity, np.int32)
        self.component = np.zeros(capacity, np.int32)
        self.kind = np.full(capacity, -1, np.int32)
        """Code of the label's anomaly type in `kinds`, -1 when unlabeled or normal."""
        self.value = np.zeros(capacity, np.float64)
        self.expected = np.zeros(capacity, np.float64)
        self.score = np.zeros(capacity, np.float64)
        self.relative = np.zeros(capacity, np.float64)
        """Score over the scoring model's own threshold; NaN while the detector warms up."""
        self.reasons = Reasons(capacity)
        """Each entry's reason, by entry number."""

    def __len__(self) -> int:
        return self.size

    def append(self, frame: pl.DataFrame) -> np.ndarray:
        """Add a scored frame (batch schema plus score, threshold, reason, expected).

        Returns the ring positions the new entries took, oldest first.
        """
        if frame.height > self.capacity:
            frame = frame.tail(self.capacity)
        n = frame.height
        if n == 0:
            return np.zeros(0, np.int64)
        at = (self.total + np.arange(n)) % self.capacity
        self.timestamp[at] = frame.get_column("timestamp").cast(pl.Int64).to_numpy()
        self.server[at] = self.servers.encode(frame.get_column("server"))
        self.component[at] = self.components.encode(frame.get_column("component"))
        if "anomaly_type" in frame.columns:
            kinds = self.kinds.encode(frame.get_column("anomaly_type"))
            normal = ~frame.get_column("anomalous").fill_null(False).to_numpy()
            self.kind[at] = np.where(normal, -1, kinds)
        else:
            self.kind[at] = -1
        self.value[at] = frame.get_column("value").to_numpy()
        score = frame.get_column("score").cast(pl.Float64).to_numpy()
        threshold = frame.get_column("threshold").cast(pl.Float64).to_numpy()
        self.score[at] = score
        self.relative[at] = np.where(threshold > 0, relative(score, threshold), np.nan)
        self.expected[at] = _column(frame, "expected")
        self.reasons.append(self.total, frame.get_column("reason") if "reason" in frame.columns else None, n)
        self.total += n
        self.size = min(self.capacity, self.size + n)
        return at

    def order(self, last: int | None = None) -> np.ndarray:
        """Ring positions of the held entries (or of the `last` newest), oldest first."""
        count = self.size if last is None else min(self.size, max(0, last))
        return (self.total - count + np.arange(count)) % self.capacity

    def position(self, number: int) -> int | None:
        """Ring position of entry number `number`, None when it has left memory."""
        if not self.total - self.size <= number < self.total:
            return None
        return number % self.capacity

    def span_seconds(self) -> float:
        """Log time from the oldest to the newest entry held (0 when empty)."""
        if self.size == 0:
            return 0.0
        times = self.timestamp[self.order()]
        return float(times.max() - times.min()) / 1e6

    def of_server(self, server: str, last: int | None = None) -> np.ndarray:
        """Positions of one server's entries, oldest first (optionally only the `last` ones)."""
        code = self.servers.code(server)
        if code is None:
            return np.zeros(0, np.int64)
        order = self.order()
        picked = order[self.server[order] == code]
        return picked if last is None else picked[-last:]

    def flagged(self, positions: np.ndarray, factor: float) -> np.ndarray:
        """Which of `positions` are above the threshold `factor` (in model-threshold units)."""
        return anomalous(self.relative[positions], factor)

    def rate(self, factor: float, seconds: float) -> tuple[float, int]:
        """Share of the scored entries flagged in the last `seconds` of log time, and how
        many entries that is. Each server's window ends at its own newest entry (arrival
        order), so a server that went back in time (a replay) is measured on its newest
        timeline; the share is NaN when none of those entries has a score yet."""
        if self.size == 0:
            return math.nan, 0
        order = self.order()
        times, servers = self.timestamp[order], self.server[order]
        newest_first = order.size - 1 - np.unique(servers[::-1], return_index=True)[1]
        newest = np.zeros(int(servers.max()) + 1, np.int64)
        newest[servers[newest_first]] = times[newest_first]
        end = newest[servers]
        recent = order[(times > end - int(seconds * 1e6)) & (times <= end)]  # not a later timeline's
        scored = recent[np.isfinite(self.relative[recent])]  # warm-up and late entries cannot be flagged
        if scored.size == 0:
            return math.nan, 0
        return float(np.mean(self.flagged(scored, factor))), int(scored.size)

    def frame(self, positions: np.ndarray | None = None) -> pl.DataFrame:
        """Entries as a batch-schema frame (with labels when the source had them)."""
        at = self.order() if positions is None else positions
        columns: dict[str, pl.Series] = {
            "timestamp": pl.Series(self.timestamp[at]).cast(pl.Datetime("us")),
            "server": _decode(self.server[at], self.servers.names),
            "component": _decode(self.component[at], self.components.names),
            "value": pl.Series(self.value[at]),
        }
        if len(self.kinds):
            columns["anomalous"] = pl.Series(self.kind[at] >= 0)
            columns["anomaly_type"] = _decode(self.kind[at], self.kinds.names)
        return pl.DataFrame(columns)


def _decode(codes: np.ndarray, names: list[str]) -> pl.Series:
    """Names for codes (null for -1), vectorized."""
    return pl.Series(codes).replace_strict(
        list(range(len(names))), names, default=None, return_dtype=pl.String
    )


def _column(frame: pl.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(frame.height, np.nan)
    return frame.get_column(name).cast(pl.Float64).fill_null(np.nan).to_numpy()
