"""`--engine ray`: score many files on Ray Data and write one export, as the local engine would.

1. One Ray task per file reads it with logwatch's reader (`tasks.read_file`): the entries
   stay in Ray's object store; the driver gets each file's counts and first bad lines, in
   SOURCE order, and reports them as a local read does.
2. `groupby("server").map_groups(score_server)`: each server's entries, sorted by time, are
   scored by a fresh Scorer with the bundle that was sent once, as bytes (`ray.put`).
3. A folder OUT is written by Ray as a Parquet dataset; a file OUT (.csv, .jsonl, .parquet)
   is streamed to the driver and written by the engine's own writer, byte for byte the
   local format. Either is complete or absent: Ctrl-C cancels Ray's work and removes it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from logwatch.engine.cluster import target as dataset
from logwatch.engine.cluster.connect import import_ray, ray_session
from logwatch.engine.cluster.shipped import pack_bundle
from logwatch.engine.cluster.tasks import FileRead, ScorePlan, count_flags, read_file, score_server
from logwatch.engine.errors import UserError
from logwatch.engine.export import check_target, export_frame, open_writer
from logwatch.engine.headless import BAD_LINE_REPORTS, Summary
from logwatch.engine.score import Scorer


def check_out(out: str) -> None:
    """Validate OUT before any work: a folder (Parquet dataset) or a local export file."""
    import_ray()  # without Ray, say how to install it before anything else
    if dataset.is_dataset(out):
        dataset.check_dataset(out)
    else:
        check_target(out)


def export_on_ray(paths: list[str], scorer: Scorer, out: str, *, write_all: bool = False,
                  address: str | None = None, num_cpus: int | None = None,
                  err: TextIO | None = None) -> Summary:
    """Score `paths` on Ray with `scorer`'s detector and threshold; write OUT (see module)."""
    err = err or sys.stderr
    started = time.perf_counter()
    summary = Summary(detector=scorer.detector.name)
    with ray_session(address, num_cpus=num_cpus) as (ray, place):
        print(f"logwatch: ray: scoring {len(paths):,} files on {place}", file=err, flush=True)
        bundle = getattr(scorer.detector, "bundle", None)
        shipped = None if bundle is None else ray.put(pack_bundle(bundle.path))  # once, as bytes
        read = ray.remote(read_file).options(num_returns=2)
        step = None if bundle is None else bundle.spec.step_seconds
        refs = [read.remote(i, os.path.abspath(p), p, step) for i, p in enumerate(paths)]
        try:
            reads = _gather(ray, [info for _, info in refs], summary, err)
            plan = ScorePlan(scorer.detector.name, scorer.threshold, scorer.tracer is not None, shipped,
                             next((r.grid for r in reads if r.grid is not None), None))
            labels = next((bool(r.labels) for r in reads if r.labels is not None), False)
            servers = len(set().union(*(r.servers for r in reads)))
            blocks = _score(ray, [table for table, _ in refs], plan, servers) if servers else []
            counts = ray.get([ray.remote(count_flags).remote(block) for block in blocks])
            summary.flagged, summary.traced = sum(c[0] for c in counts), sum(c[1] for c in counts)
            summary.written, path = _write(ray, blocks, out, labels=labels, write_all=write_all)
        except ray.exceptions.RayTaskError as error:
            raise _user_error(error) from None
        except BaseException:
            for table, _ in refs:
                ray.cancel(table, force=True)
            raise
    summary.export, summary.threshold = str(path), scorer.threshold
    summary.seconds = time.perf_counter() - started
    return summary


def _gather(ray: Any, infos: list[Any], summary: Summary, err: TextIO) -> list[FileRead]:
    """Each file's FileRead, in SOURCE order; bad lines reported as a local read does."""
    reads: list[FileRead] = []
    reported = 0
    for ref in infos:
        found: FileRead = ray.get(ref)
        for bad in found.bad_samples[: max(0, BAD_LINE_REPORTS - reported)]:
            print(f"logwatch: skipped {bad.where}: {bad.reason}", file=err, flush=True)
            reported += 1
        summary.entries += found.entries
        summary.bad_lines += found.bad_lines
        reads.append(found)
    return reads


def _score(ray: Any, tables: list[Any], plan: ScorePlan, servers: int) -> list[Any]:
    """Refs to blocks of scored rows: every server's entries scored in one task."""
    partitions = max(1, min(servers, 4 * int(ray.cluster_resources().get("CPU", 1))))
    entries = ray.data.from_arrow_refs(tables)
    scored = entries.groupby("server", num_partitions=partitions).map_groups(
        score_server, fn_kwargs={"plan": plan}, batch_format="pyarrow")
    return list(scored.materialize().to_arrow_refs())


def _export_table(table: Any, labels: bool, write_all: bool) -> Any:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return export_frame(frame if write_all else frame.filter(pl.col("predicted")), labels).to_arrow()


def _write(ray: Any, blocks: list[Any], out: str, *, labels: bool, write_all: bool) -> tuple[int, Path]:
    """Rows written and where: a dataset folder by Ray, a file by the engine's writer."""
    if dataset.is_dataset(out):
        target = dataset.check_dataset(out)
        temp = dataset.make_temp_dir(target)
        try:
            rows = 0
            if blocks:
                chosen = ray.data.from_arrow_refs(blocks).map_batches(
                    _export_table, fn_kwargs={"labels": labels, "write_all": write_all},
                    batch_format="pyarrow").materialize()
                rows = chosen.count()
                chosen.write_parquet(str(temp))
            dataset.finish(temp, target)
        except BaseException:
            dataset.discard(temp)
            raise
        return rows, Path(out)  # named as given
    writer = open_writer(out, labels=labels)
    try:
        for block in blocks:
            frame = pl.from_arrow(ray.get(block))
            assert isinstance(frame, pl.DataFrame)
            writer.write(frame if write_all else frame.filter(pl.col("predicted")))
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return writer.rows, writer.path


def _user_error(error: Any) -> BaseException:
    """A worker's UserError as the same one-line error a local run gives; anything else
    as it came."""
    cause = getattr(error, "cause", None)
    return UserError(str(cause)) if isinstance(cause, UserError) else error
