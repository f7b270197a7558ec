"""Runs every bench/bench_*.py module and prints one table.

Each module exposes `run(quick: bool) -> list[Row]`. `--quick` uses smaller inputs (a
smoke run); `--only NAME` runs the modules whose name contains NAME.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

import bench
from bench.table import format_table


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small inputs: checks the benches run")
    parser.add_argument("--only", metavar="NAME", help="run only modules whose name contains NAME")
    args = parser.parse_args()
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if args.only in n]
    sections = []
    for name in names:
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        sections.append((name.removeprefix("bench_"), module.run(args.quick)))
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(format_table(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
