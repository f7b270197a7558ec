"""Mutes: what they cover, when they end, and that timed ones survive a restart."""

from __future__ import annotations

import json

from logwatch.engine.monitor.mutes import Mutes, state_file


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_mute_covers_its_server_or_component_until_it_ends(tmp_path):
    clock = Clock()
    mutes = Mutes(tmp_path / "state.json", clock)
    mutes.add("web-1", "CPU", 900)
    mutes.add("db-1", None, None)
    assert mutes.is_muted("web-1", "CPU") and not mutes.is_muted("web-1", "Disk")
    assert mutes.is_muted("db-1", "Disk") and mutes.is_muted("db-1", "CPU")
    clock.now += 901
    assert not mutes.is_muted("web-1", "CPU") and mutes.is_muted("db-1", "CPU")
    assert [m.what() for m in mutes.active()] == ["db-1"]


def test_timed_mutes_survive_a_restart_and_those_until_restart_do_not(tmp_path):
    clock = Clock()
    path = tmp_path / "logwatch" / "monitor-state.json"
    first = Mutes(path, clock)
    first.add("web-1", "CPU", 3600)
    first.add("db-1", None, None)
    saved = json.loads(path.read_text())
    assert [(m["server"], m["component"]) for m in saved["mutes"]] == [("web-1", "CPU")]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    again = Mutes(path, clock)
    assert again.is_muted("web-1", "CPU") and not again.is_muted("db-1", "CPU")
    again.lift(again.active()[0])
    assert not Mutes(path, clock).active()
    again.add("web-2", None, 5)  # an expired mute is not loaded
    clock.now += 6
    assert not Mutes(path, clock).active()


def test_a_damaged_state_file_is_reported_in_one_line_and_ignored(tmp_path):
    path = tmp_path / "monitor-state.json"
    path.write_text('{"mutes": [{"server": "a"')
    mutes = Mutes(path, Clock())
    assert mutes.active() == [] and str(path) in (mutes.problem or "") and "\n" not in mutes.problem


def test_a_state_file_that_cannot_be_written_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    mutes = Mutes(blocker / "monitor-state.json", Clock())  # its folder is a file
    mutes.add("web-1", None, 60)
    assert mutes.is_muted("web-1", "CPU") and "not saved" in (mutes.problem or "")


def test_the_state_file_sits_next_to_the_models_folder(tmp_path):
    assert state_file(tmp_path / "logwatch" / "models" / "current") == tmp_path / "logwatch" / "monitor-state.json"
