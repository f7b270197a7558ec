"""The fault-injection harness, short: >= 10,000 lines/s for two seconds while the file
is rotated, copy-truncated (what was not read yet is read from the copy), deleted and
re-created, written in random pieces, with bad, binary and over-long lines. Exactly the
valid lines are scored, each once; every bad line is counted. (bench/bench_tail.py runs
the same harness for longer.)"""

from __future__ import annotations

from fault_harness import FaultPlan, run_harness


def test_every_valid_line_scored_exactly_once_through_every_fault(tmp_path):
    report = run_harness(FaultPlan(seconds=2.0, rate=10_000, fault_every=0.15, seed=11), str(tmp_path))
    assert report.problems() == [], report.summary()
    assert set(report.faults) == {"rename", "copytruncate", "delete"}
    assert min(report.faults.values()) >= 2
    assert report.valid_written > 15_000 and report.bad_injected > 100
    assert any("truncated" in n for n in report.notices)
    assert any("reading the rest of its copy" in n for n in report.notices)  # it was behind
    assert any("rotated" in n for n in report.notices)
