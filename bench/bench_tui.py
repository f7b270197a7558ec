"""The live monitor: time to first frame with a model, refresh rate and memory while
tailing 50,000 lines/s (issue 18's aim: it keeps up, repaints at least 3 times a second,
RSS at most 300 MB), CPU at 1,000 lines/s.

Each run is the real app in a fresh process (`python -m bench.bench_tui child ...`), inside
tmux when it is installed (a real terminal, so frames are really rendered and written),
tailing a file that `logwatch generate --rate R` appends to. The child reports what it saw
as JSON; nothing in the app is changed for the bench.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.table import Row

FAST_RATE = 50_000
SLOW_RATE = 1_000


def run(quick: bool) -> list[Row]:
    fast_seconds, slow_seconds, repeats = (10, 8, 3) if quick else (60, 30, 5)
    terminal = "tmux 120x40" if shutil.which("tmux") else "headless (no tmux)"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        model = _train_model(work)
        first = [_child(work, model, "first-frame", None, 0)["first_frame"] for _ in range(repeats)]
        fast = _child(work, model, "ingest", FAST_RATE, fast_seconds)
        slow = _child(work, model, "ingest", SLOW_RATE, slow_seconds)
    return [
        Row("time to first frame, model present", statistics.median(first), "s",
            f"process start to first frame (imports, ONNX load), median of {repeats}, {terminal}"),
        Row(f"repaints at {FAST_RATE:,} lines/s", fast["repaints_per_second"], "/s",
            f"timer at 4/s; {fast_seconds} s tailing a growing file with the autoencoder (aim: >= 3)"),
        Row(f"median repaint at {FAST_RATE:,} lines/s", fast["median_repaint_ms"], "ms",
            f"sparklines and feed from 200,000 entries in memory; slowest {fast['slowest_repaint_ms']:.0f} ms"),
        Row(f"entries scored at {FAST_RATE:,} lines/s", fast["entries_per_second"], "entries/s",
            "read, parsed, scored and drawn (the writer shares the CPU; aim: keeps up)"),
        Row(f"memory after {fast_seconds} s at {FAST_RATE:,} lines/s", fast["rss_mb"], "MB",
            f"RSS; peak {fast['peak_mb']:.0f} MB; history capped at 200,000 entries (aim: <= 300)"),
        Row(f"CPU at {SLOW_RATE:,} lines/s", slow["cpu_percent"], "% of a core",
            f"{slow_seconds} s, whole TUI process (reader, scorer, UI)"),
    ]


def _train_model(work: Path) -> Path:
    data = work / "train.jsonl"
    subprocess.run([sys.executable, "-m", "logwatch.tui", "generate", "--duration", "86400", "--seed", "5",
                    "--out", str(data)], check=True, capture_output=True)
    out = work / "model"
    subprocess.run([sys.executable, "-m", "logwatch.training", str(data), "--out", str(out), "--backend", "sklearn",
                    "--epochs", "10", "--progress", "jsonl"], check=True, capture_output=True)
    return out


def _child(work: Path, model: Path, mode: str, rate: int | None, seconds: float) -> dict:
    """Run the app once in a fresh process; its report as a dict."""
    log, report = work / f"live-{rate}.jsonl", work / "report.json"
    for path in (log, report):
        path.unlink(missing_ok=True)
    log.touch()
    writer = None
    if rate is not None:
        writer = subprocess.Popen([sys.executable, "-m", "logwatch.tui", "generate", "--rate", str(rate), "--seed", "1",
                                   "--out", str(log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    command = [sys.executable, "-m", "bench.bench_tui", "child", mode, str(model), str(log), str(seconds),
               str(report), repr(time.time())]
    repo = Path(__file__).resolve().parent.parent
    try:
        if shutil.which("tmux"):
            socket = f"lwbench-{os.getpid()}-{time.monotonic_ns()}"  # one private server per run
            line = " ".join(f"'{part}'" for part in command)
            subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "120", "-y", "40", "-c", str(repo),
                            f"env TERM=xterm-256color {line}"], check=True, capture_output=True)
            try:
                _wait_for(report, seconds + 60)
            finally:
                subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        else:
            subprocess.run([*command, "--headless"], cwd=repo, timeout=seconds + 60, check=True)
    finally:
        if writer is not None:
            writer.terminate()
            writer.wait()
    return json.loads(report.read_text())


def _wait_for(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the bench child wrote no report to {path}")
        time.sleep(0.1)
    time.sleep(0.1)


def _memory_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def child(mode: str, model: str, log: str, seconds: float, report: str, started: float, headless: bool) -> None:
    """The measured process: the real app, observed from outside its code."""
    from logwatch.tui.app import LogwatchApp
    from logwatch.tui.options import MonitorOptions
    from logwatch.tui.screens.main import MainScreen

    timings: list[float] = []
    drew = [False]
    repaint, draw_feed = MainScreen.repaint, MainScreen._draw_feed

    def marked_draw(screen: MainScreen) -> None:
        drew[0] = True
        draw_feed(screen)

    def timed_repaint(screen: MainScreen, force: bool = False) -> None:
        drew[0], began = False, time.perf_counter()
        repaint(screen, force)
        if drew[0]:  # the repaint drew (it returns early when nothing changed)
            timings.append(time.perf_counter() - began)

    MainScreen.repaint, MainScreen._draw_feed = timed_repaint, marked_draw
    options = MonitorOptions(source=Path(log), model_dir=Path(model), auto_train=False, from_start=True)

    class Measured(LogwatchApp):
        def on_ready(self) -> None:
            self.first_frame = time.time() - started
            if mode == "first-frame":
                self._finish({"first_frame": self.first_frame})
                return
            self.begin = (time.perf_counter(), os.times(), self.state.history.total)
            timings.clear()
            self.set_timer(seconds, self._measure)

        def _measure(self) -> None:
            wall0, cpu0, entries0 = self.begin
            wall, cpu = time.perf_counter() - wall0, os.times()
            rss, peak = _memory_mb()
            self._finish({
                "repaints_per_second": len(timings) / wall,
                "slowest_repaint_ms": 1000 * max(timings, default=0.0),
                "median_repaint_ms": 1000 * statistics.median(timings) if timings else 0.0,
                "entries_per_second": (self.state.history.total - entries0) / wall,
                "cpu_percent": 100 * ((cpu.user - cpu0.user) + (cpu.system - cpu0.system)) / wall,
                "rss_mb": rss,
                "peak_mb": peak,
            })

        def _finish(self, result: dict) -> None:
            Path(report + ".tmp").write_text(json.dumps(result))
            os.replace(report + ".tmp", report)
            self.stop_background()
            self.exit(0)

    Measured(options).run(headless=headless, size=(120, 40) if headless else None)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "child":
    mode, model, log, seconds, report, started = sys.argv[2:8]
    child(mode, model, log, float(seconds), report, float(started), "--headless" in sys.argv)
