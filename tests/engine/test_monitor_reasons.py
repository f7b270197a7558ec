"""The reasons kept for the entries in memory: by entry number, as bytes, bounded."""

from __future__ import annotations

import polars as pl

from logwatch.engine.monitor.history import History
from logwatch.engine.monitor.reasons import Reasons


def test_reasons_are_found_by_entry_number_across_batches() -> None:
    reasons = Reasons(capacity=10)
    reasons.append(0, pl.Series(["CPU 95.3 vs expected 40", None, "ü ×thr 1,5 %"]), 3)
    reasons.append(3, None, 2)  # a frame without a reason column
    reasons.append(5, pl.Series(["", "last"]), 2)
    assert [reasons.get(n) for n in range(7)] == ["CPU 95.3 vs expected 40", "", "ü ×thr 1,5 %", "", "", "", "last"]


def test_only_about_capacity_reasons_are_kept() -> None:
    reasons = Reasons(capacity=100)
    for first in range(0, 10_000, 30):
        reasons.append(first, pl.Series([f"reason {n}" for n in range(first, first + 30)]), 30)
    newest = 10_000 - 1 + 30 - 10_000 % 30 if 10_000 % 30 else 10_000 - 1
    held = sum(len(c.offsets) - 1 for c in reasons._chunks)
    assert 100 <= held <= 100 + 30
    assert all(reasons.get(n) == f"reason {n}" for n in range(newest - 99, newest + 1))


def test_a_chunk_mostly_overwritten_is_cut() -> None:
    reasons = Reasons(capacity=100)
    reasons.append(0, pl.Series([f"old {n}" for n in range(100)]), 100)
    reasons.append(100, pl.Series([f"new {n}" for n in range(80)]), 80)  # 80 of the first 100 are gone
    first = reasons._chunks[0]
    assert (first.first, len(first.offsets) - 1, first.text[:6]) == (80, 20, b"old 80")
    assert [reasons.get(n) for n in (80, 99, 100, 179)] == ["old 80", "old 99", "new 0", "new 79"]


def test_history_keeps_each_entrys_reason_through_the_ring() -> None:
    history = History(capacity=5)
    for start in (0, 3, 6):
        history.append(pl.DataFrame({
            "timestamp": pl.Series([start + i for i in range(3)], dtype=pl.Int64).cast(pl.Datetime("us")),
            "server": ["s1"] * 3, "component": ["CPU"] * 3, "value": [1.0] * 3,
            "score": [0.5] * 3, "threshold": [1.0] * 3, "reason": [f"r{start + i}" for i in range(3)],
        }))
    held = range(history.total - history.size, history.total)
    assert [history.reasons.get(n) for n in held] == [f"r{n}" for n in held]
