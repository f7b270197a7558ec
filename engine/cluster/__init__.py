"""Scoring archives on Ray (imports ray lazily, only here)."""
