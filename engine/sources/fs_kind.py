"""Is a folder on a network file system? There, change notifications describe only this
machine's writes (or nothing), so the tailer polls from the start instead of waiting to
notice that notifications never come.
"""

from __future__ import annotations

import os

NETWORK_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "9p", "ceph", "glusterfs",
    "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "fuse.rclone", "lustre", "gpfs", "beegfs",
})


def network_fs_type(folder: str, mountinfo: str | None = None) -> str | None:
    """The network file system type holding `folder` (e.g. "nfs4"), or None when local or
    unknown. `mountinfo` is the text of /proc/self/mountinfo (read when not given)."""
    if mountinfo is None:
        try:
            with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as file:
                mountinfo = file.read()
        except OSError:
            return None  # not Linux: rely on noticing missed notifications
    folder = os.path.realpath(folder)
    best, best_type = "", None
    for line in mountinfo.splitlines():
        fields = line.split(" - ", 1)
        if len(fields) != 2:
            continue
        left, right = fields[0].split(), fields[1].split()
        if len(left) < 5 or not right:
            continue
        mount = left[4].replace("\\040", " ")
        inside = folder == mount or folder.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, best_type = mount, right[0]
    return best_type if best_type in NETWORK_TYPES else None
