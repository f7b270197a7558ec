"""Live sources of entries: a file tailer and the in-process generator stream.

Both iterate as `Batch`es and stop cleanly on request (see `base.Source`).
"""
