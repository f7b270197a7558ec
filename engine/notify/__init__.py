"""Notifications: run a user's command for each new incident, without slowing scoring.

`Notifier(command, every=...)` takes incidents (`logwatch.engine.monitor.IncidentStart`)
from the scoring side, rate-limits them per server and component, and runs the command
(`sh -c CMD`, the incident as JSON on stdin) on one thread with a bounded queue.
"""

from logwatch.engine.notify.options import format_every, notify_options, parse_every
from logwatch.engine.notify.notifier import (
    COMMAND_TIMEOUT,
    NOTIFY_EVERY,
    QUEUE_SIZE,
    STOP_WAIT,
    Notifier,
    NotifyCounts,
)
from logwatch.engine.notify.payload import incident_json
from logwatch.engine.notify.scored import notify_scored

__all__ = [
    "COMMAND_TIMEOUT",
    "NOTIFY_EVERY",
    "QUEUE_SIZE",
    "STOP_WAIT",
    "Notifier",
    "NotifyCounts",
    "format_every",
    "incident_json",
    "notify_options",
    "notify_scored",
    "parse_every",
]
