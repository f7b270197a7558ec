"""Scoring against labels: confusion matrix, precision, recall, F1, recall per anomaly type,
and the episodes of each type caught (see `logwatch.engine.episodes`).

`Evaluation` accumulates over scored frames (so a stream can be evaluated as it goes);
`format_report` renders the `--eval` text. `logwatch eval` (training) reuses both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from logwatch.engine.batch import TRACED_COLUMN
from logwatch.engine.episodes import UNSPECIFIED, EpisodeCounter, format_delay


@dataclass(slots=True)
class Evaluation:
    """Counts over entries that carry an `anomalous` label (others are not counted)."""

    tn: int = 0
    fp: int = 0
    fn: int = 0
    tp: int = 0
    traced: int = 0
    """Flagged entries that were flagged by tracing an alarm back to its start."""
    per_type: dict[str, list[int]] = field(default_factory=dict)
    """anomaly_type -> [detected, total] over labeled-anomalous entries."""
    episodes: EpisodeCounter = field(default_factory=EpisodeCounter)

    def update(self, scored: pl.DataFrame) -> None:
        """Add a scored frame (needs `predicted`; entries without `anomalous` are skipped)."""
        if "anomalous" not in scored.columns or scored.height == 0:
            return
        frame = scored.filter(pl.col("anomalous").is_not_null())
        truth, pred = pl.col("anomalous"), pl.col("predicted").fill_null(False)
        row = frame.select(
            (~truth & ~pred).sum().alias("tn"),
            (~truth & pred).sum().alias("fp"),
            (truth & ~pred).sum().alias("fn"),
            (truth & pred).sum().alias("tp"),
        ).row(0, named=True)
        self.tn += int(row["tn"])
        self.fp += int(row["fp"])
        self.fn += int(row["fn"])
        self.tp += int(row["tp"])
        if TRACED_COLUMN in frame.columns:
            self.traced += int(frame[TRACED_COLUMN].sum())
        if "anomaly_type" in frame.columns:
            kinds = (
                frame.filter(truth)
                .group_by(pl.col("anomaly_type").fill_null(UNSPECIFIED))
                .agg(pred.sum().alias("hit"), pl.len().alias("n"))
            )
            for kind, hit, n in kinds.iter_rows():
                slot = self.per_type.setdefault(str(kind), [0, 0])
                slot[0] += int(hit)
                slot[1] += int(n)
        if {"server", "component", "timestamp"} <= set(frame.columns):
            self.episodes.update(frame)

    @property
    def total(self) -> int:
        return self.tn + self.fp + self.fn + self.tp

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 0 when nothing was flagged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 0 when nothing was anomalous."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def type_recall(self) -> dict[str, float]:
        return {k: (hit / n if n else 0.0) for k, (hit, n) in sorted(self.per_type.items())}

    def as_dict(self) -> dict[str, object]:
        return {
            "tn": self.tn, "fp": self.fp, "fn": self.fn, "tp": self.tp, "traced": self.traced,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "recall_per_type": self.type_recall(),
            "episodes_per_type": {
                kind: {"episodes": e.total, "caught": e.caught, "median_delay_seconds": e.median_delay_s}
                for kind, e in self.episodes.per_kind().items()
            },
        }


def evaluate(scored: pl.DataFrame) -> Evaluation:
    """Evaluate one whole scored frame."""
    ev = Evaluation()
    ev.update(scored)
    return ev


def format_report(ev: Evaluation) -> str:
    """The `--eval` text: confusion matrix, precision/recall/F1, recall per anomaly type."""
    if ev.total == 0:
        return "evaluation: the input has no `anomalous` labels"
    width = max(len(f"{n:,}") for n in (ev.tn, ev.fp, ev.fn, ev.tp, 1))
    lines = [
        f"evaluation over {ev.total:,} labeled entries",
        f"{'':>18}{'predicted normal':>{max(width, 16) + 2}}{'predicted anomaly':>{max(width, 17) + 2}}",
        f"{'actual normal':>18}{f'TN {ev.tn:,}':>{max(width, 16) + 2}}{f'FP {ev.fp:,}':>{max(width, 17) + 2}}",
        f"{'actual anomaly':>18}{f'FN {ev.fn:,}':>{max(width, 16) + 2}}{f'TP {ev.tp:,}':>{max(width, 17) + 2}}",
        f"precision {ev.precision:.3f}  recall {ev.recall:.3f}  F1 {ev.f1:.3f}",
    ]
    if ev.traced:
        lines.append(f"{ev.traced:,} of the flagged entries were traced back from a confirmed alarm")
    if ev.per_type:
        lines.append("recall per anomaly type:")
        for kind, (hit, n) in sorted(ev.per_type.items()):
            lines.append(f"  {kind:<20} {hit / n if n else 0:.3f}  ({hit:,} of {n:,})")
    episodes = ev.episodes.per_kind()
    if episodes:
        lines.append("episodes caught per anomaly type (median delay from the episode's start):")
        for kind, e in episodes.items():
            lines.append(f"  {kind:<20} {e.caught:,} of {e.total:,}  ({format_delay(e.median_delay_s)})")
    return "\n".join(lines)
