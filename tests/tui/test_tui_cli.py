"""`logwatch tui` refuses what it cannot do with one line and status 2."""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from tui_support import FROZEN_NOW, make_app, wait_until, write_log

from logwatch.engine.errors import UserError
from logwatch.engine.sources.open import open_source
from logwatch.tui.options import DEMO_SPEED, MonitorOptions


def test_without_a_terminal_it_says_so_and_exits_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "logwatch.tui", "tui", "--model", str(tmp_path)],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("logwatch: the terminal UI needs a terminal (stdin and stdout); "
                                     "for a run without one use --export OUT")


def test_bad_options_are_refused_before_the_ui_starts():
    with pytest.raises(UserError, match="the threshold must be a positive number"):
        MonitorOptions.from_args(argparse.Namespace(threshold="-1"))
    with pytest.raises(UserError, match="cannot read standard input"):
        MonitorOptions(source=Path("-")).source_spec()


def test_demo_defaults_and_file_defaults():
    demo = MonitorOptions.from_args(argparse.Namespace(source=None))
    assert demo.source is None and demo.speed == DEMO_SPEED and demo.zoom == 300.0
    tail = MonitorOptions.from_args(argparse.Namespace(source="x.jsonl", model="~/m", from_start=True, backfill="15m"))
    assert tail.zoom is None and tail.model_dir == Path("~/m").expanduser()
    assert (tail.from_start, tail.backfill) == (True, "15m")
    source = open_source(MonitorOptions().source_spec())
    assert source.name == f"generator {DEMO_SPEED:g}x"


def _logwatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "logwatch.tui", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("given", [["--backfill", "abc"], ["--backfill", "500"], ["--from-start"], ["--poll"]])
def test_follow_only_options_are_refused_when_nothing_is_followed(tmp_path, given):
    log = write_log(tmp_path / "log.jsonl", 50)
    out = tmp_path / "out.csv"
    option = given[0]
    headless = _logwatch("tui", str(log), "--export", str(out), *given)
    assert (headless.returncode, headless.stderr) == (
        2, f"logwatch: {option} applies only when following SOURCE; add --follow to follow it\n")
    assert not out.exists()
    demo = _logwatch("tui", *given)
    assert (demo.returncode, demo.stderr) == (
        2, f"logwatch: {option} applies only when following SOURCE; the built-in generator is not a file\n")


def test_a_bad_backfill_is_refused_before_anything_else(tmp_path):
    log = write_log(tmp_path / "log.jsonl", 50)
    for args in (["tui", str(log)], ["tui", str(log), "--export", str(tmp_path / "o.csv"), "--follow"]):
        done = _logwatch(*args, "--backfill", "abc")
        assert done.returncode == 2
        assert done.stderr.startswith("logwatch: --backfill: expected a number of entries")
        assert len(done.stderr.splitlines()) == 1


def test_an_unknown_option_shows_the_usage_of_its_command():
    done = _logwatch("tui", "--bogus")
    assert done.returncode == 2
    assert done.stderr.startswith("usage: logwatch tui ")
    assert done.stderr.splitlines()[-1] == "logwatch tui: error: unrecognized arguments: --bogus"


BAD_THRESHOLDS = ("abc", "-1", "0", "nan")


@pytest.mark.parametrize("typed", BAD_THRESHOLDS)
async def test_a_bad_threshold_gets_the_same_words_everywhere(tmp_path, typed):
    from textual.widgets import Input, Label

    from logwatch.tui.screens.threshold_input import ThresholdInput

    words = f"the threshold must be a positive number such as 4.5, got {typed!r}"
    log = write_log(tmp_path / "log.jsonl", 50)
    for args in (["tui", str(log), "--export", str(tmp_path / "o.csv")], ["tui", str(log)]):
        done = _logwatch(*args, f"--threshold={typed}")
        assert (done.returncode, done.stderr) == (2, f"logwatch: {words}\n")
    app = make_app(tmp_path, steps=50)
    with pytest.raises(UserError, match=f"^{words}$"):
        app.state.set_threshold(float(typed) if typed != "abc" else typed)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, ThresholdInput))
        app.screen.query_one(Input).value = typed
        await pilot.press("enter")
        hint = app.screen.query_one("#hint", Label)
        assert isinstance(app.screen, ThresholdInput) and str(hint.render()) == words
        app.stop_background()


async def test_the_monitor_reads_a_gz_file_whole_once(tmp_path):
    from logwatch.tui.app import LogwatchApp

    plain = write_log(tmp_path / "log.jsonl", 300)
    packed = tmp_path / "log.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    options = MonitorOptions(source=packed, model_dir=tmp_path / "models" / "current", auto_train=False, zoom=300.0)
    assert not options.source_spec().follow
    app = LogwatchApp(options, clock=lambda: FROZEN_NOW)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.ended is not None)
            assert app.ended == "source ended" and app.source_name == f"read {packed}"
            assert len(app.state.history) == 300 * 9  # every entry, read once
    finally:
        app.stop_background()


def test_the_monitor_refuses_follow_options_for_a_gz_file(tmp_path):
    packed = tmp_path / "log.jsonl.gz"
    packed.write_bytes(gzip.compress(write_log(tmp_path / "log.jsonl", 20).read_bytes()))
    done = _logwatch("tui", str(packed), "--from-start")
    assert (done.returncode, done.stderr) == (
        2, "logwatch: --from-start applies only when following SOURCE; a .gz file is read once\n")
