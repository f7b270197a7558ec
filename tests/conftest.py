"""Shared test helpers: run the real `logwatch` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_logwatch(*args: str, input: bytes | None = None, timeout: float = 120,
                 cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m logwatch.tui ARGS` with no terminal, as CI would."""
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    return subprocess.run([sys.executable, "-m", "logwatch.tui", *args], input=input,
                          capture_output=True, timeout=timeout, env=env, cwd=cwd)


@pytest.fixture
def logwatch():
    return run_logwatch


@pytest.fixture(autouse=True)
def isolated_data_home(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's model folder (~/.local/share/logwatch): a model a
    person trained there must not change which detector a test gets. Subprocesses inherit it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
