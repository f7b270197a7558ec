"""Every key of the monitor, in one table: the bindings, the help screen and the command
palette are all built from it, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Key:
    keys: str
    """Textual key names, comma separated."""
    label: str
    """How the help screen writes the keys."""
    action: str
    """App action name (without `action_`)."""
    title: str
    """Short name: footer and command palette."""
    help: str
    """One sentence for the help screen and the palette."""
    footer: bool = False


KEYS: tuple[Key, ...] = (
    Key("question_mark", "?", "help", "Keys", "Show every key", footer=True),
    Key("slash", "/", "filter", "Filter", "Filter the feed: server:web-1 component:cpu score>5 thr>2 kind:drift, plus free text (Escape clears it)", footer=True),
    Key("n", "n", "next_match", "Next match", "Go to the next incident the filter keeps (wraps around)"),
    Key("N", "N", "previous_match", "Previous match", "Go to the previous incident the filter keeps"),
    Key("x", "x", "acknowledge", "Acknowledge", "Acknowledge the selected incident (dimmed, kept); again to undo"),
    Key("M", "M", "mute", "Mute", "Mute the selected incident's server/component or server: 15 min, 1 hour, until restart"),
    Key("U", "U", "mutes", "Mutes", "List the mutes in force; lift one"),
    Key("i", "i", "info", "Counts", "Entries read, scored, not scored, bad and flagged since start, per source"),
    Key("e", "e", "export_feed", "Export feed", "Write the feed (all incidents, or the filtered ones) to CSV or JSON lines"),
    Key("enter", "Enter", "details", "Details", "Open the selected incident: each component's share of the error, expected against actual"),
    Key("s", "s", "next_server", "Server", "Show the next server's sparklines", footer=True),
    Key("S", "S", "previous_server", "Previous server", "Show the previous server's sparklines"),
    Key("l", "l", "pick_server", "Servers", "Choose the server from a list"),
    Key("z", "z", "zoom", "Zoom", "Change the log time each sparkline column covers"),
    Key("plus,equals_sign", "+", "threshold_up", "Thr+", "Raise the threshold one step (fewer alarms)", footer=True),
    Key("minus", "-", "threshold_down", "Thr-", "Lower the threshold one step (more alarms)", footer=True),
    Key("t", "t", "set_threshold", "Set threshold", "Type an exact threshold"),
    Key("a", "a", "recalibrate", "Recalibrate", "Propose a threshold from the recent entries in memory; Enter applies it"),
    Key("0", "0", "reset_threshold", "Model's threshold", "Set the threshold back to the model's own"),
    Key("r", "r", "retrain", "Retrain", "Train a new model in the background, compare it with the current one, swap", footer=True),
    Key("m", "m", "model", "Model", "Show the model: loss curve, error histogram, metadata", footer=True),
    Key("p", "p", "pause", "Pause", "Pause or resume the display (entries keep being read and scored)", footer=True),
    Key("q", "q", "quit", "Quit", "Quit and restore the terminal", footer=True),
)

LIST_KEYS: tuple[tuple[str, str], ...] = (
    ("j / k, ↓ / ↑", "move in lists and tables"),
    ("g / G", "first / last row"),
    ("Escape", "close a screen or dialog, cancel training, clear the filter"),
    ("ctrl+p", "command palette: every action above by name"),
)
"""Keys that work the same everywhere (shown on the help screen)."""


def bindings() -> list[Binding]:
    return [Binding(k.keys, k.action, k.title, show=k.footer, key_display=k.label) for k in KEYS]
