"""The import rules of ARCHITECTURE.md, checked statically by import-linter.

The contracts live in pyproject.toml (`[tool.importlinter]`); each is run here with
`lint-imports --contract ID`, so `make test` checks them. The fresh-interpreter tests
(tests/engine/test_import_hygiene.py, tests/tui/test_tui_imports.py) prove what is loaded at
run time; these contracts cover every import in the code, deferred ones included.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in SETTINGS["contracts"]}
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# Contracts broken today, each with why. Strict: the moment the import goes, the test of that
# contract passes, pytest reports XPASS(strict) as a failure, and the entry must go from here.
KNOWN_BROKEN: dict[str, str] = {}


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("contract_id", [
    pytest.param(cid, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BROKEN[cid]))
    if cid in KNOWN_BROKEN else cid
    for cid in CONTRACTS
])
def test_contract_is_kept(contract_id):
    done = lint_imports("--contract", contract_id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 1 kept, 0 broken." in done.stdout, done.stdout


def test_known_broken_names_real_contracts():
    assert set(KNOWN_BROKEN) <= set(CONTRACTS)


def test_contracts_see_the_code_and_its_external_imports(tmp_path):
    """A contract the code surely breaks (the TUI imports Textual) is reported broken.

    So the contracts above pass because the code keeps them, not because import-linter found
    no modules or dropped the external packages.
    """
    config = tmp_path / "probe.toml"
    roots = ", ".join(f'"{root}"' for root in SETTINGS["root_packages"])
    config.write_text(
        "[tool.importlinter]\n"
        f"root_packages = [{roots}]\n"
        f"include_external_packages = {str(SETTINGS['include_external_packages']).lower()}\n"
        "[[tool.importlinter.contracts]]\n"
        'id = "probe"\nname = "probe"\ntype = "forbidden"\n'
        'source_modules = ["logwatch.tui"]\nforbidden_modules = ["textual"]\n',
        encoding="utf-8")
    done = lint_imports(str(config))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Contracts: 0 kept, 1 broken." in done.stdout, done.stdout
    assert "-> textual" in done.stdout, done.stdout
