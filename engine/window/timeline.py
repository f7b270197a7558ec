"""When a server's entries go back in time: a new timeline, and the way back to the old one.

A replayed file, a log rotated to one with older timestamps, or an agent re-sending its
buffer makes a server's steps jump back. An entry a little behind its server's newest step
is *late* (its step was scored already). An entry more than `rewind_steps` behind starts a
new *timeline*: the server's history is parked and windows build afresh from there, so a
replay is scored instead of being late line after line. An entry that continues the parked
history (at its last step or at most a carried-forward gap after it) but not the current one
*resumes* the parked history, and the current one is parked in its place: a re-sent backlog
followed by live entries costs no second warm-up, and two files written in turn each keep
their own history. A server keeps one parked timeline; a third one drops the oldest.

`timelines` finds the switches in arrival order and tells each entry's timeline; the
windower scores every timeline against its own history in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

Kind = Literal["rewind", "resume"]

CURRENT, PARKED = 0, 1
"""Timeline numbers of a server's current and parked histories before the frame; new
timelines get 2, 3, ..."""


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
    parked: dict[str, int] = field(default_factory=dict)
    """After the frame, per server that switched and has one: its parked timeline number."""


def _lasts(last: dict[str, int], name: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"server": list(last), name: list(last.values())}, schema={"server": pl.String, name: pl.Int64}
    )


def _first_candidate(
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, int], rewind_steps: int, gap_steps: int
) -> int | None:
    """The first entry of `frame` that rewinds its server or resumes its parked timeline
    (vectorized: until the first switch, a server's newest step only grows)."""
    joined = (
        frame.select("server", "step")
        .join(_lasts(last, "_last"), on="server", how="left", maintain_order="left")
        .join(_lasts(parked, "_parked"), on="server", how="left", maintain_order="left")
    )
    earlier = pl.col("step").cum_max().shift(1).over("server")
    newest = pl.max_horizontal(pl.col("_last"), earlier)  # null: nothing before on this server
    behind = pl.col("step") < newest - rewind_steps
    ahead = pl.col("step") > newest + gap_steps + 1
    after_parked = pl.col("step") - pl.col("_parked")
    continues_parked = (after_parked >= 0) & (after_parked <= gap_steps + 1)
    hit = (behind | (ahead & continues_parked)).fill_null(False)
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
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, int], rewind_steps: int, gap_steps: int
) -> Timelines:
    """The timeline switches in `frame` (entries with `server` and `step`, arrival order),
    given each server's newest step so far (`last`) and the last step of its parked
    timeline (`parked`). Rows are indices into `frame`.

    One vectorized pass finds the first switch; from there a plain scan (linear, however
    often the entries alternate between timelines) follows each server's state."""
    if not parked and _in_order(frame["step"].to_numpy(), last, rewind_steps):
        return Timelines()
    first = _first_candidate(frame, last, parked, rewind_steps, gap_steps)
    if first is None:
        return Timelines()
    last, parked = dict(last), dict(parked)
    for server, step in frame.head(first).group_by("server").agg(pl.col("step").max()).iter_rows():
        last[server] = max(last.get(server, step), step)
    servers, steps = frame["server"].to_list(), frame["step"].to_list()
    timeline = np.zeros(frame.height, np.int64)
    out = Timelines(timeline=timeline)
    current: dict[str, int] = {}
    parked_id = {server: PARKED for server in parked}
    next_id: dict[str, int] = {}
    for row in range(first, frame.height):
        server, step = servers[row], steps[row]
        newest = last.get(server)
        if newest is None or newest - rewind_steps <= step <= newest + gap_steps + 1:
            last[server] = step if newest is None else max(newest, step)  # late or in order
            timeline[row] = current.get(server, CURRENT)
            continue
        back = parked.get(server)
        if back is not None and 0 <= step - back <= gap_steps + 1:
            kind: Kind = "resume"
            here, there = parked_id.pop(server), current.get(server, CURRENT)
        elif step < newest - rewind_steps:
            kind = "rewind"
            here, there = next_id.get(server, PARKED + 1), current.get(server, CURRENT)
            next_id[server] = here + 1
        else:  # far ahead: a gap in the current timeline
            last[server] = step
            timeline[row] = current.get(server, CURRENT)
            continue
        parked[server], last[server] = newest, step
        current[server], parked_id[server] = here, there
        timeline[row] = here
        out.switches.append(Switch(row, server, kind))
    out.current = current
    out.parked = {server: parked_id[server] for server in current}
    return out


def switches(
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, int], rewind_steps: int, gap_steps: int
) -> list[Switch]:
    """Every timeline switch in `frame` (see `timelines`)."""
    return timelines(frame, last, parked, rewind_steps, gap_steps).switches
