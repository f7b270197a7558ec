"""Generator configuration: the schema, its validation and loading."""

from logwatch.engine.config.load import default_config_text, load_config
from logwatch.engine.config.schema import ANOMALY_KINDS, AnomalyKind, GeneratorConfig, Pattern, Server
from logwatch.engine.config.validate import ConfigError, validate_config

__all__ = [
    "ANOMALY_KINDS", "AnomalyKind", "ConfigError", "GeneratorConfig", "Pattern", "Server",
    "default_config_text", "load_config", "validate_config",
]
