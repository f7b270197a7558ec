"""The monitor's allocator settings reach polars' jemalloc and go no further."""

from __future__ import annotations

import os
import subprocess
import sys

VARIABLE = "_RJEM_MALLOC_CONF"


def _python(code: str, inherited: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -c code` started as from a shell, or from a process that used polars (which
    sets the variable to its defaults for its children)."""
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    if inherited is not None:
        env[VARIABLE] = inherited
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)


# An invalid setting is the one thing jemalloc reports: it proves that the settings are read.
INVALID = "import logwatch.tui.memory as m; m.POLARS_ALLOCATOR = 'not_a_setting:1'; "


def test_polars_jemalloc_reads_the_monitors_settings_and_the_variable_is_restored() -> None:
    done = _python(INVALID + f"m.frugal_allocators(); import os; print(os.environ.get({VARIABLE!r}))")
    assert "Invalid conf pair: not_a_setting:1" in done.stderr, done.stderr
    assert done.stdout.strip() == "None"  # subprocesses (training, --notify) keep polars' defaults


def test_the_app_sets_the_allocators_before_polars_loads() -> None:
    done = _python(INVALID + "import logwatch.tui.app")
    assert "Invalid conf pair: not_a_setting:1" in done.stderr, done.stderr


def test_settings_passed_down_by_a_polars_parent_come_first() -> None:
    inherited = "dirty_decay_ms:500,muzzy_decay_ms:1000"
    done = _python(INVALID + f"m.frugal_allocators(); import os; print(os.environ.get({VARIABLE!r}))", inherited)
    assert "Invalid conf pair: not_a_setting:1" in done.stderr, done.stderr
    assert done.stdout.strip() == inherited
