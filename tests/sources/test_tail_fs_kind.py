"""Which folders are on network file systems (polled from the start)."""

from __future__ import annotations

from logwatch.engine.sources.fs_kind import network_fs_type

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:1 / / rw,relatime - ext4 /dev/vda rw
40 27 0:45 / /mnt/logs rw,relatime - nfs4 server:/export rw,vers=4.2
41 40 0:46 / /mnt/logs/local rw,relatime - tmpfs tmpfs rw
42 27 0:47 / /srv/my\\040share rw - cifs //host/share rw
"""


def test_the_longest_mount_point_decides():
    assert network_fs_type("/mnt/logs/app", MOUNTINFO) == "nfs4"
    assert network_fs_type("/mnt/logs", MOUNTINFO) == "nfs4"
    assert network_fs_type("/mnt/logs/local/app", MOUNTINFO) is None  # tmpfs inside nfs
    assert network_fs_type("/mnt/logsx", MOUNTINFO) is None
    assert network_fs_type("/srv/my share/x", MOUNTINFO) == "cifs"
    assert network_fs_type("/var/log", MOUNTINFO) is None


def test_this_machines_temporary_folder_is_local(tmp_path):
    assert network_fs_type(str(tmp_path)) is None
