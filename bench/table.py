"""Rows of the bench table and how they are measured and printed."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    unit: str
    note: str = ""


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    """Median wall time of `repeats` calls of `action`."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def format_table(sections: list[tuple[str, list[Row]]]) -> str:
    rows = [(f"{title}: {r.name}", _number(r.value), r.unit, r.note) for title, items in sections for r in items]
    if not rows:
        return "no figures"
    widths = [max(len(r[i]) for r in rows + [("figure", "value", "unit", "note")]) for i in range(4)]
    header = ("figure", "value", "unit", "note")
    lines = ["  ".join(h.ljust(w) if i != 1 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i != 1 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)


def _number(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"
