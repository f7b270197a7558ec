"""`--engine ray` gives the local export's answers: real Ray (local, 2 CPUs), real files, the
real command in subprocesses. Skipped without the cluster extra (`make test` installs it)."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from engine_support import run_cli

pytest.importorskip("ray.data", reason="needs the cluster extra: pip install 'logwatch[cluster]'")

KEY = ["server", "timestamp", "component"]
BAD = {1: [(40, b"garbage\n"), (900, b'{"timestamp": "soon", "server": "x", "component": "CPU", "value": 1}\n')],
       2: [(7, b"{not json\n")]}


@pytest.fixture(scope="module")
def archive(tmp_path_factory, generated) -> Path:
    """The generated log cut in time into four files (bad lines in two, one gzipped)."""
    folder = tmp_path_factory.mktemp("archive")
    lines = generated.read_bytes().splitlines(keepends=True)
    cut = np.linspace(0, len(lines), 5).astype(int)
    for i in range(4):
        part = lines[cut[i] : cut[i + 1]]
        for at, bad in reversed(BAD.get(i, [])):
            part.insert(at, bad)
        data = b"".join(part)
        if i == 2:
            (folder / f"day-{i}.jsonl.gz").write_bytes(gzip.compress(data))
        else:
            (folder / f"day-{i}.jsonl").write_bytes(data)
    return folder


def _export(archive: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("tui", str(archive / "day-*"), "--export", str(out), "--all", *extra, timeout=240)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(KEY)


def _summary(done: subprocess.CompletedProcess) -> str:
    """The summary line without its timing."""
    return done.stdout.decode().split("; ")[0]


def _skipped(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.decode().splitlines() if line.startswith("logwatch: skipped")]


def test_ray_export_equals_the_local_export(archive, tiny_bundle, tmp_path):
    local, ray, folder = tmp_path / "local.parquet", tmp_path / "ray.parquet", tmp_path / "dataset"
    here = _export(archive, local, "--model", str(tiny_bundle))
    assert here.returncode == 0, here.stderr.decode()
    there = _export(archive, ray, "--model", str(tiny_bundle), "--engine", "ray")
    assert there.returncode == 0, there.stderr.decode()
    assert "logwatch: ray: scoring 4 files on a local Ray" in there.stderr.decode()
    assert _summary(there) == _summary(here)
    assert "12,000 entries, 3 bad lines skipped" in _summary(here)
    assert _skipped(there) == _skipped(here) and len(_skipped(here)) == 3
    expected, got = _sorted(pl.read_parquet(local)), _sorted(pl.read_parquet(ray))
    assert got.columns == expected.columns and got.height == expected.height == 12_000
    assert got.select(KEY).equals(expected.select(KEY))
    assert np.allclose(got["score"].to_numpy().astype(np.float32), expected["score"].to_numpy().astype(np.float32),
                       rtol=1e-6, equal_nan=True)
    assert got["predicted"].equals(expected["predicted"]) and got["predicted"].sum() > 0
    assert got.drop("score").equals(expected.drop("score"))

    (folder / "").mkdir()  # an empty folder as OUT: a Parquet dataset written by Ray
    flagged = _export(archive, folder, "--model", str(tiny_bundle), "--engine", "ray")
    assert flagged.returncode == 0, flagged.stderr.decode()
    parts = sorted(folder.glob("*.parquet"))
    assert folder.stat().st_mode & 0o777 == 0o777 & ~_umask()  # a plain new folder's mode
    assert parts and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert _sorted(pl.read_parquet(parts)).equals(got)


def test_a_bad_file_gives_the_same_one_line_error_in_both_engines(archive, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.jsonl").write_bytes((archive / "day-0.jsonl").read_bytes())
    (broken / "b.csv").write_text("when,how much\n1,2\n")
    results = [run_cli("tui", str(broken), "--export", str(tmp_path / f"out-{engine}.csv"), "--engine", engine,
                       "--detector", "zscore", timeout=240) for engine in ("local", "ray")]
    errors = [done.stderr.decode().strip().splitlines()[-1] for done in results]
    assert [done.returncode for done in results] == [2, 2]
    assert errors[0] == errors[1] and errors[0].startswith(f"logwatch: {broken / 'b.csv'}:1: expected JSON lines")
    assert not list(tmp_path.glob("out-*")) and not list(tmp_path.glob(".out-*"))


def test_ctrl_c_stops_ray_and_leaves_no_output(archive, tiny_bundle, tmp_path):
    out = tmp_path / "out.parquet"
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    child = subprocess.Popen([sys.executable, "-m", "logwatch.tui", "tui", str(archive), "--export", str(out),
                              "--engine", "ray", "--model", str(tiny_bundle)],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        for line in child.stderr:  # type: ignore[union-attr]
            if line.startswith(b"logwatch: ray: scoring"):
                break
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=120) == 130
    finally:
        child.kill()
    assert list(tmp_path.iterdir()) == []  # neither OUT nor a temporary file
