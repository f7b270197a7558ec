"""Screens of the live monitor: main, details, model, and the dialogs."""
