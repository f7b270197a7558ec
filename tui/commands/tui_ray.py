"""`logwatch tui SOURCE... --export OUT --engine ray`: the headless export, scored on Ray.

Checks everything a local export checks, in the same order and with the same one-line
errors (plus what Ray cannot do: follow, read standard input, evaluate or notify), then
hands the files to `logwatch.engine.cluster`.
"""

from __future__ import annotations

import argparse
import sys

from logwatch.engine.errors import UserError

NOT_ON_RAY = (("follow", "--follow"), ("eval", "--eval"), ("notify", "--notify"))


def run_ray(args: argparse.Namespace) -> int:
    from logwatch.engine.cluster.export import check_out, export_on_ray
    from logwatch.engine.model_loader import make_detector
    from logwatch.engine.score import Scorer
    from logwatch.engine.sources.paths import expand_sources
    from logwatch.tui.commands.tui import _interrupt_on_sigterm

    for name, flag in NOT_ON_RAY:
        if getattr(args, name):
            raise UserError(f"{flag} is not available with --engine ray (use --engine local)")
    if not args.sources:
        raise UserError("--export needs a SOURCE: a log file, a .gz file, or - for standard input")
    if "-" in args.sources:
        raise UserError("--engine ray reads files, not standard input (-)")
    if args.config is not None:
        from logwatch.engine.config import load_config

        load_config(args.config)
    check_out(args.export)
    paths = expand_sources(args.sources)
    scorer = Scorer(make_detector(args.detector or "auto", args.model), args.threshold,
                    trace_back=not args.no_trace_back)
    _interrupt_on_sigterm()
    print(f"logwatch: {scorer.detector.why}", file=sys.stderr)
    summary = export_on_ray(paths, scorer, args.export, write_all=args.all, address=args.ray_address)
    print(summary.line())
    return 0
