"""The synthetic generator: exact format, determinism, anomaly rates, daily patterns."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import numpy as np
import polars as pl
import pytest

from logwatch.engine.config import ANOMALY_KINDS, load_config
from logwatch.engine.generate import Simulator, encode_json_lines
from logwatch.engine.generate.anomalies import QUIET_BELOW
from logwatch.engine.generate.baseline import busy_share

LINE_KEYS = ["timestamp", "server", "component", "value", "anomalous"]


def test_lines_match_the_documented_format(logwatch):
    result = logwatch("generate", "--entries", "2000", "--seed", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 2000
    for line in lines:
        entry = json.loads(line)
        keys = list(entry)
        assert keys[:5] == LINE_KEYS
        assert keys[5:] == (["anomaly_type"] if entry["anomalous"] else [])
        assert line == json.dumps(entry)  # same spacing and key order as json.dumps
        datetime.strptime(entry["timestamp"], "%Y-%m-%dT%H:%M:%S.%f")
        assert len(entry["timestamp"]) == 26


def test_same_seed_same_bytes_other_seed_other_bytes(logwatch):
    first = logwatch("generate", "--entries", "30000", "--seed", "7").stdout
    again = logwatch("generate", "--entries", "30000", "--seed", "7").stdout
    other = logwatch("generate", "--entries", "30000", "--seed", "8").stdout
    assert first == again and first != other


def test_shorter_run_is_a_prefix_of_a_longer_one(logwatch):
    short = logwatch("generate", "--entries", "10007", "--seed", "7").stdout
    long = logwatch("generate", "--entries", "30000", "--seed", "7").stdout
    assert long.startswith(short)


def test_duration_and_start(logwatch):
    result = logwatch("generate", "--duration", "60", "--start", "2025-03-01T12:00:00")
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 6 * 9  # 60 s at 10 s per step, 3 servers x 3 components
    assert json.loads(lines[0])["timestamp"].startswith("2025-03-01T12:00:00")
    assert json.loads(lines[-1])["timestamp"].startswith("2025-03-01T12:00:50")


def test_out_writes_the_file_atomically(tmp_path, logwatch):
    out = tmp_path / "logs.jsonl"
    assert logwatch("generate", "--entries", "100", "--out", str(out)).returncode == 0
    assert out.read_bytes().count(b"\n") == 100
    assert [p.name for p in tmp_path.iterdir()] == ["logs.jsonl"]


def _episodes(frame: pl.DataFrame) -> dict[str, int]:
    """Count episodes: runs of one anomaly_type on one server (one component per episode)."""
    counts = dict.fromkeys(ANOMALY_KINDS, 0)
    for _, group in frame.group_by("server"):
        step_kind = group.group_by("timestamp_step", maintain_order=True).agg(
            pl.col("anomaly_type").drop_nulls().first()).get_column("anomaly_type").to_list()
        previous = None
        for kind in step_kind:
            if kind is not None and kind != previous:
                counts[kind] += 1
            previous = kind
    return counts


@pytest.mark.slow
def test_every_kind_appears_at_roughly_its_configured_rate():
    config = load_config()
    probability = 0.002
    anomalies = {k: replace(v, probability=probability, duration_seconds=(20, 60)) for k, v in config.anomalies.items()}
    config = replace(config, anomalies=anomalies)
    sim = Simulator(config, seed=11)
    steps = 2 * 8640  # two simulated days
    frame = sim.next_chunk(steps).with_columns(
        timestamp_step=pl.col("timestamp").dt.truncate("10s"))
    counts = _episodes(frame)
    # Server-steps free of any episode are where new episodes can start.
    busy = frame.group_by("server", "timestamp_step").agg(pl.col("anomalous").any())
    free = busy.filter(~pl.col("anomalous")).height
    steps_of_day = frame.get_column("timestamp_step").unique()
    hours = (steps_of_day.dt.hour() + steps_of_day.dt.minute() / 60).to_numpy()
    # Contextual episodes start only in quiet hours (busy share below QUIET_BELOW).
    quiet_share = float((busy_share(hours, 9, 18) < QUIET_BELOW).mean())
    for kind in ANOMALY_KINDS:
        expected = probability * free * (quiet_share if kind == "contextual" else 1.0)
        assert 0.65 * expected <= counts[kind] <= 1.35 * expected, (kind, counts[kind], expected)
    labeled = frame.filter(pl.col("anomalous"))
    assert labeled.get_column("anomaly_type").null_count() == 0
    assert frame.filter(~pl.col("anomalous")).get_column("anomaly_type").null_count() == frame.height - labeled.height


def test_anomalies_do_what_their_kind_says():
    sim = Simulator(load_config(), seed=5)
    frame = sim.next_chunk(3 * 8640)
    spikes = frame.filter(pl.col("anomaly_type") == "spike")
    assert spikes.height > 0 and spikes.get_column("component").unique().to_list() == ["CPU"]
    assert spikes.get_column("value").min() >= 90
    over = frame.filter(pl.col("anomaly_type") == "over_usage").get_column("value")
    assert over.min() >= 95
    drops = frame.filter(pl.col("anomaly_type") == "drop").get_column("value")
    assert drops.max() <= 5
    flat = frame.filter(pl.col("anomaly_type") == "flatline")
    runs = flat.group_by("server", "component").agg(pl.col("value").n_unique())
    assert runs.height > 0
    # A stuck sensor repeats one value: far fewer distinct values than entries.
    assert flat.get_column("value").n_unique() < flat.height / 20
    contextual = frame.filter(pl.col("anomaly_type") == "contextual")
    hours = contextual.get_column("timestamp").dt.hour()
    assert contextual.height > 0 and not hours.is_between(10, 16).any()  # never in the busy core


def test_busy_hours_are_higher_than_quiet_ones_and_servers_differ():
    frame = Simulator(load_config(), seed=2).next_chunk(8640).filter(~pl.col("anomalous"))
    frame = frame.with_columns(hour=pl.col("timestamp").dt.hour())
    means = frame.group_by("server", "component").agg(
        busy=pl.col("value").filter(pl.col("hour").is_between(11, 16)).mean(),
        quiet=pl.col("value").filter(pl.col("hour") < 5).mean(),
        overall=pl.col("value").mean(),
    )
    cpu = means.filter(pl.col("component") == "CPU").sort("server")
    assert (cpu.get_column("busy") > cpu.get_column("quiet") + 20).all()
    memory = means.filter(pl.col("component") == "Memory")
    assert (memory.get_column("busy") > memory.get_column("quiet") + 10).all()
    levels = cpu.get_column("overall").to_list()
    assert levels[1] > levels[0] * 1.1 > levels[2] * 1.1  # baselines 1.0, 1.2, 0.8


def test_cpu_and_memory_move_together():
    frame = Simulator(load_config(), seed=4).next_chunk(8640).filter(pl.col("server") == "server_1")
    steps = frame.with_columns(step=pl.col("timestamp").dt.truncate("10s")).pivot(
        "component", index="step", values="value", aggregate_function="first")
    normal = frame.with_columns(step=pl.col("timestamp").dt.truncate("10s")).group_by("step").agg(
        pl.col("anomalous").any().alias("hit"))
    steps = steps.join(normal, on="step").filter(~pl.col("hit"))
    assert np.corrcoef(steps.get_column("CPU").to_numpy(), steps.get_column("Memory").to_numpy())[0, 1] > 0.9


def test_encoding_escapes_names_and_round_trips():
    frame = pl.DataFrame({
        "timestamp": [datetime(2025, 1, 5, 14, 22, 31, 123456), datetime(2025, 1, 5, 0, 0, 0)],
        "server": ['we"ird\\name', "[bold red]x"], "component": ["CPU", "Disk"],
        "value": [95.3, 100.0], "anomalous": [True, False], "anomaly_type": ["spike", None],
    })
    lines = encode_json_lines(frame).decode().splitlines()
    assert lines[0] == ('{"timestamp": "2025-01-05T14:22:31.123456", "server": "we\\"ird\\\\name", '
                        '"component": "CPU", "value": 95.3, "anomalous": true, "anomaly_type": "spike"}')
    assert json.loads(lines[1]) == {"timestamp": "2025-01-05T00:00:00.000000", "server": "[bold red]x",
                                    "component": "Disk", "value": 100.0, "anomalous": False}
