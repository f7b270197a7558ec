"""Progress reporting for a training run: JSON lines for the TUI, plain text for a person.

`--progress jsonl` writes exactly one JSON object per line on stdout, flushed at once:

    {"event": "start", "backend": "keras", "source": "...", "out": "...", "epochs": 60}
    {"event": "data", "entries": 100000, "windows": 33000, "features": 36, "components": [...]}
    {"event": "epoch", "epoch": 3, "epochs": 60, "loss": 0.21, "val_loss": 0.23,
     "elapsed_seconds": 2.1, "eta_seconds": 9.5}
    {"event": "export", "format": "onnx", "max_abs_diff": 1e-07}
    {"event": "done", "bundle": "/abs/path", "threshold": 4.2, "seconds": 12.3}
    {"event": "error", "message": "logs.jsonl:17: ..."}

Every event also carries `time` (seconds since the start). Nothing else is printed on
stdout in that mode; library warnings go to stderr.
"""

from __future__ import annotations

import json
import sys
import time
from typing import IO, Any


class Progress:
    """Reports training events; subclasses choose the format."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def emit(self, event: str, **fields: Any) -> None:
        raise NotImplementedError


class JsonlProgress(Progress):
    """One JSON object per event, one per line (the TUI's progress protocol)."""

    def emit(self, event: str, **fields: Any) -> None:
        record = {"event": event, "time": round(self.elapsed(), 3), **fields}
        self.stream.write(json.dumps(record, default=_plain) + "\n")
        self.stream.flush()


class HumanProgress(Progress):
    """Readable lines; epochs overwrite one line on a terminal."""

    _open_line = False
    """True while a terminal line holds an epoch that the next epoch overwrites."""

    def emit(self, event: str, **fields: Any) -> None:
        line = _describe(event, fields)
        if line is None:
            return
        if event == "epoch" and self.stream.isatty():
            self.stream.write("\r" + line.ljust(78))
            self._open_line = True
        else:
            self.stream.write(("\n" if self._open_line else "") + line + "\n")
            self._open_line = False
        self.stream.flush()


def make_progress(mode: str | None, stream: IO[str] | None = None) -> Progress:
    """`mode` is the `--progress` option: "jsonl" or None for the human display."""
    return JsonlProgress(stream) if mode == "jsonl" else HumanProgress(stream)


def _describe(event: str, f: dict[str, Any]) -> str | None:
    if event == "start":
        return f"training with the {f['backend']} backend ({f['backend_reason']}) on {f['source']}"
    if event == "data":
        sampled = f" (sampled from {f['entries_total']})" if f.get("sampled") else ""
        return (
            f"read {f['entries']} entries{sampled}, {f['windows']} windows of "
            f"{f['features']} features, components {', '.join(f['components'])}, "
            f"step {f['step_seconds']:g} s"
        )
    if event == "epoch":
        return (
            f"epoch {f['epoch']}/{f['epochs']}  loss {f['loss']:.4g}  "
            f"val_loss {f['val_loss']:.4g}  ETA {f['eta_seconds']:.0f} s"
        )
    if event == "export":
        return f"exported ONNX (largest difference to {f['backend']}: {f['max_abs_diff']:.2g})"
    if event == "threshold":
        return (
            f"threshold {f['value']:.4g} by {f['method']} for a target false-alarm rate "
            f"of {f['target_false_alarm_rate']:g}"
        )
    if event == "done":
        return f"bundle written to {f['bundle']} in {f['seconds']:.1f} s"
    return None  # "error" too: the command prints it once, as `logwatch: ...` on stderr


def _plain(value: Any) -> Any:
    """numpy scalars and paths into JSON."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)
