"""Packaging: every code folder is in pyproject, and an installed wheel works from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROOTS = {"engine": "logwatch.engine", "training": "logwatch.training", "tui": "logwatch.tui",
         "config": "logwatch.config"}


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for folder, dotted in ROOTS.items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder).parts
            found.add(".".join((dotted, *relative)))
    assert found == listed


def test_version_and_help(logwatch):
    version = logwatch("--version")
    assert version.returncode == 0 and version.stdout.decode().startswith("logwatch ")
    help_text = logwatch("--help").stdout.decode()
    assert "generate" in help_text


@pytest.mark.slow
def test_installed_wheel_runs_from_any_folder(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                           capture_output=True, timeout=300)
    assert build.returncode == 0, build.stderr.decode()[-2000:]
    target = tmp_path / "site"
    (wheel,) = wheels.glob("logwatch-*.whl")
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                              str(wheel)], capture_output=True, timeout=300)
    assert install.returncode == 0, install.stderr.decode()[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target))
    result = subprocess.run([sys.executable, "-m", "logwatch.tui", "generate", "--entries", "3"],
                            capture_output=True, cwd=elsewhere, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(b"\n") == 3
    where = subprocess.run([sys.executable, "-c", "import logwatch.engine; print(logwatch.engine.__file__)"],
                           capture_output=True, cwd=elsewhere, env=env, text=True)
    assert where.stdout.startswith(str(target))
