"""Anomaly episodes in labeled logs: how many a detector caught, and how soon.

An episode is a run of consecutive labeled-anomalous entries of one server and component
with the same `anomaly_type` (the generator labels every entry an episode altered). It
counts as caught when any of its entries was flagged; its delay is the time from its
first entry to the first flagged one. Per-entry recall charges a detector for every
entry of a slow drift that no one could tell from noise yet; the episode view says
whether the operator was told at all, and how long after it began.

Frames arrive in order (as `Evaluation.update` gets them); an episode may span frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from logwatch.engine.batch import TRACED_COLUMN

UNSPECIFIED = "(unspecified)"


@dataclass(slots=True)
class _Open:
    kind: str
    start_us: int
    first_hit_us: int | None = None


@dataclass(slots=True)
class KindEpisodes:
    """Episodes of one anomaly type."""

    total: int = 0
    caught: int = 0
    delays_s: list[float] = field(default_factory=list)
    """Seconds from each caught episode's first entry to its first flagged entry."""

    @property
    def median_delay_s(self) -> float | None:
        return float(np.median(self.delays_s)) if self.delays_s else None


@dataclass(slots=True)
class EpisodeCounter:
    """Counts episodes per anomaly type over a stream of scored, labeled frames."""

    closed: dict[str, KindEpisodes] = field(default_factory=dict)
    open: dict[tuple[str, str], _Open] = field(default_factory=dict)

    def update(self, frame: pl.DataFrame) -> None:
        """Add a scored frame with `server`, `component`, `timestamp`, `anomalous`,
        `predicted` and optionally `anomaly_type` and `traced` (traced rows are flagged but
        do not count as the time someone was told)."""
        kind = pl.col("anomaly_type") if "anomaly_type" in frame.columns else pl.lit(None, pl.String)
        told = pl.col("predicted").fill_null(False)
        if TRACED_COLUMN in frame.columns:  # flagged after the fact: no one was told then
            told = told & ~pl.col(TRACED_COLUMN).fill_null(False)
        cols = frame.select(
            "server", "component",
            pl.col("timestamp").dt.epoch("us").alias("t"),
            pl.col("anomalous").fill_null(False).alias("a"),
            told.alias("p"),
            kind.cast(pl.String).fill_null(UNSPECIFIED).alias("k"),
        )
        for (server, component), group in cols.group_by(["server", "component"], maintain_order=True):
            self._update_series((str(server), str(component)), group)

    def _update_series(self, key: tuple[str, str], g: pl.DataFrame) -> None:
        a = g["a"].to_numpy()
        t = g["t"].to_numpy()
        p = g["p"].to_numpy()
        k = np.where(a, g["k"].to_numpy().astype(object), None)
        starts = np.flatnonzero(np.r_[True, (a[1:] != a[:-1]) | (k[1:] != k[:-1])])
        ends = np.r_[starts[1:], len(a)]
        for s, e in zip(starts, ends):
            state = self.open.get(key)
            if not a[s]:
                self._close(key)
                continue
            if state is None or s > 0 or state.kind != k[s]:
                self._close(key)
                state = self.open[key] = _Open(str(k[s]), int(t[s]))
            hits = np.flatnonzero(p[s:e])
            if state.first_hit_us is None and hits.size:
                state.first_hit_us = int(t[s + hits[0]])

    def _close(self, key: tuple[str, str]) -> None:
        state = self.open.pop(key, None)
        if state is not None:
            _record(self.closed, state)

    def per_kind(self) -> dict[str, KindEpisodes]:
        """Closed episodes plus the ones still open at the end of what was seen."""
        out = {kind: KindEpisodes(e.total, e.caught, list(e.delays_s)) for kind, e in self.closed.items()}
        for state in self.open.values():
            _record(out, state)
        return dict(sorted(out.items()))


def _record(into: dict[str, KindEpisodes], state: _Open) -> None:
    slot = into.setdefault(state.kind, KindEpisodes())
    slot.total += 1
    if state.first_hit_us is not None:
        slot.caught += 1
        slot.delays_s.append((state.first_hit_us - state.start_us) / 1e6)


def format_delay(seconds: float | None) -> str:
    """'12 s', '3.5 min' or '-' (nothing caught)."""
    if seconds is None:
        return "-"
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def format_caught(episodes: KindEpisodes | None) -> str:
    """'19, 40 s': episodes caught and their median delay ('-' for a kind never seen)."""
    if episodes is None:
        return "-"
    return f"{episodes.caught:,}, {format_delay(episodes.median_delay_s)}"
