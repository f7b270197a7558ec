"""Generated data: train on seed A, evaluate on seed B, point-wise per component entry."""

from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.quality.bound import SHIFTED_KINDS, pointwise_recall_bound
from bench.quality.common import train_quietly
from logwatch.engine.config import load_config
from logwatch.engine.episodes import format_caught
from logwatch.engine.generate import Simulator, encode_json_lines
from logwatch.training.evaluate_cmd import EvalResult, evaluate_source

DAY_STEPS = 8640
"""A simulated day at the default 10 s step."""


def write_days(path: Path, *, seed: int, days: float, start: datetime) -> Path:
    frame = Simulator(load_config(None), seed=seed, start=start).next_chunk(int(days * DAY_STEPS))
    path.write_bytes(encode_json_lines(frame))
    return path


def run(*, backend: str | None, target_far: float | None, train_days: float, eval_days: float,
        train_seed: int = 1, eval_seed: int = 2) -> tuple[EvalResult, dict]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        train_log = write_days(tmp / "train.jsonl", seed=train_seed, days=train_days, start=datetime(2025, 1, 5))
        eval_log = write_days(tmp / "eval.jsonl", seed=eval_seed, days=eval_days, start=datetime(2025, 2, 5))
        started = time.perf_counter()
        trained = train_quietly(train_log, tmp / "model", backend=backend, target_far=target_far)
        seconds = time.perf_counter() - started
        result = evaluate_source(eval_log, tmp / "model")
    target_far = trained.meta["threshold"]["target_false_alarm_rate"]
    info = {
        "backend": trained.backend, "threshold": trained.threshold, "train_seconds": seconds,
        "train_days": train_days, "eval_days": eval_days, "target_far": target_far,
        "alarms_per_day": trained.meta["threshold"]["alarms_per_day"],
        "train_seed": train_seed, "eval_seed": eval_seed,
        "pointwise_bound": {k: pointwise_recall_bound(load_config(None), k, target_far) for k in SHIFTED_KINDS},
    }
    return result, info


def markdown(result: EvalResult, info: dict) -> str:
    a, z = result.autoencoder, result.zscore
    lines = [
        f"Trained on {info['train_days']:g} simulated day(s) (seed {info['train_seed']}, {info['backend']} backend, "
        f"{info['train_seconds']:.0f} s), evaluated on {info['eval_days']:g} unseen day(s) (seed {info['eval_seed']}, "
        f"{a.total:,} entries); automatic threshold {info['threshold']:.3g} for a target false-alarm rate of "
        f"{info['target_far']:.2g} ({info['alarms_per_day']:.3g} a day per server); z-score at its default threshold {result.zscore_threshold:g}.",
        "",
        "| | autoencoder | z-score |",
        "|---|---:|---:|",
        f"| precision | {a.precision:.3f} | {z.precision:.3f} |",
        f"| recall | {a.recall:.3f} | {z.recall:.3f} |",
        f"| F1 | **{a.f1:.3f}** | {z.f1:.3f} |",
        f"| false positives / true negatives | {a.fp:,} / {a.tn:,} | {z.fp:,} / {z.tn:,} |",
        f"| flagged by trace-back | {a.traced:,} | {z.traced:,} |",
    ]
    ar, zr = a.type_recall(), z.type_recall()
    for kind in sorted(set(ar) | set(zr)):
        n = (a.per_type.get(kind) or z.per_type.get(kind))[1]
        lines.append(f"| recall: {kind} ({n:,} entries) | {ar.get(kind, 0):.3f} | {zr.get(kind, 0):.3f} |")
    ae, ze = a.episodes.per_kind(), z.episodes.per_kind()
    for kind in sorted(set(ae) | set(ze)):
        total = (ae.get(kind) or ze[kind]).total
        lines.append(
            f"| episodes caught (median delay): {kind} ({total}) "
            f"| {format_caught(ae.get(kind))} | {format_caught(ze.get(kind))} |"
        )
    bounds = ", ".join(f"{k} {v:.3f}" for k, v in info["pointwise_bound"].items())
    lines += [
        "",
        f"Best recall any point-wise detector can reach at this rate (it knows each entry's normal "
        f"level exactly; only the config's noise is left; see bench/quality/bound.py): {bounds}.",
    ]
    return "\n".join(lines)
