"""`logwatch tui` refuses what it cannot do with one line and status 2."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from logwatch.engine.errors import UserError
from logwatch.tui.live_source import open_source
from logwatch.tui.options import DEMO_SPEED, MonitorOptions


def test_without_a_terminal_it_says_so_and_exits_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "logwatch.tui", "tui", "--model", str(tmp_path)],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("logwatch: the terminal UI needs a terminal (stdin and stdout); "
                                     "for a run without one use --export OUT")


def test_bad_options_are_refused_before_the_ui_starts():
    with pytest.raises(UserError, match="--threshold: expected a positive number"):
        MonitorOptions.from_args(argparse.Namespace(threshold=-1.0))
    with pytest.raises(UserError, match="cannot read standard input"):
        open_source(MonitorOptions(source=Path("-")), print)


def test_demo_defaults_and_file_defaults():
    demo = MonitorOptions.from_args(argparse.Namespace(source=None))
    assert demo.source is None and demo.speed == DEMO_SPEED and demo.zoom == 300.0
    tail = MonitorOptions.from_args(argparse.Namespace(source="x.jsonl", model="~/m", from_start=True, backfill="15m"))
    assert tail.zoom is None and tail.model_dir == Path("~/m").expanduser()
    assert (tail.from_start, tail.backfill) == (True, "15m")
    source = open_source(MonitorOptions(), print)
    assert source.name == f"generator {DEMO_SPEED:g}x"
