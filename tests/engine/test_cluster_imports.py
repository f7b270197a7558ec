"""Ray is imported only by `--engine ray`: the headless path never loads it, and without it
`--engine ray` says in one line how to install it (checked in fresh interpreters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

BLOCK_RAY = """
import sys
class NoRay:
    def find_spec(self, name, path=None, target=None):
        if name == "ray" or name.startswith("ray."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoRay())
"""

SCRIPT = """
import json, sys
import logwatch.engine.headless, logwatch.engine.cluster.export, logwatch.tui.commands.tui_ray
from logwatch.tui.cli import main
code = main(["tui", *sys.argv[1:]])
print(json.dumps({"code": code, "ray": sorted(m for m in sys.modules if m.split(".")[0] == "ray")}))
"""


def _run(*args: str, block: bool = False) -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    done = subprocess.run([sys.executable, "-c", (BLOCK_RAY if block else "") + SCRIPT, *args],
                          capture_output=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    return json.loads(done.stdout.decode().strip().splitlines()[-1]), done.stderr.decode()


def test_the_local_export_of_several_files_loads_no_ray(generated, tmp_path):
    result, _ = _run(str(generated), str(generated), "--export", str(tmp_path / "out.csv"), "--detector", "zscore")
    assert result == {"code": 0, "ray": []}


def test_without_ray_the_engine_says_how_to_install_it(generated, tmp_path):
    result, stderr = _run(str(generated), "--export", str(tmp_path / "out.csv"), "--engine", "ray", block=True)
    assert result["code"] == 2
    assert stderr.strip() == "logwatch: --engine ray needs Ray: pip install 'logwatch[cluster]'"
    assert list(tmp_path.iterdir()) == []
