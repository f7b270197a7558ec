"""How the monitor was asked to run: the `logwatch tui` options plus the demo's choices."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

from logwatch.engine.errors import UserError
from logwatch.engine.notify import NOTIFY_EVERY, notify_options
from logwatch.engine.parse import is_compressed
from logwatch.engine.score import parse_threshold
from logwatch.engine.sources.open import SourceSpec, can_follow

DEMO_SPEED = 360.0
"""Simulated seconds per real second for the generator demo: a simulated day every four
minutes (about 320 entries/s with the default config), so the daily pattern is visible
within minutes while each anomaly still spans several sparkline columns."""
DEMO_ZOOM = 300.0
"""Sparkline column span for the demo (5 min of log time): a column every ~1 s of real time."""
FIRST_MODEL_ENTRIES = 20_000
"""Entries in memory before a first model is trained when there is none (enough windows
for a useful model)."""
FIRST_MODEL_SECONDS = 86_400.0
"""Log time the entries in memory must span before a first model is trained (or the
history is full): a model from a few hours has not seen the rest of the day and floods
the hours it never saw (measured: bench/bench_first_model.py). Four minutes of the demo."""


FOLLOW_ONLY = (("from_start", "--from-start"), ("poll", "--poll"), ("backfill", "--backfill"))
"""Options that say how to follow a file: (attribute, option)."""


def check_follow_only(args: argparse.Namespace, following: bool, otherwise: str) -> None:
    """Refuse follow-only options when nothing is followed (`otherwise` says why not), and a
    bad `--backfill` before any work. Raises UserError."""
    given = [option for name, option in FOLLOW_ONLY if getattr(args, name, None) not in (None, False)]
    if given and not following:
        verb = "applies" if len(given) == 1 else "apply"
        raise UserError(f"{', '.join(given)} {verb} only when following SOURCE; {otherwise}")
    backfill = getattr(args, "backfill", None)
    if backfill is not None:
        from logwatch.engine.sources.backfill import Backfill

        Backfill.parse(backfill)


@dataclass(frozen=True)
class MonitorOptions:
    source: Path | None = None
    """Log file to tail (the first SOURCE); None runs the in-process generator (the demo)."""
    more_sources: tuple[str, ...] = ()
    """Further SOURCEs: all are followed together (as a glob or folder `source` is)."""
    model_dir: Path | None = None
    """Bundle folder (`--model`); None is the per-user default."""
    detector: str = "auto"
    threshold: float | None = None
    config: str | None = None
    poll: bool = False
    from_start: bool = False
    backfill: str | None = None
    """`--backfill N|Tm`: how much of an existing file to show first (None: the tailer's default)."""
    speed: float = DEMO_SPEED
    seed: int | None = None
    auto_train: bool = True
    """Train a first model in the background when there is none."""
    first_model_entries: int = FIRST_MODEL_ENTRIES
    first_model_seconds: float = FIRST_MODEL_SECONDS
    train_backend: str = "sklearn"
    """Backend of the background first model and the retrain dialog's first default (sklearn is
    quick and needs no TensorFlow; the dialog can switch to keras)."""
    train_epochs: int | None = None
    """None: the training package's default (early stopping ends most runs sooner)."""
    refresh_hz: float = 4.0
    """Repaints per second (only when something changed)."""
    zoom: float | None = None
    """Sparkline column span in seconds; None is the log's own step."""
    notify: str | None = None
    """`--notify CMD`: run for each new incident (None: no notifications)."""
    notify_every: float = NOTIFY_EVERY
    """`--notify-every`: seconds between notifications of one server and component."""

    def source_spec(self) -> SourceSpec:
        """What the monitor reads: SOURCE, followed as it grows (a `.gz` is read once), or
        the demo's generator. Raises UserError for standard input (the keyboard is there)
        and for a bad config, before the UI starts."""
        if self.source is None:
            return SourceSpec(config=self.config, seed=self.seed, speed=self.speed)
        path = str(self.source)
        if path == "-" or "-" in self.more_sources:
            raise UserError("SOURCE: the terminal UI cannot read standard input (the keyboard "
                            "is there); give a file, or use --export OUT for a headless run")
        if self.config is not None:
            from logwatch.engine.config import load_config

            load_config(self.config)  # used by the demo only, but a bad one is said at once
        spec = SourceSpec(path, self.more_sources, from_start=self.from_start, backfill=self.backfill,
                          poll=self.poll)
        return replace(spec, follow=spec.is_set or can_follow(path))

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> MonitorOptions:
        """Raises UserError for values the monitor cannot use."""
        threshold = getattr(args, "threshold", None)
        if threshold is not None:
            threshold = parse_threshold(threshold)
        source = getattr(args, "source", None)
        sources = getattr(args, "sources", None) or ([source] if source else [])
        if not source:
            check_follow_only(args, False, "the built-in generator is not a file")
        else:
            check_follow_only(args, len(sources) > 1 or not is_compressed(source), "a .gz file is read once")
        model = getattr(args, "model", None)
        speed = getattr(args, "speed", None)
        if speed is not None and not (speed > 0 and speed < 1e9):
            raise UserError(f"--speed: expected a positive number, got {speed:g}")
        if speed is not None and source:
            raise UserError("--speed sets the pace of the built-in generator; it does not apply to SOURCE")
        notify, notify_every = notify_options(getattr(args, "notify", None), getattr(args, "notify_every", None),
                                              NOTIFY_EVERY)
        return cls(
            source=Path(source) if source else None,
            more_sources=tuple(sources[1:]),
            model_dir=Path(model).expanduser() if model else None,
            detector=getattr(args, "detector", None) or "auto",
            threshold=threshold,
            config=getattr(args, "config", None),
            poll=bool(getattr(args, "poll", False)),
            from_start=bool(getattr(args, "from_start", False)),
            backfill=getattr(args, "backfill", None),
            zoom=None if source else DEMO_ZOOM,
            speed=speed or DEMO_SPEED,
            notify=notify,
            notify_every=notify_every,
        )
