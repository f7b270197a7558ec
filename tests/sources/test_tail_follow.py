"""The byte and line layer of the tailer against real files and real writer threads:
exactly once, in order, through rotation, truncation, deletion and re-creation."""

from __future__ import annotations

import os
import random
import shutil
import threading
import time

import pytest
from tail_support import Collector, append, numbered, texts

from logwatch.engine.sources.backfill import Backfill
from logwatch.engine.sources.line_tail import TRUNCATED_REASON, LineTailer


def _start(path, **options) -> tuple[LineTailer, Collector]:
    notices: list[str] = []
    tailer = LineTailer(path, on_notice=notices.append, **options)
    collector = Collector(tailer).start()
    collector.notices = notices
    return tailer, collector


def test_appends_in_random_pieces_arrive_once_in_order(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(b"")
    tailer, got = _start(path)
    data, rng = numbered(0, 5000), random.Random(3)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    at = 0
    while at < len(data):
        step = rng.randint(1, 300)
        os.write(fd, data[at : at + step])
        at += step
        if rng.random() < 0.02:
            time.sleep(0.002)
    os.close(fd)
    items = got.wait_count(5000)
    assert got.finish(tailer.stop) == items
    assert items == [(i + 1, b"line %d" % i) for i in range(5000)]


def test_a_partial_line_waits_for_its_newline(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(b"first\nsec")
    tailer, got = _start(path, from_start=True)
    got.wait_count(1)
    time.sleep(0.3)  # give the tailer every chance to hand out the half line
    assert texts(got.lines()) == [b"first"]
    append(path, b"ond\n")
    assert texts(got.wait_count(2)) == [b"first", b"second"]
    got.finish(tailer.stop)


def test_default_start_backfills_then_follows_and_from_start_reads_all(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(numbered(0, 50))
    tailer, got = _start(path, backfill=Backfill(lines=5))
    assert got.wait_count(5) == [(46 + i, b"line %d" % (45 + i)) for i in range(5)]
    append(path, numbered(50, 52))
    assert texts(got.wait_count(7))[-2:] == [b"line 50", b"line 51"]
    got.finish(tailer.stop)
    tailer, got = _start(path, from_start=True)
    assert len(got.wait_count(52)) == 52
    got.finish(tailer.stop)


def test_waits_for_a_file_that_does_not_exist_yet(tmp_path):
    path = tmp_path / "later" / "app.log"  # not even the folder exists
    tailer, got = _start(path, poll_seconds=0.05)
    time.sleep(0.2)
    path.parent.mkdir()
    path.write_bytes(numbered(0, 3))  # new content: read from its start, no backfill
    assert texts(got.wait_count(3)) == [b"line 0", b"line 1", b"line 2"]
    got.finish(tailer.stop)
    assert any("waiting for" in n for n in got.notices)


def test_rename_rotation_finishes_the_old_file_then_reads_the_new(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(b"")
    tailer, got = _start(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.write(fd, numbered(0, 3))
    got.wait_count(3)
    # Unread lines land in the old file just before it is renamed; its last line has
    # no newline; the new file starts straight away.
    os.write(fd, numbered(3, 2000) + b"tail of old")
    os.close(fd)
    os.rename(path, tmp_path / "app.log.1")
    append(path, numbered(0, 10, b"new"))
    items = got.wait_count(2011)
    assert texts(items) == texts([(0, t) for t in numbered(0, 2000).split(b"\n")[:-1]]) + [
        b"tail of old"
    ] + numbered(0, 10, b"new").split(b"\n")[:-1]
    assert [n for n, _ in items[-10:]] == list(range(1, 11))  # the new file counts from 1
    got.finish(tailer.stop)
    assert any("rotated" in n for n in got.notices)


def test_delete_and_recreate_with_a_gap(tmp_path):
    path = tmp_path / "app.log"
    append(path, b"")
    tailer, got = _start(path)
    append(path, numbered(0, 100))
    got.wait_count(100)
    append(path, numbered(100, 200))
    os.unlink(path)  # the open file still holds lines 100..199
    time.sleep(0.3)
    append(path, numbered(200, 300))
    items = got.wait_count(300)
    assert texts(items) == numbered(0, 300).split(b"\n")[:-1]
    got.finish(tailer.stop)
    assert any("removed or renamed" in n for n in got.notices)


def test_copy_truncate_restarts_at_zero(tmp_path):
    path = tmp_path / "app.log"
    append(path, b"")
    tailer, got = _start(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.write(fd, numbered(0, 500))
    got.wait_count(500)
    shutil.copyfile(path, tmp_path / "app.log.1")
    os.truncate(path, 0)
    os.write(fd, numbered(0, 5, b"after"))  # much shorter than what was read
    os.close(fd)
    items = got.wait_count(505)
    assert items[500:] == [(i + 1, b"after %d" % i) for i in range(5)]
    got.finish(tailer.stop)
    assert any("truncated" in n for n in got.notices)


def test_truncated_and_refilled_past_the_offset_is_caught_by_the_first_line(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(numbered(0, 10, b"old"))
    # Polling slowly: the file is emptied and refilled beyond our offset between looks.
    tailer, got = _start(path, from_start=True, poll=True, poll_seconds=0.5)
    got.wait_count(10)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.truncate(path, 0)
    os.write(fd, numbered(0, 100, b"refilled"))
    os.close(fd)
    items = got.wait_count(110)
    assert texts(items[10:]) == numbered(0, 100, b"refilled").split(b"\n")[:-1]
    assert len(items) == 110
    got.finish(tailer.stop)


def test_a_half_line_cut_by_truncation_is_reported(tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(b"one\nhalf a li")
    tailer, got = _start(path, from_start=True)
    got.wait_count(1)
    time.sleep(0.1)
    os.truncate(path, 0)
    append(path, b"fresh\n")
    got.wait_count(2)
    got.finish(tailer.stop)
    assert got.skipped == [(2, TRUNCATED_REASON)]
    assert texts(got.lines()) == [b"one", b"fresh"]


def test_polling_mode_follows_without_notifications(tmp_path):
    path = tmp_path / "app.log"
    append(path, b"")
    tailer, got = _start(path, poll=True, poll_seconds=0.02)
    append(path, numbered(0, 100))
    assert len(got.wait_count(100)) == 100
    got.finish(tailer.stop)
    assert tailer.polling


def test_falls_back_to_polling_when_notifications_do_not_arrive(tmp_path):
    # A writer using another hard link, in another folder: the watched folder hears nothing.
    (tmp_path / "watched").mkdir()
    (tmp_path / "elsewhere").mkdir()
    path, other = tmp_path / "watched" / "app.log", tmp_path / "elsewhere" / "app.log"
    append(path, b"")
    os.link(path, other)
    tailer, got = _start(path, recheck_seconds=0.2, poll_seconds=0.02)
    for i in range(3):
        append(other, numbered(i, i + 1))
        got.wait_count(i + 1)
    got.finish(tailer.stop)
    assert tailer.polling
    assert any("not arriving" in n for n in got.notices)


def test_stop_from_another_thread_ends_a_waiting_tailer(tmp_path):
    tailer, got = _start(tmp_path / "never.log")
    time.sleep(0.1)
    timer = threading.Timer(0.1, tailer.stop)
    timer.start()
    got.thread.join(10)
    assert not got.thread.is_alive()


def test_a_folder_is_refused_with_a_clear_error(tmp_path):
    from logwatch.engine.errors import UserError

    with pytest.raises(UserError, match="is a folder"):
        next(iter(LineTailer(tmp_path)))
