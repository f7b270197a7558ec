"""`python -m logwatch.training SOURCE [options]`: the same as `logwatch train` (the TUI runs
this as a subprocess and reads `--progress jsonl` events from its stdout)."""

from __future__ import annotations

import argparse
import sys

from logwatch.engine.errors import UserError
from logwatch.training.cli_args import add_train_arguments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m logwatch.training",
        description="Train an autoencoder on a log and write a model bundle.",
    )
    add_train_arguments(parser)
    args = parser.parse_args(argv)
    from logwatch.training.run import run_train

    try:
        return run_train(args)
    except UserError as error:
        print(f"logwatch: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
