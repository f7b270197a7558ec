"""The monitor's model, free of any UI: for now the rule that merges flagged entries into
incidents, shared by the terminal UI's feed and headless notifications."""

from logwatch.engine.monitor.incidents import MERGE_SECONDS, IncidentOpener, IncidentStart, continues, runs

__all__ = ["MERGE_SECONDS", "IncidentOpener", "IncidentStart", "continues", "runs"]
