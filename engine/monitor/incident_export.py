"""`e` in the monitor: the feed's incidents written to CSV or JSON lines, atomically (a
temporary file in the same folder, renamed into place), so OUT is whole or untouched."""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from logwatch.engine.errors import UserError
from logwatch.engine.export.csv_cells import protect_text
from logwatch.engine.export.tempfiles import make_temp
from logwatch.engine.monitor.feed import Incident

FORMATS = (".csv", ".jsonl")
FIELDS = ("first", "last", "server", "component", "count", "value", "expected", "score", "x_thr",
          "reason", "kind", "acknowledged")


def write_incidents(path: Path, incidents: Iterable[Incident], factor: float) -> int:
    """Write `incidents` to `path` (format from its extension); the number written.
    Raises UserError naming the path when it cannot be written."""
    path = Path(path).expanduser()
    if path.suffix.lower() not in FORMATS:
        raise UserError(f"{path}: the name must end in {' or '.join(FORMATS)}")
    rows = [_row(i, factor) for i in incidents]
    try:
        fd, temp = make_temp(path)
    except OSError as error:
        raise UserError(f"{path}: cannot write there ({error.strerror or error})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if path.suffix.lower() == ".csv":
                writer = csv.DictWriter(out, FIELDS)
                writer.writeheader()
                writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
            else:
                out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write there ({error.strerror or error})") from None
    return len(rows)


def _row(incident: Incident, factor: float) -> dict:
    ratio = incident.relative / factor if factor > 0 else math.nan
    return {
        "first": _iso(incident.first), "last": _iso(incident.last), "server": incident.server,
        "component": incident.component, "count": incident.count, "value": _finite(incident.value),
        "expected": _finite(incident.expected), "score": _finite(incident.score), "x_thr": _finite(ratio),
        "reason": incident.reason, "kind": incident.kind, "acknowledged": incident.acknowledged,
    }


def _iso(us: int) -> str:
    return datetime.fromtimestamp(us / 1e6, tz=timezone.utc).replace(tzinfo=None).isoformat()


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _cell(value: object) -> object:
    return protect_text(value) if isinstance(value, str) else value
