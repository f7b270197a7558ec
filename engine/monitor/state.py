"""What the monitor knows, independent of any widget: history, feed, threshold, counters.

The app feeds it `Scored` frames and user decisions; screens read it when they repaint.
Only the UI thread uses it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from logwatch.engine.batch import BadLine
from logwatch.engine.decision import anomalous
from logwatch.engine.monitor.counts import Counts
from logwatch.engine.monitor.feed_query import FeedQuery
from logwatch.engine.monitor.mutes import Mutes
from logwatch.engine.score import parse_threshold
from logwatch.engine.monitor.feed import Feed, Incident
from logwatch.engine.monitor.history import CAPACITY, History

RATE_SECONDS = 5.0
"""Entries per second is measured over this much wall-clock time."""
FLAGGED_WINDOW_SECONDS = 15 * 60
"""The status line's flagged share covers this much log time."""
THRESHOLD_STEP = 1.1
"""`+` multiplies the threshold by this, `-` divides by it."""
RECALIBRATE_ENTRIES = 50_000
"""`a` recalibrates from at most this many of the newest entries."""
DEFAULT_TARGET_FAR = 0.001
"""False-alarm budget for recalibration when the model does not state its own."""
CONFIRM_FACTOR = 3.0
"""A threshold more than this many times the model's own is applied only when confirmed:
it hides most of what the model would report."""


@dataclass(frozen=True, slots=True)
class Recalibration:
    """What `a` proposes, with what the current, proposed and model's thresholds would flag
    among the same recent time steps (a server's step counts once)."""

    value: float
    """The proposed threshold, in the model's units."""
    how: dict
    """How it was calibrated (as model.json `threshold`)."""
    steps: int
    """Time steps in the sample (newest RECALIBRATE_ENTRIES entries)."""
    left_out: int
    """Steps the current threshold flags (or the model's own, when the current one is
    lower): left out of the calibration, so that what is wrong now cannot raise the
    threshold that should report it, and a threshold set too low is not proposed again."""
    flagged_now: int
    flagged_new: int
    flagged_model: int
    normal_flagged: tuple[int, int, int] | None = None
    """Of the flagged steps (now, new, model's), those labeled normal, when the source
    carries labels (the demo): the false alarms among them."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The detector in use, for the status line and the model screen."""

    name: str
    backend: str
    """"sklearn", "keras", or "z-score"."""
    threshold: float
    """The detector's own threshold (what its `relative` scores are measured against)."""
    created: float | None = None
    """Creation time, seconds since the epoch (None for the z-score baseline)."""
    path: str | None = None
    meta: dict | None = None
    """The bundle's model.json (None for the z-score baseline)."""

    @property
    def target_far(self) -> float:
        how = (self.meta or {}).get("threshold", {})
        value = how.get("target_false_alarm_rate") if isinstance(how, dict) else None
        return float(value) if isinstance(value, (int, float)) and 0 < value < 0.5 else DEFAULT_TARGET_FAR


