"""Room for many open files: each followed file keeps one descriptor open (so a rotated file
can be read to its end), and a common default soft limit is 1,024."""

from __future__ import annotations

HEADROOM = 256
"""Descriptors left for everything else: the watch, the export, libraries, sockets."""


def make_room_for(files: int) -> None:
    """Raise this process's soft limit on open files to hold `files` more, up to the hard
    limit (never lowered). Beyond it, a file that cannot be opened is reported by its
    follower (`too many open files; retrying`), not fatal."""
    try:
        import resource
    except ImportError:  # not a Unix
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = files + HEADROOM
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass
