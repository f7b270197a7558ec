"""`logwatch eval SOURCE --model DIR`: the bundle's autoencoder against the z-score baseline
on labeled logs it has never seen.

Both detectors score the same stream through the engine's `Scorer`; the engine's
`Evaluation` counts the confusion matrix and recall per anomaly type for each. The
autoencoder's scores are kept to draw `unseen_data_errors.png`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from logwatch.engine.bundle import default_model_dir, load_bundle
from logwatch.engine.episodes import format_caught
from logwatch.engine.errors import UserError
from logwatch.engine.evaluate import Evaluation
from logwatch.engine.parse import read_batches
from logwatch.engine.score import Scorer, parse_threshold
from logwatch.engine.text import visible
from logwatch.training import charts


@dataclass
class EvalResult:
    """Evaluations of both detectors plus the autoencoder's scores and labels."""

    autoencoder: Evaluation
    zscore: Evaluation
    threshold: float
    zscore_threshold: float
    scores: np.ndarray
    labels: np.ndarray
    entries: int
    bad_lines: int


def evaluate_source(
    source: str | Path, model_dir: str | Path, threshold: float | None = None, *, trace_back: bool = True
) -> EvalResult:
    """Score `source` with the bundle at `model_dir` and with z-score; count both. With
    `trace_back` (as the export does), confirmed alarms are traced back to their start."""
    from logwatch.engine.detect import ZScoreDetector
    from logwatch.engine.detect.autoencoder import AutoencoderDetector

    bundle = load_bundle(model_dir)
    scorers = {
        "autoencoder": Scorer(AutoencoderDetector(bundle), threshold, trace_back=trace_back),
        "zscore": Scorer(ZScoreDetector(), trace_back=trace_back),
    }
    evaluations = {name: Evaluation() for name in scorers}
    scores: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    entries = bad = 0
    labeled = False

    def take(name: str, scored: pl.DataFrame) -> None:
        evaluations[name].update(scored)
        if name == "autoencoder" and "anomalous" in scored.columns:
            keep = scored.filter(pl.col("score").is_not_null())
            scores.append(keep["score"].to_numpy())
            labels.append(keep["anomalous"].fill_null(False).to_numpy())

    for batch in read_batches(source):
        entries += batch.frame.height
        bad += batch.bad_lines
        labeled = labeled or batch.has_labels
        for name, scorer in scorers.items():
            take(name, scorer.score(batch))
    for name, scorer in scorers.items():
        take(name, scorer.flush())
    if not labeled:
        raise UserError(f"{source}: no `anomalous` labels to evaluate against (generate labeled logs with `logwatch generate`)")
    return EvalResult(
        evaluations["autoencoder"], evaluations["zscore"], scorers["autoencoder"].threshold,
        scorers["zscore"].threshold,
        np.concatenate(scores) if scores else np.zeros(0),
        np.concatenate(labels) if labels else np.zeros(0, bool),
        entries, bad,
    )


def format_side_by_side(result: EvalResult) -> str:
    """Confusion matrix, precision/recall/F1 and recall per anomaly type, both detectors."""
    a, z = result.autoencoder, result.zscore
    rows = [
        ("true negatives", f"{a.tn:,}", f"{z.tn:,}"),
        ("false positives", f"{a.fp:,}", f"{z.fp:,}"),
        ("false negatives", f"{a.fn:,}", f"{z.fn:,}"),
        ("true positives", f"{a.tp:,}", f"{z.tp:,}"),
        ("precision", f"{a.precision:.3f}", f"{z.precision:.3f}"),
        ("recall", f"{a.recall:.3f}", f"{z.recall:.3f}"),
        ("F1", f"{a.f1:.3f}", f"{z.f1:.3f}"),
        ("flagged by trace-back", f"{a.traced:,}", f"{z.traced:,}"),
    ]
    kinds = sorted(set(a.per_type) | set(z.per_type))
    if kinds:
        rows.append(("recall per anomaly_type", "", ""))
        ar, zr = a.type_recall(), z.type_recall()
        for kind in kinds:
            n = (a.per_type.get(kind) or z.per_type.get(kind) or [0, 0])[1]
            rows.append((f"  {visible(kind)} ({n:,})", f"{ar.get(kind, 0):.3f}", f"{zr.get(kind, 0):.3f}"))
        ae, ze = a.episodes.per_kind(), z.episodes.per_kind()
        rows.append(("episodes caught (median delay)", "", ""))
        for kind in sorted(set(ae) | set(ze)):
            total = (ae.get(kind) or ze[kind]).total
            rows.append((f"  {visible(kind)} ({total:,})", format_caught(ae.get(kind)), format_caught(ze.get(kind))))
    width = max(len(r[0]) for r in rows) + 2
    head = f"{'':<{width}}{'autoencoder':>13}{'z-score':>13}"
    lines = [
        f"evaluated {a.total:,} labeled entries ({result.bad_lines} bad lines skipped); "
        f"autoencoder threshold {result.threshold:.4g}, z-score threshold {result.zscore_threshold:.4g}",
        head,
    ]
    lines += [f"{name:<{width}}{left:>13}{right:>13}" for name, left, right in rows]
    return "\n".join(lines)


def run_eval(args: argparse.Namespace) -> int:
    model = Path(args.model).expanduser() if args.model else default_model_dir()
    threshold = None if args.threshold is None else parse_threshold(args.threshold)
    result = evaluate_source(args.source, model, threshold, trace_back=not args.no_trace_back)
    print(format_side_by_side(result))
    folder = Path(args.charts).expanduser() if args.charts else model / "charts"
    if result.scores.size:
        path = charts.error_distribution(
            result.scores, result.threshold, folder / charts.UNSEEN_DATA_ERRORS,
            title=f"Anomaly scores on {Path(str(args.source)).name}", anomalous=result.labels,
        )
        print(f"wrote {path}")
    return 0
