"""Training data: a log of any size read with the engine's parser, sampled to a budget.

Windows need consecutive steps, so sampling never picks single entries: the input is cut
into blocks of consecutive entries and, when there are too many, every other block is
dropped (repeatedly). One pass, bounded memory, and the kept blocks stay spread evenly over
the whole log, so daily patterns late in a long file are still learned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from logwatch.engine.batch import conform
from logwatch.engine.errors import UserError
from logwatch.engine.parse import read_batches

BLOCKS = 16
"""Blocks kept at most when sampling (each is max_entries / BLOCKS consecutive entries)."""


@dataclass(frozen=True)
class TrainingData:
    """The entries training will use and where they came from."""

    frame: pl.DataFrame
    """Batch frame (input order) of the kept entries."""
    total_entries: int
    """Entries read from the source (before sampling)."""
    bad_lines: int
    source: str

    @property
    def sampled(self) -> bool:
        return self.frame.height < self.total_entries

    def fingerprint(self) -> str:
        """sha256 of the kept entries (stable across runs and platforms)."""
        digest = hashlib.sha256()
        f = self.frame
        digest.update(f["timestamp"].cast(pl.Int64).to_numpy().tobytes())
        digest.update(f["value"].to_numpy().tobytes())
        for column in ("server", "component"):
            digest.update("\n".join(f[column].to_list()).encode())
        return "sha256:" + digest.hexdigest()


def read_training_data(source: str | Path, max_entries: int) -> TrainingData:
    """Read `source` to its end keeping at most about `max_entries` entries (between half
    and all of them when the log is larger)."""
    block_size = max(1, max_entries // BLOCKS)
    blocks: list[pl.DataFrame] = []
    stride = 1  # keep every `stride`-th block of the input
    index = 0  # index of the next input block
    current: list[pl.DataFrame] = []
    current_rows = total = bad = 0
    for batch in read_batches(source):
        bad += batch.bad_lines
        frame = batch.frame
        total += frame.height
        while frame.height:
            take = frame.slice(0, block_size - current_rows)
            frame = frame.slice(take.height)
            current.append(take)
            current_rows += take.height
            if current_rows == block_size:
                if index % stride == 0:
                    blocks.append(pl.concat(current))
                current, current_rows, index = [], 0, index + 1
                if len(blocks) > BLOCKS:
                    blocks, stride = blocks[::2], stride * 2
    if current and index % stride == 0:
        blocks.append(pl.concat(current))
    if not blocks:
        raise UserError(f"{source}: no usable log entries ({bad} bad lines)")
    # Diagonal: a chunk without any label keys lacks the label columns the others have.
    frame = pl.concat(blocks, how="diagonal_relaxed")
    if "anomalous" in frame.columns:
        frame = frame.with_columns(pl.col("anomalous").fill_null(False))
    frame = conform(frame)
    if frame.height == 0:
        raise UserError(f"{source}: no usable log entries ({bad} bad lines)")
    return TrainingData(frame, total, bad, str(source))
