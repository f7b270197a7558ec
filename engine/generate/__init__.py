"""The synthetic log generator: a simulated world, its JSON-lines encoding, a live clock."""

from logwatch.engine.generate.encode import encode_json_lines
from logwatch.engine.generate.simulator import DEFAULT_START, Simulator

__all__ = ["DEFAULT_START", "Simulator", "encode_json_lines"]
