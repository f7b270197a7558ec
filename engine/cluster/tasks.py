"""What runs on Ray workers: one file read by logwatch's reader, one server's entries scored.

Both are plain functions of the engine (no Ray in them but `ray.get` of the shipped bundle),
so the same code scores locally and on a cluster; only where it runs changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from logwatch.engine.batch import MAX_BAD_SAMPLES, SCHEMA, TRACED_COLUMN, BadLine
from logwatch.engine.export.columns import EXPORT_COLUMNS
from logwatch.engine.parse import read_batches
from logwatch.engine.score import Scorer
from logwatch.engine.window import StepGrid, infer_grid

ORDER = ("_file", "_row")
"""Columns a read adds: the file's place in SOURCE and the entry's place in the file, so a
server's entries with equal timestamps keep the order a local read gives them."""

LABELS = {"anomalous": pl.Boolean(), "anomaly_type": pl.String()}


@dataclass(slots=True)
class FileRead:
    """What reading one file found (the entries themselves stay in Ray's object store)."""

    entries: int = 0
    bad_lines: int = 0
    bad_samples: list[BadLine] = field(default_factory=list)
    labels: bool | None = None
    """Whether the file's first entries carried `anomalous` labels (None: no entries)."""
    grid: StepGrid | None = None
    """The time steps learned from the file's first entries (only with `step_seconds`)."""
    servers: set[str] = field(default_factory=set)


def read_file(index: int, path: str, shown: str, step_seconds: float | None) -> tuple[Any, FileRead]:
    """Entries of `path` (absolute: a worker's folder is not the command's) as one Arrow
    table (label columns always, null when absent, plus ORDER) and what the read found.
    Bad lines and UserError name the file as `shown`, as a local read does."""
    found = FileRead()
    frames = []
    for batch in read_batches(path, shown=shown):
        found.bad_lines += batch.bad_lines
        found.bad_samples += batch.bad_samples[: MAX_BAD_SAMPLES - len(found.bad_samples)]
        if batch.frame.height == 0:
            continue
        if found.labels is None:
            found.labels = batch.has_labels
            if step_seconds is not None:  # what the local scorer learns its grid from
                found.grid = infer_grid(batch.frame, step_seconds)
        frames.append(batch.frame)
    frame = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame(schema=SCHEMA)
    found.entries = frame.height
    found.servers = set(frame["server"].unique())
    missing = [pl.lit(None, t).alias(c) for c, t in LABELS.items() if c not in frame.columns]
    frame = frame.with_columns(*missing).select(*SCHEMA).with_columns(
        pl.lit(index, pl.Int32).alias("_file"), pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"))
    return frame.to_arrow(), found


@dataclass(frozen=True, slots=True)
class ScorePlan:
    """How every server is scored: the same for all of them, sent with each task."""

    detector: str
    """"zscore" or "autoencoder"."""
    threshold: float
    trace_back: bool
    bundle: Any = None
    """With the autoencoder: an ObjectRef to the bundle's files (`shipped.pack_bundle`)."""
    grid: StepGrid | None = None


SCORED_COLUMNS = (*EXPORT_COLUMNS, "anomalous", TRACED_COLUMN)


def score_server(table: Any, plan: ScorePlan) -> Any:
    """One server's entries (an Arrow table from `read_file`), sorted by time (ties in read
    order) and scored from the start by a fresh Scorer: the export's columns and `traced`."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.sort("timestamp", *ORDER).drop(*ORDER)
    scorer = Scorer(_detector(plan), plan.threshold, trace_back=plan.trace_back)
    scored = pl.concat([scorer.score(frame), scorer.flush()], how="diagonal_relaxed")
    if TRACED_COLUMN not in scored.columns:
        scored = scored.with_columns(pl.lit(False).alias(TRACED_COLUMN))
    return scored.select(SCORED_COLUMNS).to_arrow()


def _detector(plan: ScorePlan):  # -> Detector
    if plan.detector == "zscore":
        from logwatch.engine.detect.zscore import ZScoreDetector

        return ZScoreDetector()
    import ray

    from logwatch.engine.cluster.shipped import unpack_bundle
    from logwatch.engine.detect.autoencoder import AutoencoderDetector

    bundle = unpack_bundle(plan.bundle.hex(), lambda: ray.get(plan.bundle))
    return AutoencoderDetector(bundle, grid=plan.grid)


def count_flags(table: Any) -> tuple[int, int]:
    """(predicted, traced) rows of a block of scored rows."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return int(frame["predicted"].sum()), int(frame[TRACED_COLUMN].sum())
