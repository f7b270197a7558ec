"""A model bundle as bytes: packed once by the driver, unpacked once per worker process.

Only the files scoring needs travel (model.json and model.onnx); no model object is ever
pickled. A worker writes them to a private folder and loads them with `load_bundle`, the
one reader of bundles, so a worker scores with exactly what the driver checked.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from logwatch.engine.bundle import META_FILE, MODEL_FILE, Bundle, load_bundle

SHIPPED_FILES = (META_FILE, MODEL_FILE)

_UNPACKED: dict[str, Bundle] = {}
"""Bundles this worker process has unpacked, by the key the driver gave them."""


def pack_bundle(folder: Path) -> dict[str, bytes]:
    """The files of the bundle at `folder` that scoring needs, by name."""
    return {name: (folder / name).read_bytes() for name in SHIPPED_FILES}


def unpack_bundle(key: str, fetch: Callable[[], dict[str, bytes]]) -> Bundle:
    """The bundle `fetch()` gives, written to a temporary folder and loaded, once per process
    and `key` (later calls do not fetch)."""
    if key not in _UNPACKED:
        folder = Path(tempfile.mkdtemp(prefix="logwatch-bundle-"))
        for name, data in fetch().items():
            (folder / name).write_bytes(data)
        _UNPACKED[key] = load_bundle(folder)
    return _UNPACKED[key]
