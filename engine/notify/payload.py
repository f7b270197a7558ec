"""The JSON object a notify command reads on its standard input: one incident."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta

from logwatch.engine.monitor.incidents import IncidentStart

EPOCH = datetime(1970, 1, 1)


def iso(us: int) -> str:
    """Log time in microseconds as the export writes it: naive UTC ISO 8601."""
    return (EPOCH + timedelta(microseconds=us)).isoformat(timespec="microseconds")


def incident_json(incident: IncidentStart) -> bytes:
    """One line: server, component, first, last, peak_score, times_threshold, reason, count."""

    def number(value: float) -> float | None:
        return round(value, 6) if math.isfinite(value) else None

    return (json.dumps({
        "server": incident.server,
        "component": incident.component,
        "first": iso(incident.first),
        "last": iso(incident.last),
        "peak_score": number(incident.score),
        "times_threshold": number(incident.ratio),
        "reason": incident.reason,
        "count": incident.count,
    }, ensure_ascii=False) + "\n").encode()
