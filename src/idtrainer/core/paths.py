"""Where an installation keeps its data.

By default the per-user data directory (platformdirs). In portable mode, used
when running from a USB stick, the data sits beside the program in
``IDTrainer-data/``; portable mode is chosen with ``--portable`` or by a
marker file named ``idtrainer-portable`` next to the executable.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

APP_NAME = "IDTrainer"
PORTABLE_MARKER = "idtrainer-portable"
PORTABLE_DATA = "IDTrainer-data"
DB_NAME = "idtrainer.sqlite"


def program_dir() -> Path:
    """The folder of the running program: the frozen executable or the launcher script."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent if sys.argv and sys.argv[0] else Path.cwd()


def is_portable(program: Path | None = None) -> bool:
    return ((program or program_dir()) / PORTABLE_MARKER).exists()


def data_dir(explicit: str | Path | None = None, *, portable: bool = False,
             program: Path | None = None) -> Path:
    """Resolve the data directory: ``--data-dir`` wins, then portable mode, then per-user."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    program = program or program_dir()
    if portable or is_portable(program):
        return program / PORTABLE_DATA
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True))


def db_path(data: Path) -> Path:
    return data / DB_NAME


def media_dir(data: Path) -> Path:
    return data / "media"


def backups_dir(data: Path) -> Path:
    return data / "backups"


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "wb", **options: Any) -> Iterator[IO[Any]]:
    """Write ``path`` via ``path.partial``: flushed, fsynced and renamed when the block
    ends, removed when it fails, so a pulled stick or a crash never leaves a file that
    looks complete."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open(mode, **options) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError, AttributeError):  # folders cannot be fsynced on Windows
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
