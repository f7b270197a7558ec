"""`logwatch tui SOURCE --export OUT` where OUT cannot be written, in real subprocesses.

A read-only folder or a full disk is found before any input is scored (the run does not
wait for standard input to end); a disk that fills up during the export ends the run the
same way. Always: one `logwatch: cannot write OUT: ...` line, exit status 2, no traceback,
nothing left in OUT's folder.
"""

from __future__ import annotations

import subprocess

import pytest
from fs_limits import file_size_limit, fill, start_logwatch, tiny_tmpfs

FORMATS = ["csv", "jsonl", "parquet"]


def _fails_cleanly(process: subprocess.Popen, out, why: str) -> None:
    """The run ended by itself, with one line naming OUT and why, and left nothing."""
    process.wait(timeout=30)  # stdin, if a pipe, is still open: it has not ended the input
    _, err = process.communicate()
    lines = err.decode().strip().splitlines()
    assert process.returncode == 2, err.decode()
    assert "Traceback" not in err.decode()
    failures = [line for line in lines if "cannot write" in line]
    assert failures == [f"logwatch: cannot write {out}: {why}"], lines
    assert lines[-1] == failures[0]


def _fails_before_scoring(out, why: str, preexec=None) -> None:
    """Standard input stays open and empty: only a check made before any entry is read
    can end this run."""
    process = start_logwatch("tui", "-", "--export", str(out), "--all", "--detector", "zscore",
                             preexec=preexec, stdin=subprocess.PIPE)
    try:
        _fails_cleanly(process, out, why)
    finally:
        process.kill()
        process.communicate()


@pytest.mark.parametrize("ext", FORMATS)
def test_read_only_folder_is_reported_before_scoring(tmp_path, ext):
    with tiny_tmpfs(tmp_path / "ro", read_only=True) as folder:
        _fails_before_scoring(folder / f"o.{ext}", "Read-only file system")
        assert list(folder.iterdir()) == []


@pytest.mark.parametrize("ext", FORMATS)
def test_full_disk_is_reported_before_scoring(tmp_path, ext):
    with tiny_tmpfs(tmp_path / "full") as folder:
        fill(folder)
        _fails_before_scoring(folder / f"o.{ext}", "No space left on device")
        assert [p.name for p in folder.iterdir()] == ["filler"]


@pytest.mark.parametrize("ext", FORMATS)
def test_no_room_for_one_byte_is_reported_before_scoring(tmp_path, ext):
    """The same without mounting: the file size limit lets no file grow at all."""
    folder = tmp_path / "out"
    folder.mkdir()
    _fails_before_scoring(folder / f"o.{ext}", "File too large", preexec=file_size_limit(0))
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("ext", FORMATS)
def test_disk_full_during_the_export(generated, tmp_path, ext):
    with tiny_tmpfs(tmp_path / "small") as folder:
        out = folder / f"o.{ext}"  # 12,000 rows need far more than 64 KiB
        process = start_logwatch("tui", str(generated), "--export", str(out), "--all",
                                 "--detector", "zscore")
        _fails_cleanly(process, out, "No space left on device")
        assert list(folder.iterdir()) == []


@pytest.mark.parametrize("ext", FORMATS)
def test_file_size_limit_reached_during_the_export(generated, tmp_path, ext):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"o.{ext}"
    process = start_logwatch("tui", str(generated), "--export", str(out), "--all",
                             "--detector", "zscore", preexec=file_size_limit(64 << 10))
    _fails_cleanly(process, out, "File too large")
    assert list(folder.iterdir()) == []
