"""Which files a followed folder or glob holds: logrotate's names for rotated files and
files already followed under another name are never new logs; other new files join and are
read from their start; a plain path is followed whatever its name."""

from __future__ import annotations

import os

import pytest
from tail_support import Collector

from logwatch.engine.sources.multi_tail import MultiTail
from logwatch.engine.sources.rotated_copy import rotated_originals


@pytest.mark.parametrize(("name", "original"), [
    ("app.log.1", "app.log"), ("app.log.2.gz", "app.log"), ("app.log-20250105", "app.log"),
    ("app.log.2025-01-05", "app.log"), ("app.1.log", "app.log"), ("app-20250105.log", "app.log"),
    ("web-1.1.log", "web-1.log"),
])
def test_logrotate_names_lead_back_to_the_rotated_file(name, original):
    assert rotated_originals(name) == {original}


@pytest.mark.parametrize("name", ["app.log", "app.log.bak", "app-2.log", "web-10.log", "app.log-1"])
def test_other_names_are_logs_of_their_own(name):
    assert rotated_originals(name) == set()


def _names(source: MultiTail) -> list[str]:
    return sorted(os.path.basename(f.path) for f in source.files())


def _entry(value: int) -> bytes:
    return b'{"timestamp": "2025-01-05T00:00:%02d", "server": "s", "component": "CPU", "value": %d}\n' % (
        value % 60, value)


def test_rotated_files_at_the_start_are_left_out_but_a_plain_path_is_followed(tmp_path):
    for name in ("web.log", "web.log.1", "web.1.log", "web-2.log", "web.log.2.gz"):
        (tmp_path / name).write_bytes(_entry(1))
    assert _names(MultiTail([str(tmp_path)])) == ["web-2.log", "web.log"]
    assert _names(MultiTail([str(tmp_path / "*.log*")])) == ["web-2.log", "web.log"]
    assert _names(MultiTail([str(tmp_path), str(tmp_path / "web.log.1")])) == ["web-2.log", "web.log", "web.log.1"]


def test_new_files_join_renamed_ones_do_not(tmp_path):
    (tmp_path / "a.log").write_bytes(_entry(1))
    source = MultiTail([str(tmp_path)], from_start=True)
    got = Collector(source, explode=lambda batch: (batch.frame["value"].to_list(), [])).start()
    got.wait_count(1)
    os.rename(tmp_path / "a.log", tmp_path / "archived.log")  # any name: the same file
    with open(tmp_path / "archived.log", "ab") as file:
        file.write(_entry(2))  # the writer still has it open
    (tmp_path / "b.log").write_bytes(_entry(3))
    got.wait_count(3)
    assert sorted(got.finish(source.stop)) == [1, 2, 3]
    assert _names(source) == ["a.log", "b.log"]
    states = {os.path.basename(f.path): f.state for f in source.files()}
    assert states == {"a.log": "rotated", "b.log": "following"}


def _open_fds_on(path) -> list[str]:
    """This process's descriptors on `path` (a deleted file reads as 'PATH (deleted)')."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile (listdir's own descriptor)
            continue
        if target.removesuffix(" (deleted)") == str(path):
            found.append(target)
    return found


def test_a_deleted_file_is_read_to_its_end_then_closed_and_a_new_one_at_its_path_is_read(tmp_path):
    log = tmp_path / "web.log"
    log.write_bytes(_entry(1))
    (tmp_path / "other.log").write_bytes(_entry(2))
    source = MultiTail([str(tmp_path)], from_start=True, gone_seconds=1.0)
    got = Collector(source, explode=lambda batch: (batch.frame["value"].to_list(), [])).start()
    got.wait_count(2)
    with open(log, "ab") as writer:  # its last lines, the last without a newline, then deleted
        writer.write(_entry(3) + _entry(4).rstrip(b"\n"))
    log.unlink()
    states = lambda: {os.path.basename(f.path): f.state for f in source.files()}  # noqa: E731
    got.wait_count(3)
    assert _open_fds_on(log) == [f"{log} (deleted)"] and states()["web.log"] == "gone"  # not closed at once
    got.wait_for(lambda _: not _open_fds_on(log), "the deleted file to be closed")
    assert states() == {"web.log": "gone (closed)", "other.log": "following"}
    assert sorted(got.wait_count(4)) == [1, 2, 3, 4]  # its rest, and its unterminated last line, once
    log.write_bytes(_entry(5))  # a host back under the same name: a new file, from its start
    got.wait_count(5)
    assert sorted(got.finish(source.stop)) == [1, 2, 3, 4, 5] and states()["web.log"] == "following"
    assert _open_fds_on(log) == []  # closed when iteration ended
