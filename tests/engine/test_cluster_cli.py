"""Bad arguments get the same one-line `logwatch:` errors with either engine, before Ray starts."""

from __future__ import annotations

import pytest

from engine_support import run_cli

pytest.importorskip("ray.data", reason="needs the cluster extra: pip install 'logwatch[cluster]'")


def _errors(*args: str) -> list[tuple[int, str]]:
    runs = [run_cli("tui", *args, "--detector", "zscore", "--engine", engine) for engine in ("local", "ray")]
    return [(done.returncode, done.stderr.decode().strip()) for done in runs]


def test_a_glob_matching_nothing_and_a_bad_out_fail_alike(generated, tmp_path):
    nothing = _errors(str(tmp_path / "*.jsonl.gz"), "--export", str(tmp_path / "out.csv"))
    assert nothing[0] == nothing[1] == (2, f"logwatch: {tmp_path / '*.jsonl.gz'}: no file matches")
    bad_out = _errors(str(generated), "--export", str(tmp_path / "out.xlsx"))
    assert bad_out[0] == bad_out[1] and bad_out[0][0] == 2 and "unknown extension '.xlsx'" in bad_out[0][1]
    assert list(tmp_path.iterdir()) == []


def test_ray_refuses_what_it_cannot_do_in_one_line(generated, tmp_path):
    stdin = run_cli("tui", "-", "--export", str(tmp_path / "out.csv"), "--engine", "ray", input=b"")
    assert (stdin.returncode, stdin.stderr.decode().strip()) == (
        2, "logwatch: --engine ray reads files, not standard input (-)")
    monitor = run_cli("tui", str(generated), "--engine", "ray")
    assert monitor.returncode == 2 and monitor.stderr.decode().strip().startswith("logwatch: --engine ray needs --export")
