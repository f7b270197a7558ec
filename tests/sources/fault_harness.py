"""Fault injection for the tailer: a writer thread appends lines at a steady rate while it
rotates, copy-truncates, deletes and re-creates the file, writes lines in random pieces
and mixes in malformed, binary and over-long lines; a consumer thread tails the file with
`TailSource` and scores every batch. Afterwards the entries scored must be exactly the
valid lines written (no loss, no duplicate) and the bad-line count exactly what was
injected.

The writer waits for the tailer only where no tailer can do better: before renaming,
deleting or copy-truncating the file, until the tailer has read a line of it (a file
created and rotated away before anyone opened it is invisible to every tailer). Lines the
tailer has not read when the file is copy-truncated are read from the copy, which gets a
name of its own each time, as logrotate's numbering or dates give it. The copy and the
truncate happen with no write between them (lines written there are in neither file).

Run longer from the command line: `python tests/sources/fault_harness.py --seconds 60`;
`python -m bench` runs it through bench/bench_tail.py.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

FAULTS = ("rename", "copytruncate", "delete")
START = datetime(2025, 1, 5)
COMPONENTS = ("CPU", "Memory", "Disk")
WAIT_SECONDS = 30.0
"""Longest the writer waits for the tailer before declaring it stuck."""


@dataclass(frozen=True)
class FaultPlan:
    seconds: float = 2.0
    rate: float = 10_000.0
    """Lines per second written (good and bad)."""
    fault_every: float = 0.25
    """Seconds between two faults (they take turns: rename, copy-truncate, delete)."""
    bad_share: float = 0.02
    """Share of lines that are malformed or binary."""
    overlong_every: float = 0.5
    """Seconds between two lines longer than 1 MiB (0: none)."""
    seed: int = 0


@dataclass
class HarnessReport:
    lines_written: int = 0
    valid_written: int = 0
    bad_injected: int = 0
    faults: Counter = field(default_factory=Counter)
    write_seconds: float = 0.0
    scored: int = 0
    bad_counted: int = 0
    missing: list[int] = field(default_factory=list)
    unexpected: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    out_of_order: int = 0
    notices: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def write_rate(self) -> float:
        return self.lines_written / self.write_seconds if self.write_seconds else 0.0

    def problems(self) -> list[str]:
        found = [self.error] if self.error else []
        if self.missing:
            found.append(f"{len(self.missing)} valid lines never scored, e.g. {self.missing[:5]}")
        if self.unexpected:
            found.append(f"{len(self.unexpected)} entries scored that were never written")
        if self.duplicates:
            found.append(f"{len(self.duplicates)} entries scored twice, e.g. {self.duplicates[:5]}")
        if self.out_of_order:
            found.append(f"{self.out_of_order} entries arrived out of order")
        if self.bad_counted != self.bad_injected:
            found.append(f"bad lines counted {self.bad_counted}, injected {self.bad_injected}")
        return found

    def summary(self) -> str:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items()))
        verdict = "; ".join(self.problems()) or "exact: every valid line scored once"
        return (
            f"wrote {self.lines_written:,} lines ({self.valid_written:,} valid, "
            f"{self.bad_injected:,} bad) at {self.write_rate:,.0f} lines/s; faults: {faults}; "
            f"scored {self.scored:,}, bad counted {self.bad_counted:,}: {verdict}"
        )


class _Consumer(threading.Thread):
    """Tails the file, scores every batch, and keeps what the harness checks."""

    def __init__(self, path: str) -> None:
        super().__init__(name="harness-consumer", daemon=True)
        from logwatch.engine.detect.zscore import ZScoreDetector
        from logwatch.engine.score import Scorer
        from logwatch.engine.sources.tail import TailSource

        self.notices: list[str] = []
        self.source = TailSource(path, on_notice=self.notices.append)
        self.scorer = Scorer(ZScoreDetector())
        self.delivered = 0  # lines handed out by the source, good and bad
        self.bad = 0
        self.arrived: list[np.ndarray] = []  # entry ids in the order the source gave them
        self.scored: list[np.ndarray] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for batch in self.source:
                self.arrived.append(batch.frame.get_column("value").to_numpy())
                self.scored.append(self.scorer.score(batch).get_column("value").to_numpy())
                self.bad += batch.bad_lines
                self.delivered += batch.frame.height + batch.bad_lines
            self.scored.append(self.scorer.flush().get_column("value").to_numpy())
        except BaseException as error:
            self.error = error


class _Writer:
    def __init__(self, path: str, plan: FaultPlan, consumer: _Consumer, report: HarnessReport):
        self.path, self.plan, self.consumer, self.report = path, plan, consumer, report
        self.rng = random.Random(plan.seed)
        self.valid_ids: list[int] = []
        self.fd = -1
        self.generation_start = 0  # lines written before the current file generation
        self.seq = 0

    def run(self) -> None:
        plan, report = self.plan, self.report
        self._create()
        started = time.monotonic()
        next_fault = started + plan.fault_every
        next_overlong = started + plan.overlong_every if plan.overlong_every else float("inf")
        fault_index = 0
        while (now := time.monotonic()) < started + plan.seconds:
            due = min(int((now - started) * plan.rate) - report.lines_written, 5_000)
            if due > 0:
                self._write_lines(due, overlong=now >= next_overlong)
                if now >= next_overlong:
                    next_overlong = now + plan.overlong_every
            kind = FAULTS[fault_index % len(FAULTS)]
            if now >= next_fault and self._ready():
                getattr(self, f"_{kind}")()
                report.faults[kind] += 1
                fault_index += 1
                next_fault = time.monotonic() + plan.fault_every
            time.sleep(0.002)
        report.write_seconds = time.monotonic() - started
        os.close(self.fd)

    def _ready(self) -> bool:
        written = self.report.lines_written
        return written > self.generation_start and self.consumer.delivered > self.generation_start

    def _wait_until(self, condition, what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not condition():
            if time.monotonic() > deadline or self.consumer.error is not None:
                raise RuntimeError(f"tailer did not {what} within {WAIT_SECONDS:.0f} s")
            time.sleep(0.001)

    def _write_lines(self, count: int, *, overlong: bool) -> None:
        rng, lines = self.rng, []
        for i in range(count):
            if overlong and i == count // 2:
                lines.append(b'{"timestamp": "' + b"x" * ((1 << 20) + 10) + b'"}\n')
                self.report.bad_injected += 1
            elif rng.random() < self.plan.bad_share:
                lines.append(self._bad_line(rng))
                self.report.bad_injected += 1
            else:
                lines.append(self._valid_line(rng))
        data = b"".join(lines)
        self.report.lines_written += len(lines)
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, max(1, count // 4))))
        for a, b in zip([0] + cuts, cuts + [len(data)]):  # random pieces, mid-line cuts
            os.write(self.fd, data[a:b])

    def _valid_line(self, rng: random.Random) -> bytes:
        self.seq += 1
        stamp = (START + timedelta(milliseconds=self.seq)).isoformat(timespec="microseconds")
        server, component = f"server_{self.seq % 3 + 1}", COMPONENTS[self.seq // 3 % 3]
        self.valid_ids.append(self.seq)
        end = b"\r\n" if rng.random() < 0.1 else b"\n"
        return (
            f'{{"timestamp": "{stamp}", "server": "{server}", "component": "{component}", '
            f'"value": {self.seq}}}'
        ).encode() + end

    def _bad_line(self, rng: random.Random) -> bytes:
        self.seq += 1
        n, stamp = self.seq, (START + timedelta(milliseconds=self.seq)).isoformat()
        kind = rng.randrange(5)
        if kind == 0:
            return b"not json at all %d\n" % n
        if kind == 1:
            return f'{{"timestamp": "{stamp}", "server": "server_1", "value": {n}}}\n'.encode()
        if kind == 2:
            return f'{{"timestamp": "{stamp}", "server": "s", "component": "CPU", "value": 1e999}}\n'.encode()
        if kind == 3:
            return f'{{"timestamp": "day {n}", "server": "s", "component": "CPU", "value": 1}}\n'.encode()
        junk = bytes(rng.choice([b for b in range(256) if b not in (10, 13)]) for _ in range(20))
        return b"\xff\xfe" + junk + b" %d\n" % n

    def _create(self) -> None:
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self.generation_start = self.report.lines_written

    def _rename(self) -> None:
        os.close(self.fd)
        os.replace(self.path, self.path + ".1")
        time.sleep(self.rng.random() * 0.01)  # a moment with no file at all
        self._create()

    def _delete(self) -> None:
        os.close(self.fd)
        os.unlink(self.path)
        time.sleep(self.rng.random() * 0.01)
        self._create()

    def _copytruncate(self) -> None:
        # Not ".1": that may be the renamed file the tailer is still reading.
        shutil.copyfile(self.path, f"{self.path}-{self.report.faults['copytruncate'] + 1}")
        os.truncate(self.path, 0)
        self.generation_start = self.report.lines_written


def run_harness(plan: FaultPlan = FaultPlan(), folder: str | None = None) -> HarnessReport:
    """Run one fault-injection session in `folder` (a temporary one by default)."""
    own = folder is None
    folder = folder or tempfile.mkdtemp(prefix="logwatch-faults-")
    path = os.path.join(folder, "app.log")  # does not exist when the tailer starts
    report = HarnessReport()
    consumer = _Consumer(path)
    consumer.start()
    writer = _Writer(path, plan, consumer, report)
    try:
        time.sleep(0.05)
        writer.run()
        writer._wait_until(lambda: consumer.delivered >= report.lines_written, "read every line")
    except RuntimeError as error:
        report.error = str(error)
    finally:
        consumer.source.stop()
        consumer.join(WAIT_SECONDS)
        if own:
            shutil.rmtree(folder, ignore_errors=True)
    if consumer.error is not None:
        report.error = f"tailer failed: {consumer.error!r}"
    _compare(report, writer.valid_ids, consumer)
    return report


def _compare(report: HarnessReport, valid_ids: list[int], consumer: _Consumer) -> None:
    report.valid_written = len(valid_ids)
    report.bad_counted = consumer.bad
    report.notices = consumer.notices
    arrived = np.concatenate(consumer.arrived) if consumer.arrived else np.array([])
    report.out_of_order = int(np.count_nonzero(np.diff(arrived) <= 0))
    scored = np.concatenate(consumer.scored).astype(np.int64) if consumer.scored else np.array([], np.int64)
    report.scored = len(scored)
    ids, counts = np.unique(scored, return_counts=True)
    report.duplicates = ids[counts > 1].tolist()
    expected = np.array(valid_ids, dtype=np.int64)
    report.missing = np.setdiff1d(expected, ids).tolist()
    report.unexpected = np.setdiff1d(ids, expected).tolist()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=10_000.0)
    parser.add_argument("--fault-every", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    plan = FaultPlan(seconds=args.seconds, rate=args.rate, fault_every=args.fault_every, seed=args.seed)
    report = run_harness(plan)
    print(report.summary())
    return 1 if report.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
