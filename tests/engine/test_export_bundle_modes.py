"""Outputs built under a temporary name get the modes of plainly created files and folders.

mkstemp/mkdtemp create 0600/0700 whatever the umask; an export or a model bundle renamed
into place must instead follow the umask (0644/0755 under 022), so another account can read
a cron export or a model folder when the umask allows it. Subprocesses inherit the umask.
"""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from engine_support import run_cli
from logwatch.engine.bundle import CHARTS_DIR, META_FILE, MODEL_FILE, load_bundle, write_bundle
from logwatch.engine.export import open_follow_export, open_writer
from logwatch.engine.files import apply_umask, current_umask

MODES = {0o022: (0o644, 0o755), 0o077: (0o600, 0o700), 0o002: (0o664, 0o775)}


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request):
    """Run the test under this umask; yield (file mode, folder mode) it should produce."""
    old = os.umask(request.param)
    try:
        yield MODES[request.param]
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def scored() -> pl.DataFrame:
    return pl.DataFrame({
        "timestamp": [datetime(2025, 1, 5, 14, 22, 31), datetime(2025, 1, 5, 14, 22, 41)],
        "server": ["server_1", "server_2"],
        "component": ["CPU", "Memory"],
        "value": [95.3, 41.0],
        "score": [8.25, None],
        "threshold": [6.0, 6.0],
        "predicted": [True, False],
        "reason": ["CPU high", "warming up"],
        "expected": [41.0, None],
    }, schema_overrides={"timestamp": pl.Datetime("us")})


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_current_umask_reads_it_and_leaves_it(mask):
    old = os.umask(mask)
    try:
        assert current_umask() == mask
        assert os.umask(mask) == mask  # unchanged by the read
    finally:
        os.umask(old)


def test_apply_umask_on_files_folders_and_descriptors(tmp_path, umask):
    file_mode, folder_mode = umask
    folder, plain, by_fd = tmp_path / "d", tmp_path / "f", tmp_path / "g"
    folder.mkdir(mode=0o700)
    plain.write_bytes(b"x")
    plain.chmod(0o600)
    apply_umask(folder, folder=True)
    apply_umask(plain)
    fd = os.open(by_fd, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        apply_umask(fd)
    finally:
        os.close(fd)
    assert (mode(folder), mode(plain), mode(by_fd)) == (folder_mode, file_mode, file_mode)


@pytest.mark.parametrize("opener", [open_writer, open_follow_export], ids=["export", "follow"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_export_output_follows_the_umask(tmp_path, umask, suffix, opener):
    file_mode, _ = umask
    out = tmp_path / f"out{suffix}"
    writer = opener(out, labels=False)
    writer.write(scored())
    writer.close()
    assert mode(out) == file_mode
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_export_follows_the_umask(generated, tmp_path, umask, suffix):
    file_mode, _ = umask
    out = tmp_path / f"out{suffix}"
    done = run_cli("tui", str(generated), "--export", str(out), "--all",
                   env={"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert done.returncode == 0, done.stderr.decode()
    assert mode(out) == file_mode


def test_write_bundle_follows_the_umask(tiny_bundle, tmp_path, umask):
    file_mode, folder_mode = umask
    source = load_bundle(tiny_bundle)
    onnx = (tiny_bundle / MODEL_FILE).read_bytes()
    charts = tmp_path / "charts-src"
    charts.mkdir()
    (charts / "loss.png").write_bytes(b"png")
    (charts / "loss.png").chmod(0o600)  # e.g. written through mkstemp: not copied as is
    target = tmp_path / "models" / "m1"
    for _ in range(2):  # a new bundle, then one replacing it
        write_bundle(target, onnx, source.meta, charts)
        assert mode(target) == folder_mode
        assert mode(target / CHARTS_DIR) == folder_mode
        for name in (MODEL_FILE, META_FILE, f"{CHARTS_DIR}/loss.png"):
            assert mode(target / name) == file_mode, name
    write_bundle(target, onnx, source.meta, {"note.txt": b"x"})
    assert mode(target) == folder_mode and mode(target / CHARTS_DIR / "note.txt") == file_mode
    assert sorted(p.name for p in target.parent.iterdir()) == ["m1"]  # no temporary folder left
