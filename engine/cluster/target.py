"""A folder as OUT: the Parquet dataset Ray writes, complete or absent.

OUT ending in `/`, or an existing folder, names a dataset: Ray writes its part files into a
hidden temporary sibling (`.OUT.XXXXXXXX.tmp`), renamed into place when every part is
written; an interrupted or failed run removes it. The folder must be new or empty.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from logwatch.engine.errors import UserError
from logwatch.engine.export.tempfiles import SUFFIX, prefix, write_error
from logwatch.engine.files import apply_umask


def is_dataset(out: str) -> bool:
    return out.endswith(("/", os.sep)) or Path(out).expanduser().is_dir()


def check_dataset(out: str) -> Path:
    """Validate a dataset OUT before any work (UserError names the problem); proves its
    parent takes a new folder. The path returned is absolute: Ray's writers run in other
    folders, or on other machines."""
    target = Path(out).expanduser().absolute()
    if target.is_dir() and any(target.iterdir()):
        raise UserError(f"--export {out}: the folder is not empty (a Parquet dataset needs a new or empty folder)")
    if target.exists() and not target.is_dir():
        raise UserError(f"--export {out}: is a file, not a folder")
    if not target.parent.is_dir():
        raise UserError(f"--export {out}: folder {target.parent} does not exist")
    os.rmdir(make_temp_dir(target))
    return target


def make_temp_dir(target: Path) -> Path:
    """A new hidden folder next to `target`, with a plain new folder's mode."""
    try:
        temp = Path(tempfile.mkdtemp(prefix=prefix(target), suffix=SUFFIX, dir=target.parent))
        apply_umask(temp, folder=True)
        return temp
    except OSError as error:
        raise write_error(target, error) from None


def finish(temp: Path, target: Path) -> None:
    """Put the complete dataset in place (an empty folder there is replaced)."""
    try:
        os.replace(temp, target)
    except OSError as error:
        shutil.rmtree(temp, ignore_errors=True)
        raise write_error(target, error) from None


def discard(temp: Path) -> None:
    shutil.rmtree(temp, ignore_errors=True)
