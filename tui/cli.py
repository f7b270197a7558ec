"""The `logwatch` command: a thin dispatcher over one module per subcommand.

Each module in `logwatch.tui.commands` exposes `add_parser(subparsers)` and
`run(args) -> int`. They import heavy libraries inside `run`, so `--help` is instant and
never imports Textual or TensorFlow.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from logwatch.engine.errors import UserError

COMMANDS = ("generate", "train", "eval", "tui")
"""Subcommand modules, in the order `--help` lists them."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # only for --version

    try:
        return version("logwatch")
    except PackageNotFoundError:  # running from a source tree without an install
        return "unknown"


class _VersionAction(argparse.Action):
    """`--version`: looks the installed version up only when asked (it costs a metadata scan)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"logwatch {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logwatch",
        description="Live anomaly monitor for server metric logs, in the terminal.",
    )
    parser.add_argument("--version", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"logwatch.tui.commands.{name}")
        module.add_parser(subparsers)
        subparsers.choices[name].set_defaults(command_parser=subparsers.choices[name])
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said with the subcommand's usage, not the top level's
        getattr(args, "command_parser", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except UserError as error:
        print(f"logwatch: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `logwatch generate | head`: the reader left; nothing to report.
        sys.stderr.close()
        return 0
