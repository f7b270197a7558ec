"""The monitor's model, free of any UI: what the live screens show and the rules behind it
(the rule that merges flagged entries into incidents is shared with headless notifications)."""

from logwatch.engine.monitor.incidents import MERGE_SECONDS, IncidentOpener, IncidentStart, continues, runs

__all__ = ["MERGE_SECONDS", "IncidentOpener", "IncidentStart", "continues", "runs"]
