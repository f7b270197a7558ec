"""Sources of entries: a followed file (the tailer), a file read whole, the in-process
generator stream; `open.open_source` picks one for SOURCE.

All iterate as `Batch`es and stop cleanly on request (see `base.Source`).
"""
