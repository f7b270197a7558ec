"""`logwatch generate --out` gives the file a plainly created file's mode under the umask.

The fast mode writes a mkstemp sibling (0600) and renames it into place; the result must
follow the umask instead (0644 under 022). The subprocess inherits the test's umask.
"""

from __future__ import annotations

import os
import stat

import pytest


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600)], ids=["umask022", "umask077"])
def test_generate_out_follows_the_umask(tmp_path, logwatch, mask, expected):
    out = tmp_path / "g.jsonl"
    old = os.umask(mask)
    try:
        done = logwatch("generate", "--entries", "20000", "--out", str(out))
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr.decode()
    assert out.read_bytes().count(b"\n") == 20000
    assert stat.S_IMODE(out.stat().st_mode) == expected
    assert [p.name for p in tmp_path.iterdir()] == ["g.jsonl"]  # no temporary file left


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600)], ids=["umask022", "umask077"])
def test_live_generate_out_follows_the_umask(tmp_path, logwatch, mask, expected):
    out = tmp_path / "live.jsonl"
    old = os.umask(mask)
    try:
        done = logwatch("generate", "--entries", "20", "--rate", "2000", "--out", str(out))
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr.decode()
    assert stat.S_IMODE(out.stat().st_mode) == expected
