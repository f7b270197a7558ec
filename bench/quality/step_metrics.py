"""Point-wise figures per time step, from an `--export --all` of a labeled log.

How the server-metrics data README says to score honestly: a time step is predicted
anomalous when any of its entries is `predicted`; its score is the largest
`score / threshold` among its entries (a step still warming up counts as 0); precision,
recall and F1 are per step, AUC-PR is taken of the step score. Episodes are runs of
consecutive labeled steps; a false alarm is a run of flagged steps that touches no labeled
step. HitRate@150 % (OmniAnomaly) says whether the components with the largest scores at a
labeled step are the ones an operator blamed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Steps:
    """One row per time step of one server, in time order."""

    label: np.ndarray
    """(n,) bool: the step is labeled anomalous."""
    predicted: np.ndarray
    """(n,) bool: some entry of the step was predicted anomalous."""
    score: np.ndarray
    """(n,) float: the largest score / threshold of the step (0 while warming up)."""
    components: tuple[str, ...]
    component_scores: np.ndarray
    """(n, C) float: each component's score at each step (0 where it has none)."""


@dataclass(frozen=True)
class StepFigures:
    precision: float
    recall: float
    f1: float
    auc_pr: float
    best_f1: float
    """The best F1 any threshold on the step score reaches (hindsight: a ceiling, not a result)."""
    flagged_share: float
    labeled_share: float
    episodes: int
    episodes_caught: int
    false_alarms: int
    days: float
    hit_rate: float | None
    """HitRate@150 % over the labeled steps of the episodes with interpretation labels."""
    top1_hit: float | None
    """Share of the flagged labeled steps whose highest-scoring component is a blamed one."""

    @property
    def false_alarms_per_day(self) -> float:
        return self.false_alarms / self.days if self.days else 0.0


def steps_of(export: pl.DataFrame) -> Steps:
    """Group an `--all` export (one server) into time steps."""
    frame = export.with_columns(
        (pl.col("score") / pl.col("threshold")).fill_null(0.0).fill_nan(0.0).alias("_relative"),
        pl.col("score").fill_null(0.0).fill_nan(0.0).alias("_score"),
    )
    by_step = (
        frame.group_by("timestamp")
        .agg(
            pl.col("anomalous").fill_null(False).any().alias("label"),
            pl.col("predicted").fill_null(False).any().alias("predicted"),
            pl.col("_relative").max().alias("score"),
        )
        .sort("timestamp")
    )
    components = tuple(sorted(frame["component"].unique().to_list()))
    wide = (
        frame.pivot(on="component", index="timestamp", values="_score", aggregate_function="max")
        .sort("timestamp")
        .select("timestamp", *components)
        .fill_null(0.0)
    )
    return Steps(
        by_step["label"].to_numpy(),
        by_step["predicted"].to_numpy(),
        by_step["score"].to_numpy(),
        components,
        wide.select(components).to_numpy(),
    )


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True as (first, last) indices, inclusive."""
    padded = np.concatenate([[False], flags.astype(bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b) - 1) for a, b in zip(edges[0::2], edges[1::2])]


def average_precision(label: np.ndarray, score: np.ndarray) -> float:
    """Area under the precision-recall curve as average precision (ties broken together)."""
    if not label.any():
        return float("nan")
    order = np.argsort(-score, kind="stable")
    s, y = score[order], label[order].astype(np.float64)
    last_of_tie = np.concatenate([s[1:] != s[:-1], [True]])
    tp = np.cumsum(y)[last_of_tie]
    seen = (np.arange(len(s)) + 1)[last_of_tie]
    precision = tp / seen
    recall_gain = np.diff(np.concatenate([[0.0], tp])) / y.sum()
    return float(np.sum(precision * recall_gain))


def best_f1(label: np.ndarray, score: np.ndarray) -> float:
    """The largest F1 over every threshold on `score` (hindsight)."""
    if not label.any():
        return float("nan")
    order = np.argsort(-score, kind="stable")
    s, y = score[order], label[order]
    last_of_tie = np.concatenate([s[1:] != s[:-1], [True]])
    tp = np.cumsum(y)[last_of_tie]
    flagged = (np.arange(len(s)) + 1)[last_of_tie]
    f1 = 2 * tp / (flagged + y.sum())
    return float(f1.max())


def hit_rates(
    steps: Steps, episodes: list[tuple[int, int, list[int]]], ratio: float = 1.5
) -> tuple[float | None, float | None]:
    """(HitRate@ratio, top-1 hit on flagged steps) over the labeled steps of `episodes`
    ((first, last, blamed component indices), 0-based steps and components)."""
    hits, top1 = [], []
    for first, last, blamed in episodes:
        if not blamed:
            continue
        truth = set(blamed)
        k = int(np.floor(ratio * len(truth)))
        for i in range(first, min(last, len(steps.label) - 1) + 1):
            scores = steps.component_scores[i]
            if not scores.any():
                continue  # still warming up: nothing was named
            ranked = np.argsort(-scores, kind="stable")
            hits.append(len(truth & set(ranked[:k].tolist())) / len(truth))
            if steps.predicted[i]:
                top1.append(int(ranked[0]) in truth)
    return (float(np.mean(hits)) if hits else None, float(np.mean(top1)) if top1 else None)


def figures(steps: Steps, step_seconds: float, interpretation: list[tuple[int, int, list[int]]]) -> StepFigures:
    """Every figure of one entity."""
    label, predicted = steps.label, steps.predicted
    tp = int(np.sum(label & predicted))
    precision = tp / int(predicted.sum()) if predicted.any() else 0.0
    recall = tp / int(label.sum()) if label.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    labeled_runs = runs(label)
    caught = sum(bool(predicted[a : b + 1].any()) for a, b in labeled_runs)
    false_alarms = sum(not label[a : b + 1].any() for a, b in runs(predicted))
    hit, top1 = hit_rates(steps, interpretation)
    return StepFigures(
        precision, recall, f1, average_precision(label, steps.score), best_f1(label, steps.score),
        float(predicted.mean()), float(label.mean()), len(labeled_runs), caught, false_alarms,
        len(label) * step_seconds / 86_400, hit, top1,
    )


def read_interpretation(text: str, components: tuple[str, ...]) -> list[tuple[int, int, list[int]]]:
    """Parse `first-last:c1,c2,...` lines (1-based test lines and components) into
    (first, last, component indices) with 0-based steps, and indices into `components`
    (named `m01`, `m02`, ... as `to_logs.py` writes them)."""
    index = {name: i for i, name in enumerate(components)}
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        span, _, blamed = line.strip().partition(":")
        first, _, last = span.partition("-")
        names = [f"m{int(c):02d}" for c in blamed.split(",") if c.strip()]
        out.append((int(first) - 1, int(last) - 1, [index[n] for n in names if n in index]))
    return out
