"""What a person sees when something fails: a plain message, or the dialog for a bug.

An :class:`~idtrainer.core.errors.IDTrainerError` (or a store fault such as a busy or
full database) is something a person can act on: its one line is shown as it is. Any
other exception is a bug: it is written with its traceback to the log
(:mod:`idtrainer.core.logs`) and :class:`ErrorDialog` says what happened, where the log
is, and has a "Copy details" button. :func:`install` routes ``sys.excepthook`` (an
exception in a slot or an event handler) and ``threading.excepthook`` here; the
background runner sends its failures here too. See docs/architecture.md, "Errors".
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtrainer import __version__
from idtrainer.core import logs
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _

log = logging.getLogger(__name__)


def clear_error(exc: BaseException) -> IDTrainerError | None:
    """The error as a person should read it, or None when it is a bug."""
    if isinstance(exc, IDTrainerError):
        return exc
    from idtrainer.core.store import store_error

    return store_error(exc, None)


def summary(exc: BaseException) -> str:
    """One line naming the exception, for the dialog and the CLI."""
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text if len(text) <= 200 else text[:199] + "…"


def details(exc: BaseException) -> str:
    """What a developer needs: versions, time, thread and the traceback."""
    from PySide6 import __version__ as pyside

    lines = [
        f"IDTrainer {__version__}",
        f"Python {platform.python_version()}, PySide6 {pyside}, {platform.platform()}",
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC, "
        f"thread {threading.current_thread().name}",
        "",
        *traceback.format_exception(type(exc), exc, exc.__traceback__),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


class ErrorDialog(QDialog):
    """A bug, said plainly: what happened, where the log is, and its details to copy."""

    def __init__(self, exc: BaseException, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt  # here, not at start-up: see main_window.set_keys

        super().__init__(parent)
        self.details_text = details(exc)
        self.setWindowTitle(_("IDTrainer: internal error"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.heading = QLabel(_(
            "Something went wrong inside IDTrainer. This is a bug in the program, not "
            "something you did wrong; what you were doing may not have been finished."))
        self.what = QLabel(summary(exc))
        where = logs.current()
        self.where = QLabel(_("The details were written to the log: {path}").format(
            path=where) if where is not None else _(
            "No log could be written; use Copy details to keep them."))
        self.hint = QLabel(_("Please send the details (Copy details) or the log file to "
                             "whoever supports IDTrainer for you."))
        for label in (self.heading, self.what, self.where, self.hint):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        self.what.setStyleSheet("font-weight: bold")
        self.text = QPlainTextEdit(self.details_text)
        self.text.setReadOnly(True)
        self.text.setMinimumHeight(140)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox()
        self.copy = QPushButton(_("Copy details"))
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text)
        self.copy.setText(_("Copied"))


_open: list[ErrorDialog] = []  # shown without blocking; kept alive until closed


def show_bug(exc: BaseException, parent: QWidget | None = None, *,
             logged: bool = False) -> ErrorDialog | None:
    """Log a bug with its traceback and show :class:`ErrorDialog` (without blocking: it
    may be called from an exception hook). One at a time: a bug that repeats (in a paint
    event, say) is logged again but not shown again while its dialog is open."""
    if not logged:
        log.error("internal error: %s", summary(exc),
                  exc_info=(type(exc), exc, exc.__traceback__))
    if _open or QGuiApplication.instance() is None:
        return None
    from PySide6.QtCore import Qt

    dialog = ErrorDialog(exc, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open.append(dialog)
    dialog.finished.connect(lambda _result: _open.remove(dialog))
    dialog.open()
    return dialog


def show_problem(exc: BaseException, parent: QWidget | None = None, *,
                 logged: bool = False) -> None:
    """A failure: its own line when a person can act on it, else the bug dialog."""
    clear = clear_error(exc)
    if clear is None:
        show_bug(exc, parent, logged=logged)
        return
    log.info("shown to the user: %s", clear)
    QMessageBox.warning(parent, _("IDTrainer"), str(clear))


class _Relay(QObject):
    """Lives on the GUI thread: another thread's uncaught exception arrives queued."""

    raised = Signal(object)

    @Slot(object)
    def show(self, exc: BaseException) -> None:
        show_problem(exc, logged=True)


_relay: _Relay | None = None


def _excepthook(kind: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    try:
        show_problem(exc)
    except Exception:  # the hook must never raise: that would end the program
        log.exception("the error dialog failed")


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    exc = args.exc_value
    if threading.current_thread() is threading.main_thread() or _relay is None:
        _excepthook(args.exc_type, exc, args.exc_traceback)
        return
    log.error("internal error on the thread %s", args.thread.name if args.thread else "?",
              exc_info=(args.exc_type, exc, args.exc_traceback))
    _relay.raised.emit(exc)  # the dialog itself on the GUI thread


def install() -> None:
    """Route uncaught exceptions of the GUI thread and of other threads to the dialogs.
    Call once, on the GUI thread, after the QApplication exists."""
    global _relay
    if _relay is None:
        _relay = _Relay()
        # Emitted only on other threads, so Qt queues it to this one (an automatic
        # connection; naming Qt.ConnectionType would build Qt's enums at start-up).
        _relay.raised.connect(_relay.show)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
