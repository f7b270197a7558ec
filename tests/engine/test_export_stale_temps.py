"""Temporary files left by a killed export (`.OUT.XXXXXXXX.tmp`) are removed when OUT is
written again, unless they are new, held open by a live process, or not logwatch's own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from engine_support import run_cli
from fs_limits import start_logwatch

from logwatch.engine.export.stale import remove_after_interrupt, remove_stale


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


def _export_under_way(generated, out) -> subprocess.Popen:
    """An export of `generated` to `out` from standard input, once it is writing rows."""
    process = start_logwatch("tui", "-", "--export", str(out), "--all", "--detector", "zscore",
                             stdin=subprocess.PIPE)
    process.stdin.write(generated.read_bytes())  # stdin stays open: the export goes on
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while not _rows_written(out.parent) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the export (not the writability probe) is under way
    return process


def test_a_sigkilled_exports_leftover_is_removed_by_the_next_export(generated, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.csv"
    process = _export_under_way(generated, out)
    try:
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


def test_after_an_interrupt_our_leaked_temp_goes_and_another_runs_stays(tmp_path):
    """An interruption inside `mkstemp` can leave a file whose descriptor stays open in
    this very process: it does not count as in use. Another process's open file does."""
    out = tmp_path / "out.csv"
    leaked, other = tmp_path / ".out.csv.leaked00.tmp", tmp_path / ".out.csv.othrrun0.tmp"
    for path in (leaked, other):
        path.write_bytes(b"half")
    holder = subprocess.Popen(
        [sys.executable, "-c", f"f = open({str(other)!r}, 'ab'); print('open', flush=True); input()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with open(leaked, "ab"):  # this process's own (leaked) descriptor
            removed = remove_after_interrupt(out)
    finally:
        holder.communicate("\n", timeout=30)
    assert removed == [leaked]
    assert not leaked.exists() and other.exists()


def test_an_interrupted_export_leaves_no_temporary_file_it_made(generated, tmp_path):
    """Ctrl-C after a temporary file of OUT appeared that the writer does not know of (as
    when the signal lands inside `mkstemp`): the run removes it on its way out."""
    out = tmp_path / "out.csv"
    process = _export_under_way(generated, out)
    try:
        (tmp_path / ".out.csv.strayed0.tmp").write_bytes(b"half a row")
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == 130
    assert list(tmp_path.iterdir()) == []
