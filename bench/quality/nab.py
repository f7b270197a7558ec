"""Real data: every NAB AWS file, first 15 % to train, the rest scored against its windows.

Per file: how many labeled anomaly windows got at least one alarm, false alarms per day
(flagged entries outside the windows per day of scored data), and the share of entries
outside the windows that were flagged, to compare with the target false-alarm rate.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from bench.quality.common import train_quietly
from logwatch.engine.bundle import load_bundle
from logwatch.engine.detect import ZScoreDetector
from logwatch.engine.score import Scorer
from logwatch.training.nab import NabFile, nab_files

NAB_FOLDER = Path("/work/shared/data/nab-aws")


@dataclass
class FileResult:
    name: str
    windows: int
    detected: int
    days: float
    false_alarms: int
    outside: int
    z_detected: int
    z_false_alarms: int
    target_far: float
    """The model's own budget: the share of normal steps its threshold was set to flag."""

    @property
    def flagged_share(self) -> float:
        return self.false_alarms / self.outside if self.outside else 0.0

    @property
    def within_budget(self) -> bool:
        return self.flagged_share <= 2 * self.target_far

    @property
    def z_flagged_share(self) -> float:
        return self.z_false_alarms / self.outside if self.outside else 0.0


def _scored(scorer: Scorer, warmup: pl.DataFrame, test: pl.DataFrame) -> pl.DataFrame:
    scorer.detector.fit(warmup)  # same columns as `test`: held entries are concatenated
    return pl.concat([scorer.score(test), scorer.flush()], how="diagonal_relaxed")


def _window_hits(scored: pl.DataFrame, windows: list[tuple[str, str]]) -> int:
    hits = 0
    for start, end in windows:
        inside = scored.filter(
            pl.col("timestamp").is_between(datetime.fromisoformat(start), datetime.fromisoformat(end), closed="both")
        )
        hits += int(inside["predicted"].any()) if inside.height else 0
    return hits


def evaluate_file(
    nab: NabFile, folder: Path, *, backend: str | None, target_far: float | None, adaptive_scale: bool = False
) -> FileResult:
    head = folder / nab.name  # same file name: the engine names the server after it
    nab.train.select("timestamp", "value").write_csv(head, datetime_format="%Y-%m-%d %H:%M:%S")
    model = folder / f"model-{Path(nab.name).stem}"
    trained = train_quietly(head, model, backend=backend, target_far=target_far, adaptive_scale=adaptive_scale)
    from logwatch.engine.detect.autoencoder import AutoencoderDetector

    scored = _scored(Scorer(AutoencoderDetector(load_bundle(model)), trace_back=True), nab.train, nab.test)
    z_scored = _scored(Scorer(ZScoreDetector(), trace_back=True), nab.train, nab.test)
    outside = ~pl.col("anomalous")
    days = (nab.test["timestamp"].max() - nab.test["timestamp"].min()).total_seconds() / 86400
    return FileResult(
        nab.name, len(nab.windows), _window_hits(scored, nab.windows), days,
        scored.filter(outside & pl.col("predicted")).height, scored.filter(outside).height,
        _window_hits(z_scored, nab.windows), z_scored.filter(outside & pl.col("predicted")).height,
        trained.meta["threshold"]["target_false_alarm_rate"],
    )


def run(
    *, backend: str | None, target_far: float | None, adaptive_scale: bool = False, folder: Path = NAB_FOLDER
) -> list[FileResult]:
    with tempfile.TemporaryDirectory() as tmp:
        return [
            evaluate_file(f, Path(tmp), backend=backend, target_far=target_far, adaptive_scale=adaptive_scale)
            for f in nab_files(folder)
        ]


def markdown(results: list[FileResult]) -> str:
    rates = sorted({round(r.target_far, 6) for r in results})
    lines = [
        f"Target false-alarm rate {', '.join(f'{r:g}' for r in rates)} of the steps (budget: the flagged share "
        "outside the windows within twice the target). z-score at its default threshold for comparison.",
        "",
        "| file | windows detected | false alarms / day | flagged outside windows | within 2x target | z-score: detected, false alarms / day |",
        "|---|---:|---:|---:|:---:|---:|",
    ]
    for r in results:
        ok = "yes" if r.within_budget else "no"
        lines.append(
            f"| {r.name} | {r.detected}/{r.windows} | {r.false_alarms / r.days:.1f} | "
            f"{r.flagged_share:.4f} | {ok} | {r.z_detected}/{r.windows}, {r.z_false_alarms / r.days:.1f} |"
        )
    windows = sum(r.windows for r in results)
    flagged = sum(r.false_alarms for r in results)
    outside = sum(r.outside for r in results)
    days = sum(r.days for r in results)
    within = sum(r.within_budget for r in results)
    lines.append(
        f"| **all {len(results)} files** | {sum(r.detected for r in results)}/{windows} | "
        f"{flagged / days:.1f} | {flagged / outside:.4f} | {within}/{len(results)} | "
        f"{sum(r.z_detected for r in results)}/{windows}, {sum(r.z_false_alarms for r in results) / days:.1f} |"
    )
    return "\n".join(lines)
