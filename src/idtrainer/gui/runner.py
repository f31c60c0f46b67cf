"""The one way to run long work off the GUI thread.

    run_in_background(
        parent=self,
        store=self.ctx.store,
        work=lambda task: content.load_starter_content(task.store, progress=task.progress),
        on_done=self._show_summary,
        on_error=self._show_error,
        label=_("Preparing the starter content…"),
    )

``work`` runs on a worker thread and gets a :class:`Task` to report progress, to ask
whether the person cancelled, and, when ``store`` is given, ``task.store``: a Store of
its own on the same database file (:meth:`Store.open_worker`), closed when the work
ends. No SQLite connection is shared between threads: the GUI keeps its own, and a
write it makes while the work runs is its own transaction, never part of the worker's.
``work`` never touches widgets. ``on_done`` and ``on_error`` run on the GUI thread;
``on_error`` gets only errors a person can act on (:class:`IDTrainerError`, a busy or
full database, a file-system error named with its file), shown by default as a
message. Anything else is a bug: it is logged and shown by
:func:`idtrainer.gui.errors.show_bug`; ``on_bug`` runs when that dialog is closed.

Input to the application's windows is blocked from the start (the progress dialog
itself appears only after 400 ms, so quick work does not flash one). Tests call
:func:`set_inline` so work runs at once on the calling thread (as Picard's
FakeThreadPool does); there a bug is raised in the test. See docs/architecture.md,
"Threads".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

from idtrainer.core.i18n import gettext as _
from idtrainer.gui import errors

if TYPE_CHECKING:
    from idtrainer.core.store import Store

log = logging.getLogger(__name__)

_inline = False


def set_inline(inline: bool) -> None:
    """Run work on the calling thread (tests)."""
    global _inline
    _inline = inline


class Task:
    """What the work function sees: progress reporting and cancellation."""

    def __init__(self, bridge: _Bridge | None, store: Store | None = None) -> None:
        self._bridge = bridge
        self._cancel = threading.Event()
        self._store = store

    @property
    def store(self) -> Store:
        """The work's own Store (opened on the worker thread, closed after the work)."""
        if self._store is None:
            raise RuntimeError("run_in_background was called without store=")
        return self._store

    def progress(self, done: int, total: int) -> None:
        if self._bridge is not None:
            self._bridge.progressed.emit(done, total)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Bridge(QObject):
    """Lives on the GUI thread; the worker's signals arrive here queued."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


def _job(work: Callable[[Task], Any], task: Task, bridge: _Bridge,
         store: Store | None) -> None:
    own: Store | None = None
    outcome: tuple[bool, object]
    try:
        if store is not None:
            own = task._store = store.open_worker()
        outcome = (True, work(task))
    except BaseException as exc:  # delivered to the GUI thread
        outcome = (False, exc)
    finally:
        if own is not None:
            try:
                own.close()
            except Exception:
                log.exception("closing a worker's store")
    # Reported after the worker's connection is closed: on_done sees a quiet database.
    (bridge.finished if outcome[0] else bridge.failed).emit(outcome[1])


def _failure(exc: BaseException, parent: QWidget | None,
             on_error: Callable[[BaseException], None] | None,
             on_bug: Callable[[BaseException], None] | None) -> None:
    clear = errors.clear_error(exc)
    if clear is not None:
        log.info("background work stopped: %s", clear)
        if on_error is not None:
            on_error(clear)
        else:
            errors.show_problem(clear, parent)
        return
    dialog = errors.show_bug(exc, parent)
    if on_bug is None:
        return
    if dialog is not None:
        dialog.finished.connect(lambda _result: on_bug(exc))  # once the person read it
    else:
        on_bug(exc)


#: Input that would reach the windows while work runs; dialogs (the progress dialog, a
#: message) still get theirs.
_INPUT = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
    QEvent.Type.Wheel, QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride,
    QEvent.Type.ContextMenu, QEvent.Type.TouchBegin, QEvent.Type.Drop,
})


class _InputBlocker(QObject):
    """Swallows input to every window but dialogs, from the moment work starts."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _INPUT:
            return False
        if isinstance(watched, QWidget):
            return not isinstance(watched.window(), QDialog)
        return event.type() == QEvent.Type.Shortcut  # a QAction's or QShortcut's


_running: set[_Bridge] = set()  # keep bridges alive until their job reports


def run_in_background(*, parent: QWidget | None, work: Callable[[Task], Any],
                      on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None] | None = None,
                      label: str, cancellable: bool = False, store: Store | None = None,
                      on_bug: Callable[[BaseException], None] | None = None,
                      show: Callable[[int, int], None] | None = None) -> Task:
    """Run ``work`` on a worker thread with its own connection (``store``), input to the
    windows blocked and a progress dialog titled ``label``; with ``show``, the progress
    goes there instead (a page inside a window that says what is happening) and no dialog
    opens."""
    if _inline:
        task = Task(None, store)
        try:
            result = work(task)
        except Exception as exc:
            if errors.clear_error(exc) is None:
                raise  # a bug: fail the test that ran it
            _failure(exc, parent, on_error, on_bug)
        else:
            on_done(result)
        return task

    bridge = _Bridge()
    task = Task(bridge)
    blocker = _InputBlocker()
    app = QCoreApplication.instance()
    if app is not None:
        app.installEventFilter(blocker)
    dialog: QProgressDialog | None = None
    if show is None:
        dialog = QProgressDialog(label, _("Cancel") if cancellable else "", 0, 0, parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal if parent else
                                 Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(400)  # quick work shows no dialog (input is blocked at once)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(task.cancel)

    @Slot(int, int)
    def progressed(done: int, total: int) -> None:
        if dialog is None:
            if show is not None:
                show(done, total)
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def settle() -> None:
        if app is not None:
            app.removeEventFilter(blocker)
        if dialog is not None:
            dialog.canceled.disconnect(task.cancel)  # closing the dialog emits canceled
            dialog.close()
            dialog.deleteLater()
        _running.discard(bridge)

    def finished(result: object) -> None:
        settle()
        on_done(result)

    def failed(exc: object) -> None:
        settle()
        _failure(exc, parent, on_error, on_bug)  # type: ignore[arg-type]

    bridge.progressed.connect(progressed)
    bridge.finished.connect(finished)
    bridge.failed.connect(failed)
    _running.add(bridge)
    # A plain callable: PySide's QRunnable subclasses are deleted under Python's feet.
    QThreadPool.globalInstance().start(lambda: _job(work, task, bridge, store))
    return task
