"""Golden exports: `logwatch tui LOG --export OUT --all` gives the same bytes as before.

`golden/logs.jsonl.gz` is 3,000 generated entries (3 servers, seed 11) with a replay of
120 early lines (a second timeline) and one repeated line (late) spliced in; `golden/model`
is a bundle trained by `python -m logwatch.training --backend sklearn` on other generated
data, its baseline blocks shortened to 60 steps so that this little data reaches them.
The `*.csv.gz` files are the exports of the code before the columnar rewrite (issue 18).
Regenerate them only when the output is meant to change: `python tests/engine/test_export_golden.py`.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import pytest

from engine_support import run_cli

GOLDEN = Path(__file__).parent / "golden"
LOG = GOLDEN / "logs.jsonl.gz"
MODEL = GOLDEN / "model"
SMALL_CHUNK = 16_384
"""Bytes per block in the in-process runs: about 20 blocks, so steps wait across pushes."""

DETECTORS = {"zscore": ["--detector", "zscore"], "autoencoder": ["--detector", "autoencoder", "--model", str(MODEL)]}


def _golden(name: str) -> bytes:
    return gzip.decompress((GOLDEN / f"{name}.csv.gz").read_bytes())


def export_cli(detector: str, out: Path) -> bytes:
    """The whole command's CSV export of the golden log."""
    done = run_cli("tui", str(LOG), "--export", str(out), "--all", *DETECTORS[detector])
    assert done.returncode == 0, done.stderr.decode()
    return out.read_bytes()


def export_in_blocks(detector: str, out: Path) -> bytes:
    """The same export in process, the log read in small blocks (as `logwatch tui --export`)."""
    from logwatch.engine.export import open_writer
    from logwatch.engine.headless import run_headless
    from logwatch.engine.parse import read_batches
    from logwatch.engine.model_loader import make_detector
    from logwatch.engine.score import Scorer

    scorer = Scorer(make_detector(detector, MODEL if detector == "autoencoder" else None), trace_back=True)
    run_headless(read_batches(LOG, chunk_bytes=SMALL_CHUNK), scorer,
                 lambda labels: open_writer(out, labels=labels), write_all=True, err=io.StringIO())
    return out.read_bytes()


@pytest.mark.parametrize("detector", list(DETECTORS))
def test_command_export_is_byte_identical(tmp_path, detector):
    got = export_cli(detector, tmp_path / "out.csv")
    assert got.count(b"\n") == 3_122  # header + every entry
    assert got == _golden(detector)


@pytest.mark.parametrize("detector", list(DETECTORS))
def test_export_in_small_blocks_is_byte_identical(tmp_path, detector):
    got = export_in_blocks(detector, tmp_path / "out.csv")
    assert got == _golden(f"{detector}-blocks")


def test_golden_exports_flag_and_trace():
    """The goldens exercise what the rewrite could break: flags, traced onsets, reasons."""
    text = _golden("autoencoder").decode()
    assert text.count(",true,") > 20
    assert "% of error" in text and "warming up" in text
    assert _golden("autoencoder-blocks") != _golden("autoencoder")  # held rows come out later


def _regenerate() -> None:
    out = GOLDEN / "out.csv"
    for detector in DETECTORS:
        for name, export in ((detector, export_cli), (f"{detector}-blocks", export_in_blocks)):
            data = export(detector, out)
            (GOLDEN / f"{name}.csv.gz").write_bytes(gzip.compress(data, 9, mtime=0))
    os.remove(out)


if __name__ == "__main__":
    _regenerate()
