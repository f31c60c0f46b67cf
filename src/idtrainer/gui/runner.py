"""The one way to run long work off the GUI thread.

    run_in_background(
        parent=self,
        work=lambda task: content.load_starter_content(store, progress=task.progress),
        on_done=self._show_summary,
        on_error=self._show_error,
        label=_("Preparing the starter content…"),
    )

``work`` runs on a worker thread and gets a :class:`Task` to report progress and
to ask whether the person cancelled. It never touches widgets. ``on_done`` and
``on_error`` run on the GUI thread. Tests call :func:`set_inline` so work runs
at once on the calling thread (as Picard's FakeThreadPool does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from idtrainer.core.i18n import gettext as _

_inline = False


def set_inline(inline: bool) -> None:
    """Run work on the calling thread (tests)."""
    global _inline
    _inline = inline


class Task:
    """What the work function sees: progress reporting and cancellation."""

    def __init__(self, bridge: _Bridge | None) -> None:
        self._bridge = bridge
        self._cancel = threading.Event()

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


def _job(work: Callable[[Task], Any], task: Task, bridge: _Bridge) -> None:
    try:
        result = work(task)
    except BaseException as exc:  # delivered to on_error on the GUI thread
        bridge.failed.emit(exc)
    else:
        bridge.finished.emit(result)


_running: set[_Bridge] = set()  # keep bridges alive until their job reports


def run_in_background(*, parent: QWidget | None, work: Callable[[Task], Any],
                      on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None],
                      label: str, cancellable: bool = False) -> Task:
    if _inline:
        task = Task(None)
        try:
            result = work(task)
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)
        return task

    bridge = _Bridge()
    task = Task(bridge)
    dialog = QProgressDialog(label, _("Cancel") if cancellable else "", 0, 0, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal if parent else
                             Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(400)  # quick work shows no dialog at all
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.canceled.connect(task.cancel)

    @Slot(int, int)
    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def settle() -> None:
        dialog.canceled.disconnect(task.cancel)  # closing the dialog emits canceled
        dialog.close()
        dialog.deleteLater()
        _running.discard(bridge)

    def finished(result: object) -> None:
        settle()
        on_done(result)

    def failed(exc: object) -> None:
        settle()
        on_error(exc)  # type: ignore[arg-type]

    bridge.progressed.connect(progressed)
    bridge.finished.connect(finished)
    bridge.failed.connect(failed)
    _running.add(bridge)
    # A plain callable: PySide's QRunnable subclasses are deleted under Python's feet.
    QThreadPool.globalInstance().start(lambda: _job(work, task, bridge))
    return task
