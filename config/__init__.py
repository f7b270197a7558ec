"""The configuration shipped with logwatch (`config.json`), read as package data."""
