"""When a server's entries go back in time: a new timeline, and the way back to the old one.

A replayed file, a log rotated to one with older timestamps, or an agent re-sending its
buffer makes a server's steps jump back. An entry a little behind its server's newest step
is *late* (its step was scored already). An entry more than `rewind_steps` behind starts a
new *timeline*: the server's history is parked and windows build afresh from there, so a
replay is scored instead of being late line after line. An entry that continues the parked
history (at its last step or at most a carried-forward gap after it) but not the current one
*resumes* the parked history, and the current one is parked in its place: a re-sent backlog
followed by live entries costs no second warm-up, and files written in turn each keep their
own history. A server keeps up to `MAX_PARKED` parked timelines, dropping the least recent.

`timelines` finds the switches in arrival order and tells each entry's timeline; the
windower scores every timeline against its own history in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

Kind = Literal["rewind", "resume"]

CURRENT = 0
"""Timeline number of a server's current history before the frame; its parked ones are
1, 2, ... (most recent first) and new timelines get the numbers after those."""

MAX_PARKED = 7
"""Parked timelines kept per server: up to eight writers in turn (a live log, replays,
re-sent backlogs) each keep their history. Beyond that, each entry of the least recent
writer starts a timeline again, and scoring slows down (every timeline is windowed on its own)."""


@dataclass(frozen=True, slots=True)
class Switch:
    """An entry (row index, arrival order) that changes its server's timeline, and how."""

    row: int
    server: str
    kind: Kind


@dataclass(slots=True)
class Timelines:
    """The switches in a frame and, when there are any, each entry's timeline."""

    switches: list[Switch] = field(default_factory=list)
    timeline: np.ndarray | None = None
    """Per row, its server's timeline number (None: no switch, every row is CURRENT)."""
    current: dict[str, int] = field(default_factory=dict)
    """After the frame, per server that switched: its current timeline number."""
    parked: dict[str, list[int]] = field(default_factory=dict)
    """After the frame, per server that switched: its parked timeline numbers, most recent first."""


def _lasts(last: dict[str, int], name: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"server": list(last), name: list(last.values())}, schema={"server": pl.String, name: pl.Int64}
    )


def _first_candidate(
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, list[int]], rewind_steps: int, gap_steps: int
) -> int | None:
    """The first entry of `frame` that may rewind its server or resume a parked timeline
    (vectorized: until the first switch, a server's newest step only grows)."""
    joined = frame.select("server", "step").join(_lasts(last, "_last"), on="server", how="left", maintain_order="left")
    earlier = pl.col("step").cum_max().shift(1).over("server")
    newest = pl.max_horizontal(pl.col("_last"), earlier)  # null: nothing before on this server
    behind = pl.col("step") < newest - rewind_steps
    ahead = pl.col("step") > newest + gap_steps + 1
    hit = (behind | (ahead & pl.col("server").is_in(list(parked)))).fill_null(False)
    rows = np.flatnonzero(joined.select(hit.alias("h"))["h"].to_numpy())
    return int(rows[0]) if rows.size else None


def _in_order(steps: np.ndarray, last: dict[str, int], rewind_steps: int) -> bool:
    """No entry is more than `rewind_steps` behind any server's newest step so far (then
    none is behind its own server's): the common case, checked without grouping."""
    if steps.size == 0:
        return True
    newest = np.maximum.accumulate(steps)
    floor = max(last.values(), default=int(steps[0]))
    return bool(steps.min() >= floor - rewind_steps and (newest - steps).max() <= rewind_steps)


def timelines(
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, list[int]], rewind_steps: int, gap_steps: int
) -> Timelines:
    """The timeline switches in `frame` (entries with `server` and `step`, arrival order),
    given each server's newest step so far (`last`) and the last steps of its parked
    timelines (`parked`, most recent first). Rows are indices into `frame`.

    One vectorized pass finds the first possible switch; from there a plain scan (linear,
    however often the entries alternate between timelines) follows each server's state."""
    if not parked and _in_order(frame["step"].to_numpy(), last, rewind_steps):
        return Timelines()
    first = _first_candidate(frame, last, parked, rewind_steps, gap_steps)
    if first is None:
        return Timelines()
    last = dict(last)
    for server, step in frame.head(first).group_by("server").agg(pl.col("step").max()).iter_rows():
        last[server] = max(last.get(server, step), step)
    ends = {server: list(steps) for server, steps in parked.items()}
    numbers = {server: list(range(CURRENT + 1, CURRENT + 1 + len(steps))) for server, steps in parked.items()}
    fresh = {server: CURRENT + 1 + len(steps) for server, steps in parked.items()}
    servers, steps = frame["server"].to_list(), frame["step"].to_list()
    timeline = np.zeros(frame.height, np.int64)
    out = Timelines(timeline=timeline)
    current: dict[str, int] = {}
    for row in range(first, frame.height):
        server, step = servers[row], steps[row]
        newest = last.get(server)
        if newest is None or newest - rewind_steps <= step <= newest + gap_steps + 1:
            last[server] = step if newest is None else max(newest, step)  # late or in order
            timeline[row] = current.get(server, CURRENT)
            continue
        back = ends.setdefault(server, [])
        kept = numbers.setdefault(server, [])
        at = next((i for i, end in enumerate(back) if 0 <= step - end <= gap_steps + 1), None)
        if at is not None:
            kind: Kind = "resume"
            here = kept.pop(at)
            back.pop(at)
        elif step < newest - rewind_steps:
            kind = "rewind"
            here = fresh.get(server, CURRENT + 1)
            fresh[server] = here + 1
        else:  # far ahead: a gap in the current timeline
            last[server] = step
            timeline[row] = current.get(server, CURRENT)
            continue
        back.insert(0, newest)
        kept.insert(0, current.get(server, CURRENT))
        del back[MAX_PARKED:], kept[MAX_PARKED:]
        current[server], last[server] = here, step
        timeline[row] = here
        out.switches.append(Switch(row, server, kind))
    out.current = current
    out.parked = {server: numbers[server] for server in current}
    return out


def switches(
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, list[int]], rewind_steps: int, gap_steps: int
) -> list[Switch]:
    """Every timeline switch in `frame` (see `timelines`)."""
    return timelines(frame, last, parked, rewind_steps, gap_steps).switches
