"""Counts since start, so an operator can check that nothing was lost (after a rotation,
say): entries read, scored, not scored (warming up or late), bad lines, flagged."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logwatch.engine.decision import anomalous


@dataclass(slots=True)
class Counts:
    read: int = 0
    """Lines taken in: parsed entries plus bad lines."""
    scored: int = 0
    """Entries with a score."""
    unscored: int = 0
    """Entries without one: their server was still warming up, or they came too late for
    their time step."""
    bad: int = 0
    flagged: int = 0
    """Entries over the threshold in use when they arrived."""

    def add(self, relative: np.ndarray, bad_lines: int, factor: float) -> None:
        """Count a scored frame's entries (`relative`: score over its threshold, NaN when
        unscored) and the bad lines that came with it."""
        scored = np.isfinite(relative)
        n_scored = int(np.count_nonzero(scored))
        self.read += int(relative.size) + bad_lines
        self.scored += n_scored
        self.unscored += int(relative.size) - n_scored
        self.bad += bad_lines
        self.flagged += int(np.count_nonzero(anomalous(relative, factor)))
