"""The unit that travels from parsing to scoring: a polars frame of entries plus bad-line counts.

Every stage after parsing can rely on the frame's schema: columns in the order of `SCHEMA`,
`timestamp` naive UTC in microseconds, `value` finite. `anomalous` and `anomaly_type` are
present only when the input carried labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

REQUIRED_COLUMNS: tuple[str, ...] = ("timestamp", "server", "component", "value")
"""Columns every entry has."""

LABEL_COLUMNS: tuple[str, ...] = ("anomalous", "anomaly_type")
"""Optional columns: the ground truth of labeled (e.g. generated) logs."""

SCHEMA: dict[str, pl.DataType] = {
    "timestamp": pl.Datetime("us"),
    "server": pl.String(),
    "component": pl.String(),
    "value": pl.Float64(),
    "anomalous": pl.Boolean(),
    "anomaly_type": pl.String(),
}
"""Column order and types of `Batch.frame` (label columns only when present)."""

SCORE_SCHEMA: dict[str, pl.DataType] = {
    "score": pl.Float64(),
    "threshold": pl.Float64(),
    "predicted": pl.Boolean(),
    "reason": pl.String(),
    "expected": pl.Float64(),
}
"""Columns a detector appends to a batch frame (`expected` is for display, not exported)."""

TRACED_COLUMN = "traced"
"""Boolean a tracing Scorer appends: flagged only because a confirmed alarm was traced back
to it (`logwatch.engine.detect.onset`)."""

MAX_BAD_SAMPLES = 5
"""How many bad lines a batch remembers by place (all of them are counted)."""


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that could not be read: `where` is `path:line`, `reason` says why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(slots=True)
class Batch:
    """Parsed entries in input order plus the lines that were skipped."""

    frame: pl.DataFrame
    bad_lines: int = 0
    bad_samples: list[BadLine] = field(default_factory=list)

    @property
    def has_labels(self) -> bool:
        return "anomalous" in self.frame.columns

    def __len__(self) -> int:
        return self.frame.height


def empty_frame(labels: bool = False) -> pl.DataFrame:
    """A frame with no rows and the batch schema."""
    cols = REQUIRED_COLUMNS + (LABEL_COLUMNS if labels else ())
    return pl.DataFrame(schema={c: SCHEMA[c] for c in cols})


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast `frame` to the batch schema (label columns kept only when present)."""
    cols = [c for c in SCHEMA if c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise ValueError(f"batch frame lacks columns {missing}")
    if "anomaly_type" in cols and "anomalous" not in cols:
        cols.remove("anomaly_type")
    return frame.select(pl.col(c).cast(SCHEMA[c]) for c in cols)

