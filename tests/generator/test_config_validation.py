"""config.json validation: every kind of mistake gives one line naming the key, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logwatch.engine.config import ConfigError, default_config_text, load_config


def _write(tmp_path: Path, change) -> Path:
    raw = json.loads(default_config_text())
    change(raw)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(raw))
    return path


CASES = [
    ("unknown top-level key", lambda c: c.update(colour="red"), "colour: unknown key"),
    ("unknown nested key", lambda c: c["anomalies"]["spike"].update(chance=0.1), "anomalies.spike.chance: unknown key"),
    ("unknown anomaly kind", lambda c: c["anomalies"].update(meteor={}), "anomalies.meteor: unknown key"),
    ("wrong type", lambda c: c.update(frequency_seconds="10"), "frequency_seconds: expected a number"),
    ("wrong type in list", lambda c: c["value_range"].update(CPU=[0, "100"]), "value_range.CPU[1]: expected a number"),
    ("min greater than max", lambda c: c["value_range"].update(CPU=[100, 0]), "value_range.CPU: min 100 is greater than max 0"),
    ("duration min > max", lambda c: c["anomalies"]["drift"].update(duration_seconds=[900, 300]),
     "anomalies.drift.duration_seconds: min 900 is greater than max 300"),
    ("probability above 1", lambda c: c["anomalies"]["spike"].update(probability=1.5),
     "anomalies.spike.probability: expected a number in [0, 1]"),
    ("probability below 0", lambda c: c["anomalies"]["drop"].update(probability=-0.1),
     "anomalies.drop.probability: expected a number in [0, 1]"),
    ("missing required key", lambda c: c.pop("components"), "components: missing"),
    ("component without pattern", lambda c: c["patterns"].pop("Disk"), "patterns.Disk: missing"),
    ("anomaly on unknown component", lambda c: c["anomalies"]["spike"].update(components=["GPU"]),
     "anomalies.spike.components[0]: expected one of CPU, Memory, Disk"),
    ("peak hours outside the day", lambda c: c["patterns"]["CPU"].update(peak_hours=[9, 25]),
     "patterns.CPU.peak_hours[1]: expected a number in [0, 24]"),
    ("boolean is not a number", lambda c: c["patterns"]["CPU"].update(noise=True), "patterns.CPU.noise: expected a number"),
    ("duplicate server", lambda c: c["servers"].append({"name": "server_1"}), "servers: names must be unique"),
]


@pytest.mark.parametrize("label,change,expected", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_names_its_key(tmp_path, label, change, expected):
    path = _write(tmp_path, change)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert expected in str(error.value)
    assert str(error.value).startswith(str(path))


def test_cli_reports_one_line_and_exit_2(tmp_path, logwatch):
    path = _write(tmp_path, lambda c: c["anomalies"]["spike"].update(probability=2))
    result = logwatch("generate", "--config", str(path), "--entries", "5")
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "anomalies.spike.probability" in lines[0] and "Traceback" not in lines[0]
    assert result.stdout == b""


def test_invalid_json_names_line_and_column(tmp_path, logwatch):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "frequency_seconds": 10,\n  "components": [CPU]\n}')
    result = logwatch("generate", "--config", str(path), "--entries", "5")
    assert result.returncode == 2
    assert f"{path}:3:" in result.stderr.decode() and "invalid JSON" in result.stderr.decode()


def test_missing_file_is_one_line(tmp_path, logwatch):
    result = logwatch("generate", "--config", str(tmp_path / "nope.json"))
    assert result.returncode == 2 and "cannot read" in result.stderr.decode()
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_original_single_server_config_still_works(tmp_path):
    """A config with only the original keys (server_name, no servers/seed) loads."""
    path = _write(tmp_path, lambda c: (c.pop("servers"), c.pop("seed")))
    config = load_config(path)
    assert [s.name for s in config.servers] == ["server_1"] and config.seed == 0
