"""When a server's entries go back in time: a new timeline, and the way back to the old one.

A replayed file, a log rotated to one with older timestamps, or an agent re-sending its
buffer makes a server's steps jump back. An entry a little behind its server's newest step
is *late* (its step was scored already). An entry more than `rewind_steps` behind starts a
new *timeline*: the server's history is parked and windows build afresh from there, so a
replay is scored instead of being late line after line. An entry that continues the parked
history (at most a carried-forward gap after its last step) while it would open a gap in the
current one *resumes* the parked history: a re-sent backlog followed by live entries costs
no second warm-up.

`switches` finds them in arrival order; the windower finalizes the entries before a switch,
applies it, and goes on with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

Kind = Literal["rewind", "resume"]


@dataclass(frozen=True, slots=True)
class Switch:
    """An entry (row index, arrival order) that changes its server's timeline, and how."""

    row: int
    server: str
    kind: Kind


def _lasts(last: dict[str, int], name: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"server": list(last), name: list(last.values())}, schema={"server": pl.String, name: pl.Int64}
    )


def _first_switch(
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, int], rewind_steps: int, gap_steps: int
) -> Switch | None:
    """The first entry of `frame` that rewinds its server or resumes its parked timeline."""
    joined = (
        frame.select("server", "step")
        .with_row_index("_row")
        .join(_lasts(last, "_last"), on="server", how="left", maintain_order="left")
        .join(_lasts(parked, "_parked"), on="server", how="left", maintain_order="left")
    )
    earlier = pl.col("step").cum_max().shift(1).over("server")
    newest = pl.max_horizontal(pl.col("_last"), earlier)  # null: nothing before on this server
    rewind = (pl.col("step") < newest - rewind_steps).fill_null(False)
    after_parked = pl.col("step") - pl.col("_parked")
    resume = (
        (pl.col("step") - newest > gap_steps + 1) & (after_parked > 0) & (after_parked <= gap_steps + 1)
    ).fill_null(False)
    marked = joined.select("_row", "server", rewind.alias("_rewind"), resume.alias("_resume"))
    hit = marked.filter(pl.col("_rewind") | pl.col("_resume")).select(
        "_row", "server", pl.when(pl.col("_rewind")).then(pl.lit("rewind")).otherwise(pl.lit("resume"))
    )
    if hit.height == 0:
        return None
    row, server, kind = hit.row(0)
    return Switch(int(row), str(server), kind)


def _in_order(steps: np.ndarray, last: dict[str, int], rewind_steps: int) -> bool:
    """No entry is more than `rewind_steps` behind any server's newest step so far (then
    none is behind its own server's): the common case, checked without grouping."""
    if steps.size == 0:
        return True
    newest = np.maximum.accumulate(steps)
    floor = max(last.values(), default=int(steps[0]))
    return bool(steps.min() >= floor - rewind_steps and (newest - steps).max() <= rewind_steps)


def switches(
    frame: pl.DataFrame, last: dict[str, int], parked: dict[str, int], rewind_steps: int, gap_steps: int
) -> list[Switch]:
    """Every timeline switch in `frame` (entries with `server` and `step`, arrival order),
    given each server's newest step so far (`last`) and the last step of its parked
    timeline (`parked`). Rows are indices into `frame`."""
    if not parked and _in_order(frame["step"].to_numpy(), last, rewind_steps):
        return []
    last, parked = dict(last), dict(parked)
    found: list[Switch] = []
    offset = 0
    while frame.height and (hit := _first_switch(frame, last, parked, rewind_steps, gap_steps)):
        head = frame.head(hit.row).group_by("server").agg(pl.col("step").max())
        for server, step in head.iter_rows():
            last[server] = max(last.get(server, step), step)
        if hit.kind == "rewind":
            parked[hit.server] = last.pop(hit.server)
        else:
            last[hit.server] = parked.pop(hit.server)
        found.append(Switch(offset + hit.row, hit.server, hit.kind))
        offset += hit.row
        frame = frame.slice(hit.row)
    return found
