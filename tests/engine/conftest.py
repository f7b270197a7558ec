"""Fixtures for engine tests; the helpers they use live in engine_support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine_support import generate, make_tiny_bundle, read_all  # noqa: F401


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """12,000 generated entries (shared, read-only)."""
    return generate(tmp_path_factory.mktemp("gen") / "logs.jsonl", 12_000)


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory, generated) -> Path:
    return make_tiny_bundle(tmp_path_factory.mktemp("model") / "current", read_all(generated))
