"""When flagged entries open an incident, and when they join the one already open.

Flagged entries of one server and component at most MERGE_SECONDS apart in log time are one
incident. A batch's flagged entries are cut into runs with numpy (`runs`); a run joins the
incident its server and component already has open when it starts at most MERGE_SECONDS
after that incident's last entry and not before it (`continues`), and opens a new one
otherwise. The monitor's feed (`logwatch.engine.monitor.feed`) and headless notifications
(`IncidentOpener`) both follow this rule, so a notification is sent for exactly the rows
the feed shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

MERGE_SECONDS = 120.0
"""Flagged entries of one server and component this close in log time are one incident."""


def runs(keys: np.ndarray, times: np.ndarray, merge_us: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut flagged entries into runs of one key (server and component) whose neighbours are
    at most `merge_us` apart in log time.

    Returns `(order, starts, ends)`: `order` sorts the entries by key, then time; run i is
    `order[starts[i]:ends[i]]`.
    """
    order = np.lexsort((times, keys))
    keys, times = keys[order], times[order]
    breaks = np.flatnonzero((np.diff(keys) != 0) | (np.diff(times) > merge_us)) + 1
    return order, np.concatenate(([0], breaks)), np.concatenate((breaks, [keys.size]))


def continues(open_last: int, first: int, merge_us: int) -> bool:
    """Whether a run starting at `first` joins the open incident whose last entry was at
    `open_last` (log time, microseconds). Time going back (a replay) opens a new one."""
    return 0 <= first - open_last <= merge_us


@dataclass(frozen=True, slots=True)
class IncidentStart:
    """An incident as it was when it opened: what a notification says about it."""

    server: str
    component: str
    first: int
    """Log time of its first flagged entry, microseconds since the epoch (naive UTC)."""
    last: int
    count: int
    """Flagged entries merged into it so far."""
    score: float
    """Peak score."""
    ratio: float
    """Peak score over the threshold it was flagged against (the feed's ×thr)."""
    reason: str
    """The peak entry's reason."""


class IncidentOpener:
    """Follows scored frames (headless) and says which incidents each one opens.

    Keeps the last log time of each server and component's open incident; entries that
    join an open incident open nothing.
    """

    def __init__(self, merge_seconds: float = MERGE_SECONDS) -> None:
        self.merge_us = int(merge_seconds * 1_000_000)
        self._open: dict[tuple[str, str], int] = {}

    def update(self, scored: pl.DataFrame) -> list[IncidentStart]:
        """The incidents the flagged (`predicted`) rows of `scored` open, by first time."""
        if scored.height == 0 or not scored["predicted"].any():
            return []
        flagged = scored.filter(pl.col("predicted")).select(
            "server", "component", pl.col("timestamp").cast(pl.Int64),
            (pl.col("score") / pl.col("threshold")).alias("ratio"), "score", "reason",
            pl.struct("server", "component").rank("dense").alias("key"),
        )
        times, ratios = flagged["timestamp"].to_numpy(), flagged["ratio"].to_numpy()
        order, starts, ends = runs(flagged["key"].to_numpy(), times, self.merge_us)
        servers, components = flagged["server"].to_list(), flagged["component"].to_list()
        opened = []
        for start, end in zip(starts.tolist(), ends.tolist()):  # runs are few: a loop is fine
            run = order[start:end]
            first, last = int(times[run[0]]), int(times[run[-1]])
            key = (servers[run[0]], components[run[0]])
            open_last = self._open.get(key)
            if open_last is not None and continues(open_last, first, self.merge_us):
                self._open[key] = max(open_last, last)
                continue
            self._open[key] = last
            peak = int(run[np.argmax(ratios[run])])
            opened.append(IncidentStart(
                server=key[0], component=key[1], first=first, last=last, count=int(run.size),
                score=float(flagged["score"][peak]), ratio=float(ratios[peak]),
                reason=str(flagged["reason"][peak] or ""),
            ))
        return sorted(opened, key=lambda incident: incident.first)
