"""`logwatch tui SOURCE --export OUT` end to end, in real subprocesses with no terminal."""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from engine_support import run_cli

SUMMARY = re.compile(
    r"read ([\d,]+) entries, ([\d,]+) bad lines skipped, ([\d,]+) anomalies flagged(?: \([\d,]+ traced back[^)]*\))?; "
    r"detector (\w+), threshold [\d.e+-]+; [\d.]+ s, [\d,]+ entries/s"
)


def summary(stdout: bytes) -> tuple[int, int, int, str]:
    found = SUMMARY.search(stdout.decode())
    assert found, stdout.decode()
    read, bad, flagged, detector = found.groups()
    return int(read.replace(",", "")), int(bad.replace(",", "")), int(flagged.replace(",", "")), detector


@pytest.fixture
def no_models(tmp_path):
    return {"XDG_DATA_HOME": str(tmp_path / "xdg")}


def test_export_only_anomalies_by_default_and_everything_with_all(generated, tmp_path, no_models):
    flagged, everything = tmp_path / "flagged.csv", tmp_path / "all.jsonl"
    first = run_cli("tui", str(generated), "--export", str(flagged), env=no_models)
    assert first.returncode == 0, first.stderr.decode()
    assert "z-score detector: no model bundle at" in first.stderr.decode()
    read, bad, n_flagged, detector = summary(first.stdout)
    assert (read, bad, detector) == (12_000, 0, "zscore")
    assert len(first.stdout.decode().strip().splitlines()) == 1  # one summary line
    rows = pl.read_csv(flagged)
    assert rows.height == n_flagged > 0 and rows["predicted"].all()
    second = run_cli("tui", str(generated), "--export", str(everything), "--all", env=no_models)
    assert second.returncode == 0
    assert pl.read_ndjson(everything, infer_schema_length=None).height == 12_000


def test_bad_lines_are_reported_by_place_and_shift_nothing(generated, tmp_path, no_models):
    lines = generated.read_bytes().splitlines(keepends=True)[:3000]
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(b"".join(lines))
    dirty_lines = list(lines)
    inserts = {100: b"garbage\n", 1500: b'{"timestamp": "2025-01-05T00:00:00", "server": "x"}\n',
               2200: b'{"timestamp": "soon", "server": "x", "component": "CPU", "value": 1}\n'}
    for at in sorted(inserts, reverse=True):
        dirty_lines.insert(at, inserts[at])
    dirty = tmp_path / "dirty.jsonl"
    dirty.write_bytes(b"".join(dirty_lines))
    a = run_cli("tui", str(clean), "--export", str(tmp_path / "a.csv"), "--all", env=no_models)
    b = run_cli("tui", str(dirty), "--export", str(tmp_path / "b.csv"), "--all", env=no_models)
    assert a.returncode == 0 and b.returncode == 0, b.stderr.decode()
    errors = b.stderr.decode()
    for line_no, reason in [(101, "not JSON"), (1502, "missing field 'component'"),
                            (2203, "unreadable timestamp 'soon'")]:
        assert f"{dirty}:{line_no}: {reason}" in errors
    assert summary(b.stdout)[:2] == (3000, 3)
    # Every later entry keeps exactly the score it has without the bad lines.
    assert pl.read_csv(tmp_path / "a.csv").equals(pl.read_csv(tmp_path / "b.csv"))


def test_stdin_gzip_and_csv_inputs(generated, tmp_path, no_models):
    data = generated.read_bytes()
    piped = run_cli("tui", "-", "--export", str(tmp_path / "stdin.csv"), "--all", input=data, env=no_models)
    packed = tmp_path / "logs.jsonl.gz"
    packed.write_bytes(gzip.compress(data))
    zipped = run_cli("tui", str(packed), "--export", str(tmp_path / "gz.csv"), "--all", env=no_models)
    assert piped.returncode == 0 and zipped.returncode == 0, piped.stderr.decode()
    assert summary(piped.stdout)[0] == summary(zipped.stdout)[0] == 12_000
    assert pl.read_csv(tmp_path / "stdin.csv").equals(pl.read_csv(tmp_path / "gz.csv"))
    nab = Path("/work/shared/data/nab-aws/ec2_cpu_utilization_24ae8d.csv")
    if nab.exists():
        out = tmp_path / "nab.parquet"
        done = run_cli("tui", str(nab), "--export", str(out), "--all", env=no_models)
        assert done.returncode == 0, done.stderr.decode()
        frame = pl.read_parquet(out)
        assert frame.height == 4032 and frame["server"][0] == "ec2_cpu_utilization_24ae8d"
        assert "anomalous" not in frame.columns


