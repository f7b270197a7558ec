"""The streaming windower used by scoring: entries in, complete windows out, state kept.

A step of a server is final as soon as every known component has a value for it, when a
later step of that server (on the same timeline) begins, when `STALE_STEPS` steps' worth of
entries at or after its time arrived after its first one, or at `flush()`. Entries of a step wait
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
from logwatch.engine.window.block import block_windows
from logwatch.engine.window.grid import StepGrid, infer_grid
from logwatch.engine.window.rows import Rows, pivot_frame
from logwatch.engine.window.spec import FeatureSpec, Scaling
from logwatch.engine.window.timeline import CURRENT, Timelines, timelines
from logwatch.engine.window.waiting import arrivals_since


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


TRACK_SEPARATOR = "\x1f"
"""Between a server's name and a timeline number in a history key."""


def _track(server: str, timeline: int) -> str:
    """The history key of one of a server's timelines (its current one is the server's name)."""
    return server if timeline == CURRENT else f"{server}{TRACK_SEPARATOR}{timeline}"


STALE_STEPS = 2
"""A server's newest step waits for all its components, but only until this many steps'
worth of entries (one per server and component seen) at or after its time have arrived
after its first one (see `waiting`): a server that stopped mid-step, or never sends some
components, must not have its last entries held back forever."""


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
        self._cells: set[tuple[str, str]] = set()
        """(server, component) pairs seen: one step's worth of entries of the whole stream."""
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
        self._cells.update(stepped.select("server", "component").unique().iter_rows())
        held = self._held
        fresh_from = 0 if held is None else held.height
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
        group = [*track, "step"]
        known = pl.col("component").is_in(list(self.spec.components))
        at_max = pl.col("step") == pl.col("step").max().over(track)
        complete = pl.col("component").filter(at_max & known).n_unique().over(track) == self.spec.n_components
        # Behind a later step of its timeline that arrived before it (held or not): that step
        # began, so this one was final.
        behind = (pl.col("step") < pl.col("step").cum_max().shift(1).over(track)).fill_null(False)
        position = pl.Series("_position", np.arange(pool.height, dtype=np.int64))
        info = pool.with_columns(position).select(
            (at_max & ~complete).alias("waiting"), behind.alias("behind"),
            pl.col("_position").first().over(group).alias("first"),
            pl.col("_waited").fill_null(0).max().over(group).alias("carried")
            if "_waited" in pool.columns else pl.lit(0, pl.Int64).alias("carried"),
        )
        late, waited, stale = self._waits(pool["step"].to_numpy(), info, fresh_from)
        pool = pool.with_columns(pl.Series("_late", info["behind"].to_numpy() | late), pl.Series("_waited", waited))
        mask = pl.Series(~info["waiting"].to_numpy() | stale)
        pool = pool.drop("_timeline", strict=False)
        self._held = pool.filter(~mask)
        return self._finalize(pool.filter(mask))

    def _waits(self, steps: np.ndarray, info: pl.DataFrame, fresh_from: int) -> tuple[np.ndarray, ...]:
        """Per pool row: late for having come after its step waited too long; how long its
        step has waited (kept on held rows); whether its step, still incomplete, is now
        final for having waited too long (see `waiting`)."""
        limit = STALE_STEPS * max(len(self._cells), 1)
        first, carried = info["first"].to_numpy(), info["carried"].to_numpy()
        n = len(steps)
        position = np.arange(n)
        # Only rows that arrived at least `limit` entries after their step's first can be late.
        start = np.maximum(first + 1, fresh_from)
        maybe = np.flatnonzero((position >= fresh_from) & (carried + np.maximum(position - start, 0) >= limit))
        late = np.zeros(n, bool)
        late[maybe] = arrivals_since(steps, first, carried, fresh_from, maybe, maybe) >= limit
        heads = np.flatnonzero(info["waiting"].to_numpy() & (position == first))  # one row per waiting step
        by_head = np.zeros(n, np.int64)
        by_head[heads] = arrivals_since(steps, first, carried, fresh_from, heads, np.full(len(heads), n))
        waited = by_head[first]
        return late, waited, waited >= limit

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
            # concat_str, not pl.format: polars 2.1's format panics on a frame whose first
            # chunk a filter emptied (the held rows that stayed held).
            pl.when(numbers == CURRENT).then(pl.col("server"))
            .otherwise(pl.concat_str([pl.col("server"), pl.lit(TRACK_SEPARATOR), numbers.cast(pl.String)]))
            .alias("_track")  # what `_track` gives, for every row at once
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
                # Late: at or before the history's last step, or found late by `push`.
                ((pl.col("step") <= pl.col("_last")).fill_null(False) | pl.col("_late")).alias("late")
            )
            .drop("_last")
        )
        fresh = ready.filter(~pl.col("late"))
        track_server = dict(fresh.select("_track", "server").unique().iter_rows()) if renamed else {}
        names, cells = pivot_frame(fresh.drop("server").rename({"_track": "server"}), self.spec.components)
        servers = [track_server.get(track, track) for track in names]
        found, kept = block_windows(
            cells, servers, [histories.get(track) for track in names], self.spec, self.scaling, self.grid  # type: ignore[arg-type]
        )
        histories.update(zip(names, kept))
        rows = pl.DataFrame(
            {"_track": pl.Series(names, dtype=pl.String).gather(found.track), "step": found.step}
        ).with_row_index("row").select("_track", "step", pl.col("row").cast(pl.Int64))
        # Late entries get no row, even when their step got one from the entries on time.
        entries = ready.join(rows, on=["_track", "step"], how="left", maintain_order="left")
        return Windows(
            entries.drop("_track", "_late", "_waited").with_columns(pl.when(~pl.col("late")).then(pl.col("row"))),
            np.array(servers, dtype=object)[found.track] if servers else np.zeros(0, object),
            found.step,
            found.x,
            found.center,
            found.scale,
        )

    def _empty(self, like: pl.DataFrame | None) -> Windows:
        base = like.head(0).drop("step", "_late", "_waited", strict=False) if like is not None else empty_frame()
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
