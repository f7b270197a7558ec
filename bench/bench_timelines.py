"""The streaming windower when a log goes back in time, against the same entries in order.

On a 200,000-entry generated file (40,000 with --quick), in the same run, pushed in batches
of 10,000 entries:
- in order (the reference);
- replayed: the second half is the first half again (one rewind per server);
- in turn: the steps of the file's two halves alternate (every step switches timelines, a
  switch per server per step), as when two writers with different clocks share one log.
The aim is a cost per entry within a small factor of the in-order one in every case: the
switches are found by one linear scan and all timelines are windowed in one pass.

Recorded (2 shared cores, busy): before the linear scan (2707d92, 40,000 entries) the in-turn
case ran at about 400 entries/s, 1,500-2,400x the in-order cost (each switch re-joined the
rest of the batch). After (a8e185e, 200,000 entries): in order 424k-800k entries/s as
before, replayed 1.0-1.3x, in turn 2.5-3.7x the in-order cost.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.logs import generate
from bench.table import Row

BATCH = 10_000


def _window_all(frame, spec, scaling, grid) -> float:  # noqa: ANN001
    """Wall seconds to window `frame` batch by batch, flush included."""
    from logwatch.engine.window import StreamWindower

    windower = StreamWindower(spec, scaling, grid)
    started = time.perf_counter()
    for start in range(0, frame.height, BATCH):
        windower.push(frame.slice(start, BATCH))
    windower.flush()
    return time.perf_counter() - started


def run(quick: bool) -> list[Row]:
    import polars as pl

    from logwatch.engine.parse import read_batches
    from logwatch.engine.window import FeatureSpec, align, discover_components, fit_scaling

    entries = 40_000 if quick else 200_000
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "logs.jsonl"
        generate(log, entries, seed=3)
        frame = pl.concat([b.frame for b in read_batches(log)])
    spec = FeatureSpec(discover_components(frame))
    grid, rows = align(frame, spec)
    scaling = fit_scaling(rows, spec.components)
    half = frame.height // 2
    first, second = frame.head(half), frame.slice(half, half)
    replayed = pl.concat([first, first])
    steps = grid.step_ids(pl.col("timestamp"))
    turn = pl.concat([part.with_columns((steps.rank("dense") * 2 + i).alias("_turn"))
                      for i, part in enumerate((second, first))])
    in_turn = turn.sort("_turn", maintain_order=True).drop("_turn")
    cases = (("in order", frame), ("replayed", replayed), ("in turn", in_turn))
    seconds = {name: _window_all(data, spec, scaling, grid) for name, data in cases}
    out = []
    for name, data in cases:
        rate = data.height / seconds[name]
        out.append(Row(f"windower, {name}", rate, "entries/s", f"{data.height:,} entries, batches of {BATCH:,}"))
        if name != "in order":
            out.append(Row(f"windower, {name} / in order", seconds[name] / data.height
                           / (seconds["in order"] / frame.height), "x", "cost per entry, same run"))
    return out
