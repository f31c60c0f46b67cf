"""Locks between IDTrainer processes that import into the same data folder.

Two windows or commands may import at the same time (a trainer double-clicks, a script
runs beside the GUI). Each import holds:

* a lock on its bundle (``media/.import-<bundle id>.lock``): a second import of the same
  bundle answers "being imported" at once instead of doing the work twice;
* a lock on its own working folder (``media/.incoming-<random>`` with
  ``.incoming-<random>.lock`` beside it): a folder is cleared as left over by a killed
  import only when nobody holds its lock, so no import removes another's pictures.

The locks are the operating system's (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows): a process that dies, however it dies, lets go of them. See
docs/architecture.md, "Sync".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path


class FileLock:
    """An exclusive lock on a file, taken without waiting."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it."""
        for _attempt in range(10):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                os.close(fd)
                return False
            # The holder before us may have removed the file between our open and our
            # lock: then we hold a lock on a file nobody else can see; open it afresh.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return True
            _unlock(fd)
            os.close(fd)
        return False

    def release(self, *, remove: bool = True) -> None:
        if self._fd is None:
            return
        if remove:  # while still holding it, so nobody locks a file about to vanish
            with contextlib.suppress(OSError):  # Windows: open elsewhere; left for later
                self.path.unlink()
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


INCOMING = ".incoming-"


def bundle_lock(media_root: Path, bundle_id: str) -> FileLock:
    return FileLock(media_root / f".import-{bundle_id}.lock")


@contextlib.contextmanager
def incoming_folder(media_root: Path) -> Iterator[Path]:
    """A working folder of this import's own, locked while it exists; folders left by
    killed imports are cleared first."""
    remove_stale_incoming(media_root)
    while True:
        name = INCOMING + uuid.uuid4().hex
        lock = FileLock(media_root / f"{name}.lock")
        if lock.acquire():  # the lock exists before the folder: see remove_stale_incoming
            break
    folder = media_root / name
    try:
        folder.mkdir()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        lock.release()


def remove_stale_incoming(media_root: Path) -> None:
    """Clear working folders whose import is no longer running (it was killed), and the
    bundle locks such imports left."""
    with contextlib.suppress(OSError):
        for lock_path in media_root.glob(".import-*.lock"):
            lock = FileLock(lock_path)
            if lock.acquire():
                lock.release()
        entries = list(media_root.glob(INCOMING + "*"))
        for lock_path in (p for p in entries if p.name.endswith(".lock")):
            lock = FileLock(lock_path)
            if lock.acquire():
                shutil.rmtree(lock_path.with_suffix(""), ignore_errors=True)
                lock.release()
        for folder in (p for p in entries if not p.name.endswith(".lock")):
            # A folder without a lock file was left by an IDTrainer before these locks
            # (an import creates the lock file before its folder and removes it after).
            if folder.is_dir() and not folder.is_symlink() and \
                    not folder.with_name(folder.name + ".lock").exists():
                shutil.rmtree(folder, ignore_errors=True)