class MonitorState:
    """History, feed and threshold, kept consistent with each other."""

    def __init__(
        self, model: ModelInfo, *, clock: Callable[[], float], capacity: int = CAPACITY,
        mutes: Mutes | None = None,
    ) -> None:
        self.clock = clock
        self.history = History(capacity)
        self.feed = Feed()
        self.mutes = mutes if mutes is not None else Mutes(None, clock)
        self.counts = Counts()
        self.model = model
        self.threshold = model.threshold
        """The user's threshold, in the current model's units."""
        self.bad_lines = 0
        self.bad_samples: list[BadLine] = []
        self.paused = False
        """Display paused by the user (entries are still added)."""
        self.version = 0
        """Changes whenever anything shown changes (screens skip repaints otherwise)."""
        self._arrivals: deque[tuple[float, int]] = deque()
        self._rate_window_full = False
        """Arrivals older than RATE_SECONDS have been seen: the rate covers a whole window."""

    @property
    def factor(self) -> float:
        """The threshold in relative units (1.0 = the model's own threshold)."""
        return self.threshold / self.model.threshold if self.model.threshold > 0 else math.inf

    def add(self, frame: pl.DataFrame, bad_lines: int = 0, bad_samples: list[BadLine] | None = None) -> list[Incident]:
        """Take in scored entries from the ingest worker; the incidents they opened."""
        opened: list[Incident] = []
        if frame.height:
            positions = self.history.append(frame)
            opened = self.feed.add(self.history, positions, self.factor)
            self.counts.add(self.history.relative[positions], bad_lines, self.factor)
        else:
            self.counts.add(np.zeros(0), bad_lines, self.factor)
        self.bad_lines += bad_lines
        if bad_samples and len(self.bad_samples) < 5:
            self.bad_samples.extend(bad_samples[: 5 - len(self.bad_samples)])
        now = self.clock()
        self._arrivals.append((now, frame.height))
        self._forget_arrivals(now)
        self.version += 1
        return opened

    def _forget_arrivals(self, now: float) -> None:
        while self._arrivals and self._arrivals[0][0] <= now - RATE_SECONDS:
            self._arrivals.popleft()
            self._rate_window_full = True

    def entries_per_second(self) -> float | None:
        """Arrival rate over the last RATE_SECONDS (down to 0 when the input goes quiet);
        in the first seconds, between the first arrival (the backfill, left out) and the
        last one; None until that can be measured."""
        self._forget_arrivals(self.clock())
        if self._rate_window_full:
            return sum(n for _, n in self._arrivals) / RATE_SECONDS
        if len(self._arrivals) < 2:
            return None
        span = self._arrivals[-1][0] - self._arrivals[0][0]
        if span <= 0:
            return None
        return sum(n for _, n in list(self._arrivals)[1:]) / span

    def incidents(self, query: str | FeedQuery = "", limit: int | None = None) -> list[Incident]:
        """The feed as shown: newest first, matching `query`, without muted incidents."""
        muted = self.mutes.active()
        hide = (lambda i: any(m.covers(i.server, i.component) for m in muted)) if muted else None
        return self.feed.view(query, limit, factor=self.factor, hide=hide)

    def acknowledge(self, incident_id: int) -> bool:
        """Mark an incident seen (or unseen again); whether it is acknowledged now."""
        incident = self.feed.get(incident_id)
        if incident is None:
            return False
        incident.acknowledged = not incident.acknowledged
        self.feed.version += 1
        self.version += 1
        return incident.acknowledged

    def flagged_share(self) -> float:
        share, _ = self.history.rate(self.factor, FLAGGED_WINDOW_SECONDS)
        return share

    def set_threshold(self, value: float) -> None:
        """Use a new threshold: the feed and everything drawn are recomputed from memory.
        Raises UserError (the command line's text) when it is not a positive number."""
        self.threshold = parse_threshold(value)
        self.feed.rebuild(self.history, self.factor)
        self.version += 1

    def propose_recalibration(self) -> Recalibration:
        """A threshold from the newest entries' scores for the model's false-alarm budget,
        calibrated like training's (per time step, robust to a few bad steps), on the steps
        the current threshold does not flag (nor the model's own, when the current one is
        lower). Never above that cut: the fit extrapolates a tail, and recent data with
        faults in it has a heavy one, so an uncapped proposal could hide the very steps it
        left out as flagged. Raises UserError when too few are scored."""
        from logwatch.engine.threshold import calibrate_threshold, step_peaks

        history = self.history
        at = history.order(RECALIBRATE_ENTRIES)
        peaks = step_peaks(history.server[at], history.timestamp[at], history.relative[at])
        cut = max(self.factor, 1.0)
        out = anomalous(peaks, cut)
        value, how = calibrate_threshold(peaks[~out], self.model.target_far)
        if value > cut:  # beyond every step it kept: it would hide what it just left out
            how.update(capped_at=float(cut), uncapped=float(value))
            value = cut
        normal_flagged = None
        if len(history.kinds):
            relative = history.relative[at]
            labeled = np.where(np.isfinite(relative), history.kind[at] >= 0, np.nan)
            normal = step_peaks(history.server[at], history.timestamp[at], labeled) == 0
            normal_flagged = tuple(int(np.count_nonzero(normal & anomalous(peaks, t))) for t in (self.factor, value, 1.0))
        return Recalibration(
            value * self.model.threshold, how, int(peaks.size), int(out.sum()),
            int(np.count_nonzero(anomalous(peaks, self.factor))), int(np.count_nonzero(anomalous(peaks, value))),
            int(np.count_nonzero(anomalous(peaks))), normal_flagged,
        )

    def needs_confirmation(self, value: float) -> bool:
        """Whether moving to `value` crosses CONFIRM_FACTOR times the model's threshold."""
        limit = CONFIRM_FACTOR * self.model.threshold
        return value > limit >= self.threshold

    def use_model(self, model: ModelInfo) -> None:
        """Switch to a new detector; its own threshold becomes the user's threshold."""
        self.model = model
        self.threshold = model.threshold
        self.feed.rebuild(self.history, self.factor)
        self.version += 1

    def flagged_count(self, last: int) -> int:
        """How many of the `last` newest entries the current threshold flags."""
        order = self.history.order(last)
        return int(np.count_nonzero(self.history.flagged(order, self.factor)))