def test_autoencoder_run_with_threshold_override(generated, tiny_bundle, tmp_path):
    out = tmp_path / "ae.parquet"
    done = run_cli("tui", str(generated), "--export", str(out), "--all", "--model", str(tiny_bundle),
                   "--threshold", "0.5")
    assert done.returncode == 0, done.stderr.decode()
    assert summary(done.stdout)[3] == "autoencoder" and "threshold 0.5;" in done.stdout.decode()
    frame = pl.read_parquet(out)
    assert (frame["threshold"] == 0.5).all()
    traced = frame["reason"].str.starts_with("start of the alarm that follows: ")
    assert frame["predicted"].to_list() == ((frame["score"] > 0.5).fill_null(False) | traced).to_list()
    assert (frame.filter(traced)["score"] <= 0.5).all()


@pytest.mark.parametrize("args, message", [
    (["tui", "/no/such/file.jsonl", "--export", "OUT.csv"], "cannot read /no/such/file.jsonl"),
    (["tui", "SRC", "--export", "out.xlsx"], "unknown extension '.xlsx'"),
    (["tui", "--export", "OUT.csv"], "--export needs a SOURCE"),
    (["tui", "SRC", "--export", "OUT.csv", "--detector", "autoencoder", "--model", "/nowhere"],
     "/nowhere: no model bundle there"),
    (["tui", "SRC", "--export", "OUT.csv", "--threshold", "nan"], "the threshold must be a positive number"),
    (["tui", "SRC", "--export", "OUT.csv", "--threshold", "-1"], "the threshold must be a positive number"),
    (["tui", "SRC", "--export", "OUT.csv", "--threshold", "0"], "the threshold must be a positive number"),
    (["tui", "SRC", "--export", "OUT.csv", "--config", "/no/config.json"], "config"),
])
def test_bad_arguments_exit_2_with_one_line(generated, tmp_path, no_models, args, message):
    args = [str(generated) if a == "SRC" else str(tmp_path / a) if a == "OUT.csv" else a for a in args]
    done = run_cli(*args, env=no_models)
    assert done.returncode == 2
    err = done.stderr.decode().strip()
    assert err.startswith("logwatch: ") and message in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert not list(tmp_path.glob("OUT*")) and not list(tmp_path.glob(".OUT*"))


def _export_from_open_stdin(generated, folder, no_models) -> subprocess.Popen:
    """`logwatch tui - --export folder/out.csv --all` fed `generated` on a standard input
    that stays open (the run waits for more), once its temporary file exists."""
    env = {k: v for k, v in os.environ.items() if k != "TERM"} | no_models
    proc = subprocess.Popen(
        [sys.executable, "-m", "logwatch.tui", "tui", "-", "--export", str(folder / "out.csv"), "--all"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdin.write(generated.read_bytes())
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not list(folder.glob(".out.csv.*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the export has started (its temporary file exists)
    return proc


def test_interrupt_leaves_no_half_file(generated, tmp_path, no_models):
    proc = _export_from_open_stdin(generated, tmp_path, no_models)
    assert list(tmp_path.glob(".out.csv.*"))
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_standard_input_stays_open_and_silent(generated, tmp_path, no_models):
    """`… | logwatch tui - --export OUT` with a writer that goes quiet: Ctrl-C ends the run
    at once, although the reading thread is blocked on the pipe (Linux may hand the signal
    to that thread, and only the main thread acts on it)."""
    proc = _export_from_open_stdin(generated, tmp_path, no_models)
    try:
        time.sleep(1.0)  # everything written so far is read: the reader waits on the pipe
        proc.send_signal(signal.SIGINT)
        returncode = proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.communicate()
    assert returncode == 130
    assert list(tmp_path.iterdir()) == []
