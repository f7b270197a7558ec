"""`logwatch tui [SOURCE]`: the terminal UI, or with --export a headless scoring run.

With --export nothing from Textual is imported: the run works with no terminal at all
(stdin/stdout not ttys, TERM unset), scores SOURCE to its end, writes OUT and exits.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from logwatch.engine.errors import UserError

if TYPE_CHECKING:
    from logwatch.engine.notify import Notifier, NotifyCounts
    from logwatch.engine.sources.base import Source


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tui",
        help="watch logs in the terminal UI, or score them headless with --export",
        description="Score server metric logs for anomalies. Without --export, opens the "
        "terminal UI; with --export OUT, scores SOURCE to its end and writes OUT "
        "(.csv, .jsonl or .parquet) without any terminal.",
    )
    parser.add_argument("source", nargs="*", metavar="SOURCE",
                        help="log file (JSON lines or CSV, optionally .gz), or - for standard input; "
                        "also several files, a glob ('logs/*.jsonl') or a folder, followed together "
                        "(new files join) or read whole with --export")
    parser.add_argument("--export", metavar="OUT", help="headless: write scored entries to OUT "
                        "(extension picks the format: .csv, .jsonl, .parquet)")
    parser.add_argument("--all", action="store_true",
                        help="export every entry (default: only predicted anomalies)")
    parser.add_argument("--no-trace-back", action="store_true",
                        help="with --export: flag only entries over the threshold, without tracing "
                        "each confirmed alarm back to where it began")
    parser.add_argument("--model", metavar="DIR",
                        help="model bundle folder (default: the per-user models/current)")
    parser.add_argument("--detector", choices=("zscore", "autoencoder"),
                        help="default: the autoencoder when a model exists, else z-score")
    parser.add_argument("--threshold", metavar="X",  # checked by engine.score.parse_threshold
                        help="score above which an entry is an anomaly (overrides the model's)")
    parser.add_argument("--eval", action="store_true",
                        help="print confusion matrix, precision, recall, F1 and recall per "
                        "anomaly_type (input needs `anomalous` labels)")
    parser.add_argument("--follow", action="store_true", help="keep reading SOURCE as it grows")
    parser.add_argument("--from-start", action="store_true",
                        help="with --follow: read the existing content first")
    parser.add_argument("--poll", action="store_true",
                        help="with --follow: poll the file instead of waiting for change events")
    parser.add_argument("--backfill", metavar="N|Tm",
                        help="when following: start with the last N entries (default 10000) or "
                        "the last T minutes (15m) or hours (2h) before the newest entry")
    parser.add_argument("--notify", metavar="CMD",
                        help="run CMD through the shell for each new incident, with the incident as "
                        "one JSON object on its standard input (headless and the monitor)")
    parser.add_argument("--notify-every", metavar="DURATION",
                        help="with --notify: at most one notification per server and component per "
                        "DURATION: seconds (300) or 90s, 5m, 1h; 0 for no limit (default 5m)")
    parser.add_argument("--config", metavar="PATH", help="config.json (default: the shipped one)")
    parser.add_argument("--speed", type=float, metavar="X",
                        help="without SOURCE: simulated seconds per real second of the built-in "
                        "generator (default 360: a simulated day every four minutes)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="with --export: score here (local, the default) or on Ray (needs "
                        "pip install 'logwatch[cluster]'; see docs/cluster.md)")
    parser.add_argument("--ray-address", metavar="ADDR",
                        help="with --engine ray: the cluster to use (default: $RAY_ADDRESS, else a "
                        "local Ray on this machine)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    args.sources, args.source = args.source, (args.source[0] if args.source else None)
    if args.export is None and args.engine == "ray":
        raise UserError("--engine ray needs --export OUT (the monitor runs locally)")
    if args.export is None:
        return _launch_tui(args)
    try:
        if args.engine == "ray":
            from logwatch.tui.commands.tui_ray import run_ray

            return run_ray(args)
        return _headless(args)
    except BaseException:  # Ctrl-C, SIGTERM, an error: no temporary file of OUT stays behind
        from logwatch.engine.export import remove_after_interrupt

        remove_after_interrupt(Path(args.export).expanduser())
        raise


def _launch_tui(args: argparse.Namespace) -> int:
    try:
        from logwatch.tui.app import launch  # type: ignore[import-not-found]
    except ModuleNotFoundError as error:
        if error.name not in ("logwatch.tui.app",):
            raise
        print("logwatch: the terminal UI is not built yet; use --export OUT for a headless run",
              file=sys.stderr)
        return 2
    return int(launch(args) or 0)


def _interrupt_on_sigterm() -> None:
    """`kill` behaves like Ctrl-C: the export is aborted, no half file stays."""
    if threading.current_thread() is threading.main_thread():
        def handler(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, handler)


def _stop_on_signals(source: Source) -> None:
    """Following: SIGINT and SIGTERM stop the tailer, and what was read is scored and
    written; a second Ctrl-C interrupts at once. (Python delivers signals to the main
    thread only.)"""
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, frame: object) -> None:
        if signum == signal.SIGINT:  # a second Ctrl-C is the usual way out
            signal.signal(signal.SIGINT, signal.default_int_handler)
        source.stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)


def _headless(args: argparse.Namespace) -> int:
    from logwatch.engine.export import check_target, open_follow_export, open_writer
    from logwatch.engine.headless import run_headless
    from logwatch.engine.model_loader import load_model
    from logwatch.engine.notify import NOTIFY_EVERY, Notifier, notify_options, notify_scored
    from logwatch.engine.score import Scorer
    from logwatch.engine.sources.open import SourceSpec, open_source
    from logwatch.tui.options import check_follow_only

    command, every = notify_options(args.notify, args.notify_every, NOTIFY_EVERY)
    if args.source is None:
        raise UserError("--export needs a SOURCE: a log file, a .gz file, or - for standard input")
    if args.config is not None:
        from logwatch.engine.config import load_config

        load_config(args.config)  # a bad config is reported before any work
    check_follow_only(args, args.follow, "add --follow to follow it")
    check_target(args.export)
    scorer = Scorer(load_model(args.detector or "auto", args.model).detector, args.threshold,
                    trace_back=not args.no_trace_back)
    evaluation = None
    if args.eval:  # the metrics module only when asked for
        from logwatch.engine.evaluate import Evaluation

        evaluation = Evaluation()
    spec = SourceSpec.of(args.sources, follow=args.follow, from_start=args.from_start,
                         backfill=args.backfill, poll=args.poll)
    source = open_source(spec, on_notice=_say)  # an unreadable first SOURCE fails here
    if args.follow:  # SIGINT/SIGTERM stop the tailer; what was read is scored and written
        _stop_on_signals(source)
        open_export = lambda labels: open_follow_export(args.export, labels=labels)  # noqa: E731
    else:
        _interrupt_on_sigterm()
        open_export = lambda labels: open_writer(args.export, labels=labels)  # noqa: E731
    print(f"logwatch: {scorer.detector.why}", file=sys.stderr)
    notifier = None if command is None else Notifier(command, every=every, on_problem=_say)
    done = False
    try:
        summary = run_headless(
            source,
            scorer,
            open_export,
            write_all=args.all,
            evaluation=evaluation,
            on_scored=None if notifier is None else notify_scored(notifier),
        )
        done = True
    finally:
        counts = None if notifier is None else _close(notifier, interrupted=not done)
    if evaluation is not None:
        from logwatch.engine.evaluate import format_report

        print(format_report(evaluation))
    print(summary.line())
    if counts is not None:
        print(counts.line(every))
    return 0


def _say(text: str) -> None:
    print(f"logwatch: {text}", file=sys.stderr, flush=True)


def _close(notifier: Notifier, *, interrupted: bool) -> NotifyCounts:
    """Deliver what is queued (a bounded wait). After an interruption no summary is
    printed, so the counts go to stderr."""
    from logwatch.engine.notify import STOP_WAIT

    counts = notifier.close(STOP_WAIT, say=_say)
    if interrupted:
        _say(counts.line(notifier.every))
    return counts
