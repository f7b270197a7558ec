"""The generator's "log lines" behind an incident: its entries in memory, written as the
JSON lines the generator would have written, numbered by their place in the stream."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np

from logwatch.engine.monitor.raw_lines import AROUND, RawLine, RawLines
from logwatch.engine.monitor.history import History

WHERE = "generator (in memory; line = entry number in the stream)"


def lines_in_memory(history: History, peak_number: int, *, around: int = AROUND) -> RawLines:
    """The peak entry and the `around` entries either side of it (all servers, in arrival
    order, as a file would hold them)."""
    if history.position(peak_number) is None:
        return RawLines(WHERE, note="the entries around this incident are no longer in memory")
    first = max(history.total - history.size, peak_number - around)
    last = min(history.total - 1, peak_number + around)
    rows = []
    for number in range(first, last + 1):
        at = int(history.position(number))  # type: ignore[arg-type]  (in range: held)
        rows.append(RawLine(number + 1, _json_line(history, at), peak=number == peak_number))
    return RawLines(WHERE, tuple(rows))


def _json_line(history: History, at: int) -> str:
    stamp = datetime.fromtimestamp(int(history.timestamp[at]) / 1e6, tz=timezone.utc).replace(tzinfo=None)
    record: dict = {
        "timestamp": stamp.isoformat(timespec="microseconds"),
        "server": history.servers.names[history.server[at]],
        "component": history.components.names[history.component[at]],
        "value": float(np.round(history.value[at], 6)),
    }
    if len(history.kinds):
        record["anomalous"] = bool(history.kind[at] >= 0)
    return json.dumps(record)
