"""NAB real-data files (timestamp,value CSV + windows.json) as labeled logwatch batches.

Each CSV becomes one server (the file's stem) with one component `value` (the engine's
parser reads `timestamp,value` files that way); an entry is anomalous
when its timestamp falls inside one of the file's labeled windows (inclusive). NAB's
convention: the first 15 % of each file is the probationary (training) period.
"""

from __future__ import annotations

import json
from datetime import datetime
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from logwatch.engine.batch import conform, empty_frame
from logwatch.engine.errors import UserError
from logwatch.engine.parse import read_batches

PROBATION = 0.15
"""Share of each file used for training (NAB's probationary period)."""

@dataclass(frozen=True)
class NabFile:
    """One NAB series split into its training head and scoring tail."""

    name: str
    train: pl.DataFrame
    test: pl.DataFrame
    windows: list[tuple[str, str]]


def load_windows(folder: Path) -> dict[str, list[list[str]]]:
    path = Path(folder) / "windows.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise UserError(f"{path}: cannot read anomaly windows ({error})") from None


def read_nab(csv: Path, windows: list[list[str]]) -> pl.DataFrame:
    """The file, read by the engine's parser, with `anomalous` / `anomaly_type` from the
    windows (a row inside a window is anomalous)."""
    frames = [batch.frame for batch in read_batches(csv)]
    frame = pl.concat(frames) if frames else empty_frame()
    inside = pl.lit(False)
    for start, end in windows:
        inside = inside | pl.col("timestamp").is_between(_stamp(start), _stamp(end), closed="both")
    frame = frame.with_columns(
        anomalous=inside,
        anomaly_type=pl.when(inside).then(pl.lit("labeled_window")).otherwise(None),
    )
    return conform(frame)


def nab_files(folder: Path) -> list[NabFile]:
    """Every CSV in `folder`, split at the probationary boundary."""
    folder = Path(folder)
    windows = load_windows(folder)
    out = []
    for csv in sorted(folder.glob("*.csv")):
        frame = read_nab(csv, windows.get(csv.name, []))
        cut = int(frame.height * PROBATION)
        out.append(
            NabFile(csv.name, frame[:cut], frame[cut:], [tuple(w) for w in windows.get(csv.name, [])])
        )
    return out


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)
