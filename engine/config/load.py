"""Reads config.json (the shipped default or a user's file) and validates it."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from logwatch.engine.config.schema import GeneratorConfig
from logwatch.engine.config.validate import ConfigError, validate_config


def default_config_text() -> str:
    """The config.json shipped inside the package (works from any folder)."""
    return files("logwatch.config").joinpath("config.json").read_text(encoding="utf-8")


def load_config(path: str | Path | None = None) -> GeneratorConfig:
    """Load and validate a config; `None` means the shipped default.

    Errors are ConfigError with one line: `path: key.path: what was expected`.
    """
    where = "config.json (default)" if path is None else str(path)
    try:
        text = default_config_text() if path is None else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{where}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{where}:{error.lineno}:{error.colno}: invalid JSON ({error.msg})") from None
    try:
        return validate_config(raw)
    except ConfigError as error:
        raise ConfigError(f"{where}: {error}") from None
