"""The monitor's model, free of Textual: what the live screens show and the rules behind it."""
