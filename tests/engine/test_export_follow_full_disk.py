"""`logwatch tui LOG --follow --export OUT` when the disk fills up while OUT grows: the run
ends with one clear line and OUT ends with the last whole row written before the failing
write (never half a row), in real subprocesses."""

from __future__ import annotations

import json
import time

import polars as pl
import pytest
from fs_limits import file_size_limit, start_logwatch, tiny_tmpfs


def _follow_until_full(generated, log, out, preexec=None) -> tuple[int, str]:
    """Follow `log` into `out`; once the first rows are in OUT, append far more than fits."""
    lines = generated.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:200]))
    process = start_logwatch("tui", str(log), "--export", str(out), "--follow", "--from-start",
                             "--poll", "--all", "--detector", "zscore", preexec=preexec)
    try:
        deadline = time.monotonic() + 30
        while not (out.exists() and out.stat().st_size > 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert out.exists() and out.stat().st_size > 0, "the first rows never arrived"
        with open(log, "ab") as writer:
            writer.write(b"".join(lines[200:]))
            writer.flush()
            more = iter(lines[:2000])  # a write error surfaces with the next batch: keep them coming
            while process.poll() is None and time.monotonic() < deadline + 30:
                writer.write(b"".join(next(more, b"") for _ in range(50)))
                writer.flush()
                time.sleep(0.2)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
        process.communicate()
    return process.returncode, err.decode()


def _assert_whole_rows(out, ext: str) -> None:
    data = out.read_bytes()
    assert data.endswith(b"\n"), data[-120:]
    if ext == "csv":
        rows = pl.read_csv(out, infer_schema=False)
        assert rows.height == data.count(b"\n") - 1 > 0
        whole = ["timestamp", "server", "component", "value", "predicted", "anomalous"]
        assert rows.select(whole).null_count().sum_horizontal().item() == 0
    else:
        rows = [json.loads(line) for line in data.splitlines()]
        assert rows and all(len(row) == 9 for row in rows)


@pytest.mark.parametrize("ext", ["csv", "jsonl"])
def test_a_full_disk_leaves_whole_rows(generated, tmp_path, ext):
    with tiny_tmpfs(tmp_path / "small") as folder:
        out = folder / f"live.{ext}"
        code, err = _follow_until_full(generated, tmp_path / "live.jsonl", out)
        assert code == 2, err
        assert f"logwatch: cannot write {out}: No space left on device" in err.splitlines()
        assert "Traceback" not in err
        _assert_whole_rows(out, ext)
        assert [p.name for p in folder.iterdir()] == [out.name]


@pytest.mark.parametrize("ext", ["csv", "jsonl"])
def test_a_file_size_limit_leaves_whole_rows(generated, tmp_path, ext):
    """The same without mounting: RLIMIT_FSIZE cuts the write that crosses it part-way."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"live.{ext}"
    code, err = _follow_until_full(generated, tmp_path / "live.jsonl", out,
                                   preexec=file_size_limit(60_000))
    assert code == 2, err
    assert f"logwatch: cannot write {out}: File too large" in err.splitlines()
    assert "Traceback" not in err
    _assert_whole_rows(out, ext)
    assert out.stat().st_size < 60_000
    assert [p.name for p in folder.iterdir()] == [out.name]
