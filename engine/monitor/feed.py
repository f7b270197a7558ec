"""The anomaly feed: flagged entries merged into incidents, newest first, capped.

Repeats of the same server and component less than `merge_seconds` apart (log time) join one
incident with a count, so a long incident is one row, not a flood. The rule is the engine's
(`logwatch.engine.monitor.incidents`, shared with headless notifications): runs are found
with numpy over each batch of flagged entries; Python only loops over the runs, which are few.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import numpy as np

from logwatch.engine.monitor.feed_query import FeedQuery, parse_query
from logwatch.engine.monitor.incidents import MERGE_SECONDS, IncidentStart, continues, runs
from logwatch.engine.monitor.history import History

FEED_CAP = 1000
"""Incidents kept; the ones whose last entry is oldest are dropped first."""


@dataclass(slots=True)
class Incident:
    """Consecutive flagged entries of one server and component.

    The value, score and reason are those of the peak entry (the highest relative score).
    """

    id: int
    server: str
    component: str
    first: int
    """Log time of the first flagged entry, microseconds since the epoch."""
    last: int
    count: int
    value: float
    expected: float
    score: float
    relative: float
    """Peak score over the threshold of the model that scored it."""
    reason: str
    kind: str | None
    """The source's own label of the peak entry (generated logs), if any."""
    peak_number: int
    """Entry number of the peak in the history (to find its neighbours for the details)."""
    last_number: int = 0
    """Entry number of its newest entry: the feed's order is arrival order, so after a
    replay (log time going back) the replay's incidents still come first."""
    acknowledged: bool = False
    """Seen by the user (`x`): drawn dimmed, kept."""
    peak_time: int = 0
    """Log time of the peak entry, microseconds (to find its line in the log)."""

    def start(self, factor: float) -> IncidentStart:
        """What a notification says about it; ×thr against the user's threshold `factor`."""
        return IncidentStart(self.server, self.component, self.first, self.last, self.count,
                             self.score, self.relative / factor if factor > 0 else float("nan"), self.reason)


class Feed:
    """Incidents newest first (by the arrival of their last entry); `version` changes
    whenever they do."""

    def __init__(self, merge_seconds: float = MERGE_SECONDS, cap: int = FEED_CAP) -> None:
        self.merge_us = int(merge_seconds * 1_000_000)
        self.cap = cap
        self.version = 0
        self._incidents: dict[int, Incident] = {}
        self._open: dict[tuple[str, str], Incident] = {}
        self._ids = count(1)

    def __len__(self) -> int:
        return len(self._incidents)

    def get(self, incident_id: int) -> Incident | None:
        return self._incidents.get(incident_id)

    def add(self, history: History, positions: np.ndarray, factor: float) -> list[Incident]:
        """Merge the flagged entries among the history `positions` (oldest first); the
        incidents this opened (to notify about)."""
        flagged = positions[history.flagged(positions, factor)]
        if flagged.size == 0:
            return []
        numbers = _numbers(history, positions)[history.flagged(positions, factor)]
        keys = history.server[flagged].astype(np.int64) << 32 | history.component[flagged]
        order, starts, ends = runs(keys, history.timestamp[flagged], self.merge_us)
        flagged, numbers = flagged[order], numbers[order]
        opened = []
        for start, end in zip(starts.tolist(), ends.tolist()):
            run = flagged[start:end]
            peak = start + int(np.argmax(history.relative[run]))
            new = self._merge(history, run, flagged[peak], int(numbers[peak]), int(numbers[start:end].max()))
            if new is not None:
                opened.append(new)
        self._trim()
        self.version += 1
        return [i for i in opened if i.id in self._incidents]

    def rebuild(self, history: History, factor: float) -> None:
        """Recompute the incidents the history still covers, for a new threshold.

        Incidents that ended before the oldest entry in memory are kept as they were flagged.
        """
        order = history.order()
        oldest = history.total - history.size
        seen = [(i.server, i.component, i.first, i.last) for i in self._incidents.values() if i.acknowledged]
        self._incidents = {i.id: i for i in self._incidents.values() if order.size and i.last_number < oldest}
        self._open = {}
        self.version += 1
        if order.size:
            self.add(history, order, factor)
        for incident in self._incidents.values():  # an acknowledgement outlives a new threshold
            incident.acknowledged = incident.acknowledged or any(
                (s, c) == (incident.server, incident.component) and first <= incident.last and incident.first <= last
                for s, c, first, last in seen
            )

    def view(
        self, query: str | FeedQuery = "", limit: int | None = None, *, factor: float = 1.0,
        hide: Callable[[Incident], bool] | None = None,
    ) -> list[Incident]:
        """Incidents newest first: those matching `query` (see `feed_query`; `factor` is
        the threshold for its `thr` terms) and not hidden by `hide` (mutes)."""
        query = parse_query(query) if isinstance(query, str) else query
        items = sorted(self._incidents.values(), key=_newest_first, reverse=True)
        if query or hide is not None:
            items = [i for i in items if query.matches(i, factor) and not (hide and hide(i))]
        return items if limit is None else items[:limit]

    def _merge(self, history: History, run: np.ndarray, peak: int, number: int, last_number: int) -> Incident | None:
        server = history.servers.names[history.server[peak]]
        component = history.components.names[history.component[peak]]
        first, last = int(history.timestamp[run[0]]), int(history.timestamp[run[-1]])
        current = self._open.get((server, component))
        if current is not None and current.id in self._incidents and continues(current.last, first, self.merge_us):
            current.last = max(current.last, last)
            current.count += run.size
            current.last_number = max(current.last_number, last_number)
            if history.relative[peak] > current.relative:
                _set_peak(current, history, peak, number)
            return None
        incident = Incident(
            id=next(self._ids), server=server, component=component, first=first, last=last,
            count=int(run.size), value=0.0, expected=0.0, score=0.0, relative=0.0, reason="",
            kind=None, peak_number=number, last_number=last_number,
        )
        _set_peak(incident, history, peak, number)
        self._incidents[incident.id] = incident
        self._open[(server, component)] = incident
        return incident

    def _trim(self) -> None:
        if len(self._incidents) <= self.cap:
            return
        keep = sorted(self._incidents.values(), key=_newest_first, reverse=True)[: self.cap]
        self._incidents = {i.id: i for i in keep}
        self._open = {k: v for k, v in self._open.items() if v.id in self._incidents}


def _newest_first(incident: Incident) -> tuple[int, int]:
    return incident.last_number, incident.id


def _set_peak(incident: Incident, history: History, at: int, number: int) -> None:
    incident.value = float(history.value[at])
    incident.expected = float(history.expected[at])
    incident.score = float(history.score[at])
    incident.relative = float(history.relative[at])
    incident.reason = history.reasons.get(number)
    kind = int(history.kind[at])
    incident.kind = history.kinds.names[kind] if kind >= 0 else None
    incident.peak_number = number
    incident.peak_time = int(history.timestamp[at])


def _numbers(history: History, positions: np.ndarray) -> np.ndarray:
    """Entry numbers of ring positions (positions must be among the held entries)."""
    newest = (history.total - 1) % history.capacity
    back = (newest - positions) % history.capacity
    return history.total - 1 - back
