"""The headless runner: batches in, scored rows out to an export file, one summary line.

Used by `logwatch tui SOURCE --export OUT`; the batches come from
`logwatch.engine.sources.open.open_source`: a file read to its end, or a tailing source
that never ends (`--follow`, stopped with Ctrl-C).
The export is opened when the first entries show whether the input has labels, and it is
aborted (no half file) if anything goes wrong or the user interrupts.

Three stages overlap on separate threads: reading and parsing the next batches
(`prefetch`), scoring the current one (here), and encoding and writing the previous one
(`WriteBehind`). Each stage keeps input order, so rows come out exactly once, in order.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

import polars as pl

from logwatch.engine.batch import TRACED_COLUMN, Batch
from logwatch.engine.export import ExportWriter, WriteBehind
from logwatch.engine.prefetch import prefetch
from logwatch.engine.score import Scorer

if TYPE_CHECKING:  # the metrics module is imported only by a run with --eval
    from logwatch.engine.evaluate import Evaluation

BAD_LINE_REPORTS = 5
"""Bad lines reported by place on stderr (all are counted in the summary)."""


@dataclass(slots=True)
class Summary:
    entries: int = 0
    bad_lines: int = 0
    flagged: int = 0
    traced: int = 0
    written: int = 0
    detector: str = ""
    threshold: float = 0.0
    seconds: float = 0.0
    export: str = ""

    def line(self) -> str:
        """The one summary line printed at the end of a headless run."""
        rate = self.entries / self.seconds if self.seconds > 0 else 0.0
        return (
            f"read {self.entries:,} entries, {self.bad_lines:,} bad lines skipped, "
            f"{self.flagged:,} anomalies flagged"
            + (f" ({self.traced:,} traced back to their alarm's start)" if self.traced else "")
            + f"; detector {self.detector}, "
            f"threshold {self.threshold:.4g}; {self.seconds:.2f} s, {rate:,.0f} entries/s"
            + (f"; wrote {self.written:,} rows to {self.export}" if self.export else "")
        )


def _first_labeled(batch: Batch) -> int | None:
    """Index of the batch's first entry with an `anomalous` label (lines without one are
    null), None when it has none."""
    if not batch.has_labels:
        return None
    labeled = batch.frame["anomalous"].is_not_null()
    return int(labeled.arg_max() or 0) if labeled.any() else None


def run_headless(
    batches: Iterable[Batch],
    scorer: Scorer,
    open_export: Callable[[bool], ExportWriter] | None,
    *,
    write_all: bool = False,
    evaluation: Evaluation | None = None,
    err: TextIO | None = None,
    read_ahead: int = 2,
    write_behind: int = 2,
    on_scored: Callable[[pl.DataFrame], None] | None = None,
) -> Summary:
    """Score every batch; write predicted anomalies (or every entry with `write_all`).

    `open_export(labels)` opens the writer once it is known whether the input carries
    `anomalous` labels. Bad lines are reported to `err` (stderr) with their `path:line`.
    `read_ahead` batches are read in a thread while the current one is scored, and up to
    `write_behind` scored batches wait for the export's writer thread (0: no thread).
    `on_scored(frame)` sees every scored frame (notifications); it must not block.
    """
    err = err or sys.stderr
    summary = Summary(detector=scorer.detector.name)
    started = time.perf_counter()
    writer: ExportWriter | None = None
    unlabeled_export = False  # opened without `anomalous`: said once if labels come later
    reported = 0

    def take(scored: pl.DataFrame) -> None:
        summary.flagged += int(scored["predicted"].sum())
        if TRACED_COLUMN in scored.columns:
            summary.traced += int(scored[TRACED_COLUMN].sum())
        if evaluation is not None:
            evaluation.update(scored)
        if on_scored is not None:
            on_scored(scored)
        if writer is not None:
            writer.write(scored if write_all else scored.filter(pl.col("predicted")))

    def start_export(labels: bool) -> ExportWriter:
        assert open_export is not None
        opened = open_export(labels)
        try:
            return WriteBehind(opened, write_behind) if write_behind > 0 else opened
        except BaseException:  # e.g. Ctrl-C right now: the export is not ours to abort yet
            opened.abort()
            raise

    source = prefetch(batches, read_ahead) if read_ahead > 0 else iter(batches)
    try:
        for batch in source:
            for bad in batch.bad_samples:
                if reported < BAD_LINE_REPORTS:
                    print(f"logwatch: skipped {bad.where}: {bad.reason}", file=err, flush=True)
                    reported += 1
            summary.bad_lines += batch.bad_lines
            summary.entries += batch.frame.height
            if writer is None and open_export is not None and batch.frame.height:
                writer = start_export(batch.has_labels)
                unlabeled_export = not batch.has_labels
            elif writer is not None and unlabeled_export and (at := _first_labeled(batch)) is not None:
                first = summary.entries - batch.frame.height + at + 1
                print(
                    f"logwatch: note: `anomalous` labels start at entry {first:,}; "
                    "the export's columns were set by the entries before, which had none, so it has no "
                    "`anomalous` column (--eval counts the labels)",
                    file=err, flush=True,
                )
                unlabeled_export = False
            take(scorer.score(batch))
        if writer is None and open_export is not None:
            writer = start_export(False)
        take(scorer.flush())
        if writer is not None:
            writer.close()
            summary.written = writer.rows
            summary.export = str(writer.path)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    summary.threshold = scorer.threshold
    summary.seconds = time.perf_counter() - started
    return summary
