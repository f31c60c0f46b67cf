"""The error log: a rotating file in the data folder, ``<data>/logs/idtrainer.log``.

The CLI and the GUI call :func:`setup` once at start. Every traceback of an unexpected
error (a bug) goes there, and messages name the file so a person can send it. Errors a
person can act on (:class:`~idtrainer.core.errors.IDTrainerError`) are logged as one
line, without a traceback. The file is opened only when the first record is written,
so commands that log nothing leave no trace; when it cannot be written (a read-only
data folder or medium, a full disk) errors (tracebacks of bugs) go to stderr instead. See
docs/architecture.md, "Errors".
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path

LOG_FOLDER = "logs"
LOG_NAME = "idtrainer.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"


def log_path(data: Path) -> Path:
    return data / LOG_FOLDER / LOG_NAME


class _DataFolderLog(logging.handlers.RotatingFileHandler):
    """RotatingFileHandler that creates its folder on the first record and hands every
    record to stderr once the file cannot be written."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                         delay=True)
        self.fallback = logging.StreamHandler(sys.stderr)
        self.fallback.setLevel(logging.ERROR)  # stderr is a person's screen: bugs only
        self.failed = False

    def _open(self):  # type: ignore[no-untyped-def, unused-ignore]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def setFormatter(self, fmt: logging.Formatter | None) -> None:
        super().setFormatter(fmt)
        self.fallback.setFormatter(fmt)

    def emit(self, record: logging.LogRecord) -> None:
        if self.failed:
            self._to_stderr(record)
        else:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handleError(record)  # a bad format string: silent (raiseExceptions)
            return
        self.failed = True  # read-only or full: this record and the next go to stderr
        self.close()
        self._to_stderr(record)

    def _to_stderr(self, record: logging.LogRecord) -> None:
        if record.levelno >= self.fallback.level:
            self.fallback.handle(record)


_handler: _DataFolderLog | None = None


def setup(data: Path) -> Path:
    """Send IDTrainer's log records (INFO and up) to the data folder's log; replaces an
    earlier setup (tests call the CLI's ``main`` many times). Returns the log's path."""
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    _handler = _DataFolderLog(log_path(data))
    _handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(_handler)
    root.setLevel(logging.INFO)
    # A handler that cannot write must never print its own traceback in front of a user.
    logging.raiseExceptions = False
    return log_path(data)


def current() -> Path | None:
    """The log file records go to, or None before :func:`setup` or once it could not
    be written (records then go to stderr)."""
    if _handler is None or _handler.failed:
        return None
    return Path(_handler.baseFilename)


def written() -> bool:
    """Whether the last record reached the file (False: it went to stderr)."""
    return _handler is not None and not _handler.failed


def stop() -> None:
    """Detach the data folder's log (tests; the end of a run flushes it anyway)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def log_thread_exceptions() -> None:
    """An uncaught exception on another thread goes to the log (with its traceback)
    instead of stderr; the GUI replaces this with its dialog (gui/errors.py)."""
    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        logging.getLogger("idtrainer").error(
            "internal error on the thread %s", name,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    threading.excepthook = hook
