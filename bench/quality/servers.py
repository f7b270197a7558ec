"""Real server metrics (SMD machines, ASD application servers): per entity, train on the
train split and score the test split through the commands users run.

1. `to_logs.py` (shipped with the data) converts the matrices into logwatch logs, once,
   into the ignored cache `bench/out/server-metrics/`.
2. `logwatch train <entity>.train.jsonl.gz --out MODEL` (train split only: no labels).
3. `logwatch tui <entity>.test.jsonl.gz --export scored.parquet --all --model MODEL`.
4. The export is grouped into time steps and scored point-wise (`step_metrics`).

Nothing here looks at the test labels before the figures are computed: the threshold is
the one `logwatch train` chose.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from bench.quality.step_metrics import StepFigures, figures, read_interpretation, steps_of

DATA = Path("/work/shared/data/server-metrics")
CACHE = Path(__file__).resolve().parents[1] / "out" / "server-metrics"
STEP_SECONDS = {"SMD": 60, "ASD": 300}
REFERENCE = {
    # Mean point-wise F1 on the whole data sets (the data README): at a train-split 99th
    # percentile threshold / at the best threshold in hindsight.
    "SMD": {"robust z-score": (0.21, 0.51), "dense window autoencoder": (0.26, 0.63)},
    "ASD": {"robust z-score": (0.14, 0.23), "dense window autoencoder": (0.34, 0.44)},
}


@dataclass(frozen=True)
class EntityResult:
    dataset: str
    entity: str
    figures: StepFigures
    threshold: float
    train_seconds: float
    score_seconds: float


def logwatch() -> list[str]:
    """The installed `logwatch` command of this interpreter's environment."""
    return [str(Path(sys.executable).with_name("logwatch"))]


def converted(dataset: str, data: Path = DATA, cache: Path = CACHE) -> list[str]:
    """Entities of `dataset`, converted to logs in `cache` when not there yet."""
    entities = sorted(p.name.removesuffix(".txt.gz") for p in (data / dataset / "test").glob("*.txt.gz"))
    missing = [e for e in entities if not (cache / dataset / f"{e}.test.jsonl.gz").exists()]
    if missing:
        print(f"converting {dataset} into {cache} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(data / "to_logs.py"), str(cache), dataset], check=True,
                       stdout=subprocess.DEVNULL)
    return entities


def _run(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def evaluate_entity(
    dataset: str, entity: str, *, backend: str | None, train_args: list[str] = (), reuse: bool = False,
    data: Path = DATA, cache: Path = CACHE, tag: str = "default",
) -> EntityResult:
    logs = cache / dataset
    model = cache / "models" / tag / entity
    train_seconds = 0.0
    if not (reuse and (model / "model.json").exists()):
        command = [*logwatch(), "train", str(logs / f"{entity}.train.jsonl.gz"), "--out", str(model)]
        if backend:
            command += ["--backend", backend]
        train_seconds = _run(command + list(train_args))
    scored = cache / "scored" / tag / f"{entity}.parquet"
    scored.parent.mkdir(parents=True, exist_ok=True)
    score_seconds = _run([*logwatch(), "tui", str(logs / f"{entity}.test.jsonl.gz"), "--export", str(scored),
                          "--all", "--model", str(model)])
    export = pl.read_parquet(scored)
    steps = steps_of(export)
    with gzip.open(data / dataset / "interpretation_label" / f"{entity}.txt.gz", "rt") as f:
        blamed = read_interpretation(f.read(), steps.components)
    threshold = json.loads((model / "model.json").read_text())["threshold"]["value"]
    return EntityResult(dataset, entity, figures(steps, STEP_SECONDS[dataset], blamed), threshold,
                        train_seconds, score_seconds)


def run(
    *, backend: str | None, datasets: tuple[str, ...] = ("SMD", "ASD"), entities: tuple[str, ...] = (),
    train_args: list[str] = (), reuse: bool = False, tag: str = "default",
) -> list[EntityResult]:
    results = []
    for dataset in datasets:
        for entity in converted(dataset):
            if entities and entity not in entities:
                continue
            print(f"{dataset} {entity} ...", file=sys.stderr, flush=True)
            result = evaluate_entity(dataset, entity, backend=backend, train_args=train_args, reuse=reuse, tag=tag)
            f = result.figures
            print(f"  F1 {f.f1:.3f} P {f.precision:.3f} R {f.recall:.3f} AUC-PR {f.auc_pr:.3f} "
                  f"best F1 {f.best_f1:.3f} flagged {f.flagged_share:.3f} labeled {f.labeled_share:.3f}",
                  file=sys.stderr, flush=True)
            results.append(result)
    out = CACHE / f"results-{tag}.json"
    out.write_text(json.dumps([{**asdict(r), "figures": asdict(r.figures)} for r in results], indent=1))
    return results


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(results: list[EntityResult]) -> str:
    lines = [
        "| entity | precision | recall | **F1** | AUC-PR | best F1 (hindsight) | steps flagged / labeled "
        "| episodes caught | false alarms / day | HitRate@150% | top-1 blamed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, group: list[EntityResult], bold: bool = False) -> str:
        figs = [r.figures for r in group]
        mean = lambda attr: _mean([getattr(f, attr) for f in figs])  # noqa: E731
        b = "**" if bold else ""
        return (
            f"| {b}{name}{b} | {_fmt(mean('precision'))} | {_fmt(mean('recall'))} | {b}{_fmt(mean('f1'))}{b} "
            f"| {_fmt(mean('auc_pr'))} | {_fmt(mean('best_f1'))} "
            f"| {100 * mean('flagged_share'):.1f} % / {100 * mean('labeled_share'):.1f} % "
            f"| {sum(f.episodes_caught for f in figs)}/{sum(f.episodes for f in figs)} "
            f"| {_mean([f.false_alarms_per_day for f in figs]):.1f} "
            f"| {_fmt(mean('hit_rate'))} | {_fmt(mean('top1_hit'))} |"
        )

    for dataset in dict.fromkeys(r.dataset for r in results):
        group = [r for r in results if r.dataset == dataset]
        lines += [row(f"{dataset} {r.entity}", [r]) for r in group]
        lines.append(row(f"{dataset} mean of {len(group)}", group, bold=True))
    lines += ["", "Published reference figures (mean point-wise F1 on the whole data sets, the data README: "
              "at a train-split 99th-percentile threshold / best threshold in hindsight):"]
    for dataset in dict.fromkeys(r.dataset for r in results):
        refs = "; ".join(f"{name} {a:.2f} / {b:.2f}" for name, (a, b) in REFERENCE[dataset].items())
        lines.append(f"- {dataset}: {refs}.")
    return "\n".join(lines)
