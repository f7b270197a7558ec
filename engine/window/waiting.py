"""How long a time step has waited for its other components, counted in arrivals.

A step's entries wait (are held) until it is complete, but not forever: once `limit`
entries at or after its time (of any server) have arrived after its first entry, the step
is final, and any entry of it arriving later is late. Entries *before* its time do not
count: a replay, a re-sent backlog or a rotated-in older file arriving in the middle of a
step does not cut it short, while a server that stopped mid-step is let go as soon as the
others move on, whatever their clocks say. Counting arrivals rather than log time makes a
server whose clock runs behind the others', or one bogus future timestamp, harmless, and
the result does not depend on where the input was cut.
"""

from __future__ import annotations

import numpy as np


def arrivals_since(steps: np.ndarray, first: np.ndarray, carried: np.ndarray, fresh_from: int,
                   rows: np.ndarray, until: np.ndarray) -> np.ndarray:
    """For each of `rows` (positions in a pool of entries in arrival order, with `steps`):
    how many entries at or after its step arrived after its step's first entry (at position
    `first[row]`) and before position `until[i]`. Entries before `fresh_from` were counted
    by an earlier push: that count is `carried[row]`."""
    out = np.empty(len(rows), np.int64)
    for i, (row, end) in enumerate(zip(rows.tolist(), until.tolist())):
        start = max(int(first[row]) + 1, fresh_from)
        later = int(np.count_nonzero(steps[start:end] >= steps[row])) if end > start else 0
        out[i] = int(carried[row]) + later
    return out
