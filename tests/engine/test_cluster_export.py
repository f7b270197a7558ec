"""`--engine ray` gives the local export's answers: real Ray (local, 2 CPUs, or a separate
one-node cluster reached by address), real files, the real command in subprocesses. Skipped
without the cluster extra (`make test` installs it)."""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def local_export(archive, tiny_bundle, tmp_path_factory) -> tuple[subprocess.CompletedProcess, pl.DataFrame]:
    """The local engine's export of the archive (--all, the tiny bundle), sorted by KEY."""
    out = tmp_path_factory.mktemp("local") / "local.parquet"
    done = _export(archive, out, "--model", str(tiny_bundle))
    assert done.returncode == 0, done.stderr.decode()
    return done, _sorted(pl.read_parquet(out))


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


def _assert_same_rows(got: pl.DataFrame, expected: pl.DataFrame) -> None:
    """Row for row the local export's (sorted by KEY); scores to float32 precision."""
    assert got.columns == expected.columns and got.height == expected.height == 12_000
    assert got.select(KEY).equals(expected.select(KEY))
    assert np.allclose(got["score"].to_numpy().astype(np.float32), expected["score"].to_numpy().astype(np.float32),
                       rtol=1e-6, equal_nan=True)
    assert got["predicted"].equals(expected["predicted"]) and got["predicted"].sum() > 0
    assert got.drop("score").equals(expected.drop("score"))


def test_ray_export_equals_the_local_export(archive, tiny_bundle, local_export, tmp_path):
    ray, folder = tmp_path / "ray.parquet", tmp_path / "dataset"
    here, expected = local_export
    there = _export(archive, ray, "--model", str(tiny_bundle), "--engine", "ray")
    assert there.returncode == 0, there.stderr.decode()
    assert "logwatch: ray: scoring 4 files on a local Ray" in there.stderr.decode()
    assert _summary(there) == _summary(here)
    assert "12,000 entries, 3 bad lines skipped" in _summary(here)
    assert _skipped(there) == _skipped(here) and len(_skipped(here)) == 3
    got = _sorted(pl.read_parquet(ray))
    _assert_same_rows(got, expected)

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def ray_cluster() -> Iterator[tuple[str, Path]]:
    """(address, session logs folder) of a one-node, 1-CPU Ray cluster in processes of its own.

    `ray stop` would stop every Ray on this machine (it finds them by process name), so the
    head runs in a session of its own, with its own temporary folder (short: Ray's socket
    paths must fit 107 bytes) and ports, and is stopped by killing that process group."""
    temp = Path(tempfile.mkdtemp(prefix="lw-ray-"))
    port = _free_port()
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}  # no token in ~/.ray needed or written
    head = subprocess.Popen(
        [str(Path(sys.executable).with_name("ray")), "start", "--head", "--block", f"--port={port}",
         "--num-cpus=1", "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}",
         f"--ray-client-server-port={_free_port()}", f"--dashboard-agent-listen-port={_free_port()}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        start_new_session=True)
    try:
        logs = temp / "session_latest" / "logs"
        deadline = time.monotonic() + 120
        while not (logs / "raylet.out").exists() or not _answers(port):
            assert head.poll() is None and time.monotonic() < deadline, "the Ray head did not start"
            time.sleep(0.5)
        yield f"127.0.0.1:{port}", logs
    finally:
        os.killpg(head.pid, signal.SIGKILL)  # the head and every process it started, no other Ray
        head.wait(timeout=30)
        shutil.rmtree(temp, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, int]:
    """The command's result and its process id (to find the driver's log on the cluster)."""
    base = {k: v for k, v in os.environ.items() if k not in ("TERM", "RAY_ADDRESS")} | (env or {})
    child = subprocess.Popen([sys.executable, "-m", "logwatch.tui", *args], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=base, cwd=cwd)
    stdout, stderr = child.communicate(timeout=240)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr), child.pid


def test_an_address_or_ray_address_runs_it_on_that_cluster_with_the_same_answers(
        archive, tiny_bundle, local_export, ray_cluster, tmp_path):
    """Run from the archive's parent folder with relative paths, as a user would: the
    cluster's workers live in another folder, and must still find the input and the OUT."""
    address, logs = ray_cluster
    here, expected = local_export
    assert Path.cwd() != archive.parent
    export = ["tui", f"{archive.name}/day-*", "--all", "--model", str(tiny_bundle), "--engine", "ray"]
    outs = {"flag": tmp_path / "flag.parquet", "env": tmp_path / "env.parquet", "folder": archive.parent / "out-set"}
    runs = {"flag": _run([*export, "--export", str(outs["flag"]), "--ray-address", address], archive.parent),
            "env": _run([*export, "--export", str(outs["env"])], archive.parent, env={"RAY_ADDRESS": address}),
            "folder": _run([*export, "--export", "out-set/", "--ray-address", address], archive.parent)}
    try:
        for how, (there, pid) in runs.items():
            assert there.returncode == 0, there.stderr.decode()
            assert f"logwatch: ray: scoring 4 files on the Ray cluster at {address} (1 CPUs)" in there.stderr.decode()
            assert list(logs.glob(f"python-core-driver-*_{pid}.log")), f"{how}: no driver of this run on the cluster"
            assert _summary(there) == _summary(here)
            assert _skipped(there) == [line.replace(str(archive), archive.name) for line in _skipped(here)]
            written = sorted(outs[how].glob("*.parquet")) if how == "folder" else outs[how]
            _assert_same_rows(_sorted(pl.read_parquet(written)), expected)
        assert runs["folder"][0].stdout.decode().split("; wrote ")[1].startswith("12,000 rows to out-set")
    finally:
        shutil.rmtree(outs["folder"], ignore_errors=True)

    nobody, out = f"127.0.0.1:{_free_port()}", tmp_path / "none.csv"
    started = time.monotonic()
    refused = run_cli("tui", str(archive), "--export", str(out), "--engine", "ray", "--detector", "zscore",
                      "--ray-address", nobody, timeout=60)
    said = refused.stderr.decode().strip().splitlines()
    assert refused.returncode == 2 and time.monotonic() - started < 30
    assert said[-1].startswith(f"logwatch: cannot start or reach Ray at {nobody}: ") and len(said) == 2, said
    assert all(line.startswith("logwatch: ") for line in said)  # the detector line, then the error
    assert not list(tmp_path.glob("*none*"))
