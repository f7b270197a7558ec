"""Temporary files left by a killed export (`.OUT.XXXXXXXX.tmp`) are removed when OUT is
written again, unless they are new, held open by a live process, or not logwatch's own."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from engine_support import run_cli
from fs_limits import start_logwatch

from logwatch.engine.export.stale import remove_stale


def _age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _rows_written(folder) -> bool:
    for path in folder.glob(".out.csv.*.tmp"):
        try:
            if path.stat().st_size > 8192:
                return True
        except FileNotFoundError:  # the writability probe, removed meanwhile
            continue
    return False


def test_a_sigkilled_exports_leftover_is_removed_by_the_next_export(generated, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.csv"
    process = start_logwatch("tui", "-", "--export", str(out), "--all", "--detector", "zscore",
                             stdin=subprocess.PIPE)
    try:
        process.stdin.write(generated.read_bytes())  # stdin stays open: the export goes on
        process.stdin.flush()
        deadline = time.monotonic() + 60
        while not _rows_written(folder) and time.monotonic() < deadline:
            time.sleep(0.02)  # until the export (not the writability probe) is under way
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
        process.communicate()
    leftovers = list(folder.glob(".out.csv.*.tmp"))
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 8192
    again = run_cli("tui", str(generated), "--export", str(out), "--detector", "zscore")
    assert again.returncode == 0, again.stderr.decode()
    assert [p.name for p in folder.iterdir()] == ["out.csv"]


def test_leftovers_in_use_new_or_not_ours_stay(generated, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.csv"
    stale = folder / ".out.csv.k1lled_0.tmp"
    held = folder / ".out.csv.inuse123.tmp"
    future = folder / ".out.csv.fromlate.tmp"
    foreign = [folder / ".out.csv.tmp", folder / ".out.csv.abcdefgh.tmp.bak",
               folder / ".other.csv.abcdefgh.tmp", folder / ".out.csv.abc.tmp"]
    for path in [stale, held, future, *foreign]:
        path.write_bytes(b"half a row")
        _age(path, 600)
    _age(future, -600)  # written after this run started: another run's, in progress
    with open(held, "ab"):  # a live process (this one) holds it open
        done = run_cli("tui", str(generated), "--export", str(out), "--detector", "zscore")
    assert done.returncode == 0, done.stderr.decode()
    assert not stale.exists()
    assert held.exists() and future.exists() and all(path.exists() for path in foreign)
    assert out.exists()


def test_without_a_process_table_only_old_leftovers_go(tmp_path):
    """Open files cannot be checked: a leftover of ten minutes might still be written."""
    out = tmp_path / "out.jsonl"
    recent, old = tmp_path / ".out.jsonl.recent00.tmp", tmp_path / ".out.jsonl.old00000.tmp"
    for path, seconds in ((recent, 600), (old, 7200)):
        path.write_bytes(b"{")
        _age(path, seconds)
    removed = remove_stale(out, time.time(), proc=tmp_path / "no-proc")
    assert removed == [old]
    assert recent.exists() and not old.exists()
