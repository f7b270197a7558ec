"""--eval numbers against a hand-computed confusion matrix."""

from __future__ import annotations

import json

import polars as pl

from engine_support import run_cli
from logwatch.engine.evaluate import Evaluation, evaluate, format_report


def test_counts_by_hand_over_several_frames():
    truth = [True, True, False, False, True, False, None]
    pred = [True, False, True, False, True, False, True]
    kinds = ["spike", "drift", None, None, "spike", None, None]
    frame = pl.DataFrame({"anomalous": truth, "predicted": pred, "anomaly_type": kinds})
    ev = Evaluation()
    ev.update(frame.head(3))
    ev.update(frame.tail(4))
    # rows: TP, FN, FP, TN, TP, TN, (unlabeled: skipped)
    assert (ev.tn, ev.fp, ev.fn, ev.tp) == (2, 1, 1, 2)
    assert ev.precision == 2 / 3 and ev.recall == 2 / 3 and abs(ev.f1 - 2 / 3) < 1e-12
    assert ev.type_recall() == {"drift": 0.0, "spike": 1.0}
    assert evaluate(frame).as_dict() == ev.as_dict()


def test_nothing_flagged_or_nothing_labeled_gives_zeros_not_errors():
    ev = evaluate(pl.DataFrame({"anomalous": [False, True], "predicted": [False, False]}))
    assert (ev.precision, ev.recall, ev.f1) == (0.0, 0.0, 0.0)
    assert "no `anomalous` labels" in format_report(Evaluation())


def _labeled_file(path):
    """300 entries of one series cycling 49/50/51; spikes of 500 at 120..240.

    Labeled spikes (120, 150, 180) -> TP 3; unlabeled spikes (210, 240) -> FP 2;
    normal values labeled as drift (130, 160) -> FN 2; everything else TN 293.
    """
    spikes, labeled_spikes, drifts = {120, 150, 180, 210, 240}, {120, 150, 180}, {130, 160}
    lines = []
    for i in range(300):
        row = {"timestamp": f"2025-01-05T{i // 360:02d}:{i // 6 % 60:02d}:{i % 6 * 10:02d}",
               "server": "db", "component": "CPU", "value": 500.0 if i in spikes else 49.0 + i % 3,
               "anomalous": i in labeled_spikes or i in drifts}
        if i in labeled_spikes:
            row["anomaly_type"] = "spike"
        if i in drifts:
            row["anomaly_type"] = "drift"
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cli_eval_prints_the_hand_computed_matrix(tmp_path):
    source = _labeled_file(tmp_path / "labeled.jsonl")
    out = tmp_path / "flagged.csv"
    done = run_cli("tui", str(source), "--export", str(out), "--detector", "zscore", "--eval")
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    assert "TN 293" in text and "FP 2" in text and "FN 2" in text and "TP 3" in text
    assert "precision 0.600  recall 0.600  F1 0.600" in text
    assert "drift                0.000  (0 of 2)" in text
    assert "spike                1.000  (3 of 3)" in text
    flagged = pl.read_csv(out)
    assert flagged.height == 5 and flagged["anomalous"].to_list() == [True, True, True, False, False]
