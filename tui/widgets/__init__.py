"""Widgets of the live monitor, one per file."""
