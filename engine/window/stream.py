"""The streaming windower used by scoring: entries in, complete windows out, state kept.

A step of a server is final as soon as every known component has a value for it, when a
later step of that server (on the same timeline) begins, when the stream has gone
`STALE_STEPS` further since the step's first entry, or at `flush()`. Entries of a step wait
(are *held*) until the step is final, so features never depend on where the input was cut
into batches.
An entry for a step that is already final arrives too late to change it: it comes out
with `late = true` and no window. An entry far behind its server's newest step (a replay,
a rotated-in older file) starts a new timeline instead (see `timeline`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from logwatch.engine.batch import empty_frame
from logwatch.engine.window.features import joined_scaling, window_features
from logwatch.engine.window.grid import StepGrid, infer_grid
from logwatch.engine.window.rows import Rows, extend_rows, pivot_steps
from logwatch.engine.window.spec import FeatureSpec, Scaling
from logwatch.engine.window.timeline import CURRENT, Timelines, timelines


@dataclass(slots=True)
class Windows:
    """What one push produced."""

    entries: pl.DataFrame
    """Entries whose step is final, plus `step` (Int64), `late` (Boolean) and `row` (Int64:
    the entry's feature row in `x`, null when it has none). Held entries come first, then
    this push's in arrival order: an entry held back by one push comes out after entries
    that arrived later, so the order of a whole run depends on where it was cut."""
    server: np.ndarray
    """Server of each feature row (object array)."""
    step: np.ndarray
    """Step of each feature row (int64)."""
    x: np.ndarray
    """(n, dim) float32 features."""
    center: np.ndarray
    """(n, C) the scaling center used for each row (to turn predictions back into units)."""
    scale: np.ndarray
    """(n, C) the scaling scale used for each row."""


def _rows_frame(keys: list[pl.DataFrame]) -> pl.DataFrame:
    frame = pl.concat(keys) if keys else pl.DataFrame(schema={"_track": pl.String, "step": pl.Int64})
    return frame.with_row_index("row").select("_track", "step", pl.col("row").cast(pl.Int64))


def _track(server: str, timeline: int) -> str:
    """The history key of one of a server's timelines (its current one is the server's name)."""
    return server if timeline == CURRENT else f"{server}\x1f{timeline}"


def _concat_rows(a: Rows, b: Rows) -> Rows:
    return Rows(
        np.concatenate([a.steps, b.steps]),
        np.vstack([a.values, b.values]),
        np.concatenate([a.position, b.position]),
    )


STALE_STEPS = 2
"""A server's newest step waits for all its components, but only until the stream (any
server) has gone this many steps further since the step's first entry arrived: a server that
stopped mid-step, or never sends some components, must not have its last entries held back
forever. Counted from the arrival, not from the step itself, so a server whose clock runs
behind the others is not cut off at every batch; an entry arriving later than that is late
wherever the input was cut."""


class StreamWindower:
    """Turns a stream of entry frames into feature windows, one server history at a time."""

    def __init__(self, spec: FeatureSpec, scaling: Scaling, grid: StepGrid | None = None) -> None:
        self.spec = spec
        self.scaling = scaling
        self.grid = grid
        self._held: pl.DataFrame | None = None
        self._history: dict[str, Rows] = {}
        self._parked: dict[str, list[Rows]] = {}
        """Per server, the timelines it left (most recent first; see `timeline`)."""
        self._stream_max: int | None = None
        """The newest step of any server so far."""
        self.rewind_steps = spec.window
        """How far behind its server's newest step an entry starts a new timeline: beyond a
        window it could not be part of any window still to come."""

    @property
    def held(self) -> int:
        """Entries waiting for their step to become final."""
        return 0 if self._held is None else self._held.height

    def push(self, frame: pl.DataFrame) -> Windows:
        """Add entries (Batch frame schema); return the entries and windows now final."""
        if self.grid is None:
            if frame.height == 0:
                return self._empty(frame)
            self.grid = infer_grid(frame, self.spec.step_seconds)
        stepped = frame.with_columns(self.grid.step_ids(pl.col("timestamp")))
        # `_seen`: how far the stream (any server) had gone when the entry arrived.
        seen = stepped["step"].cum_max()
        if self._stream_max is not None:
            seen = seen.clip(lower_bound=self._stream_max)
        stepped = stepped.with_columns(seen.alias("_seen"))
        if stepped.height:
            self._stream_max = int(seen[-1])
        held = self._held
        # Held rows and new ones may come from batches that differ in label columns.
        pool = stepped if held is None or held.height == 0 else pl.concat([held, stepped], how="diagonal_relaxed")
        if pool.height == 0:
            return self._empty(frame)
        # The newest step of each of a server's timelines waits for its other components.
        found = self._timelines(pool)
        track = ["server"]
        if found.timeline is not None:
            pool = pool.with_columns(pl.Series("_timeline", found.timeline))
            track.append("_timeline")
        known = pl.col("component").is_in(list(self.spec.components))
        at_max = pl.col("step") == pl.col("step").max().over(track)
        n_at_max = pl.col("component").filter(at_max & known).n_unique().over(track)
        stale = self._stream_max - pl.col("_seen").first().over([*track, "step"]) >= STALE_STEPS
        final = ~at_max | (n_at_max == self.spec.n_components) | stale
        mask = pool.select(final.alias("f"))["f"]
        pool = pool.drop("_timeline", strict=False)
        self._held = pool.filter(~mask)
        return self._finalize(pool.filter(mask))

    def flush(self) -> Windows:
        """Finalize every held entry (end of input)."""
        if self._held is None or self._held.height == 0:
            return self._empty(self._held)
        pool, self._held = self._held, None
        return self._finalize(pool)

    def _lasts(self, rows: dict[str, Rows] | None = None) -> dict[str, int]:
        """Newest step of each server's history (or of each history in `rows`)."""
        rows = self._history if rows is None else rows
        return {key: int(r.steps[-1]) for key, r in rows.items() if len(r)}

    def _finalize(self, ready: pl.DataFrame) -> Windows:
        """Windows for `ready`, each entry against the history of its server's timeline
        (see `timeline`): all timelines in one pass, so entries that alternate between
        timelines cost no more than entries in order."""
        found = self._timelines(ready)
        if found.timeline is None:
            return self._finalize_tracks(ready.with_columns(pl.col("server").alias("_track")), self._history, False)
        numbers = pl.Series("_timeline", found.timeline)
        ready = ready.with_columns(
            pl.when(numbers == CURRENT).then(pl.col("server"))
            .otherwise(pl.format("{}\x1f{}", pl.col("server"), numbers)).alias("_track")
        )
        # Every timeline's history under its own key; the current ones keep the server's name.
        histories = dict(self._history)
        other = set(ready.filter(numbers != CURRENT)["_track"].unique())
        for server in found.current:
            for number, rows in enumerate(self._parked.pop(server, []), start=CURRENT + 1):
                histories[_track(server, number)] = rows
                other.add(_track(server, number))
        out = self._finalize_tracks(ready, histories, True)
        now = {server: histories.get(_track(server, number)) for server, number in found.current.items()}
        for server, kept in found.parked.items():
            parked = [rows for n in kept if (rows := histories.get(_track(server, n))) is not None and len(rows)]
            if parked:
                self._parked[server] = parked
        self._history = {key: rows for key, rows in histories.items() if key not in other and key not in now}
        self._history |= {server: rows for server, rows in now.items() if rows is not None}
        return out

    def _timelines(self, frame: pl.DataFrame) -> Timelines:
        parked = {server: [int(r.steps[-1]) for r in rows] for server, rows in self._parked.items()}
        return timelines(frame, self._lasts(), parked, self.rewind_steps, self.spec.max_gap_steps)

    def _finalize_tracks(self, ready: pl.DataFrame, histories: dict[str, Rows], renamed: bool) -> Windows:
        """Windows for `ready`, whose `_track` column names the history (in `histories`,
        updated in place) each entry continues: its server's name for the current timeline,
        another key for another timeline (`renamed`: some rows have one)."""
        lasts = self._lasts(histories)
        last = pl.DataFrame(
            {"_track": list(lasts), "_last": list(lasts.values())}, schema={"_track": pl.String, "_last": pl.Int64}
        )
        ready = (
            ready.join(last, on="_track", how="left", maintain_order="left")
            .with_columns(
                # Late: at or before the history's last step, behind a later step of its own
                # timeline that arrived first (that step began, so this one was final), or
                # after the stream went STALE_STEPS further since its step's first entry.
                ((pl.col("step") <= pl.col("_last")).fill_null(False)
                 | (pl.col("step") < pl.col("step").cum_max().shift(1).over("_track")).fill_null(False)
                 | (pl.col("_seen") - pl.col("_seen").first().over("_track", "step") >= STALE_STEPS)
                 ).alias("late")
            )
            .drop("_last")
        )
        fresh = ready.filter(~pl.col("late"))
        servers, steps, xs, centers, scales, keys = [], [], [], [], [], []
        track_server = dict(fresh.select("_track", "server").unique().iter_rows()) if renamed else {}
        by_track = fresh.drop("server").rename({"_track": "server"})
        for track, (step_ids, values, _) in pivot_steps(by_track, self.spec.components).items():
            server = track_server.get(track, track)
            history = histories.get(track)
            new = extend_rows(history, step_ids, values, self.spec.max_gap_steps)
            empty = Rows(new.steps[:0], new.values[:0], new.position[:0])
            past = history if history is not None else empty
            center, scale = self.scaling.for_server(server)
            profile, noise = self.scaling.profile_for(server), self.scaling.noise_for(server)
            first, row_scaling = joined_scaling(past, new, self.spec, center, scale, self.grid, profile, noise)
            row_center, row_scale = (a[first:] for a in row_scaling)
            x, idx = window_features(  # type: ignore[arg-type]
                past, new, self.spec, center, scale, self.grid, profile, noise, row_scaling
            )
            keep = self.spec.history_rows
            histories[track] = _concat_rows(past.tail(keep), new).tail(keep)
            servers.append(np.full(len(idx), server, dtype=object))
            steps.append(new.steps[idx])
            keys.append(
                pl.DataFrame(
                    {"_track": pl.repeat(track, len(idx), dtype=pl.String, eager=True),
                     "step": pl.Series(new.steps[idx], dtype=pl.Int64)}
                )
            )
            xs.append(x)
            centers.append(row_center[idx])
            scales.append(row_scale[idx])
        n_comp = self.spec.n_components
        # Late entries get no row, even when their step got one from the entries on time.
        entries = ready.join(_rows_frame(keys), on=["_track", "step"], how="left", maintain_order="left")
        return Windows(
            entries.drop("_track", "_seen").with_columns(pl.when(~pl.col("late")).then(pl.col("row"))),
            np.concatenate(servers) if servers else np.zeros(0, object),
            np.concatenate(steps) if steps else np.zeros(0, np.int64),
            np.vstack(xs) if xs else np.zeros((0, self.spec.dim), np.float32),
            np.vstack(centers) if centers else np.zeros((0, n_comp)),
            np.vstack(scales) if scales else np.zeros((0, n_comp)),
        )

    def _empty(self, like: pl.DataFrame | None) -> Windows:
        base = like.head(0).drop("step", "_seen", strict=False) if like is not None else empty_frame()
        entries = base.with_columns(
            pl.lit(None, pl.Int64).alias("step"), pl.lit(None, pl.Boolean).alias("late"),
            pl.lit(None, pl.Int64).alias("row"),
        )
        n_comp = self.spec.n_components
        return Windows(
            entries,
            np.zeros(0, object),
            np.zeros(0, np.int64),
            np.zeros((0, self.spec.dim), np.float32),
            np.zeros((0, n_comp)),
            np.zeros((0, n_comp)),
        )
