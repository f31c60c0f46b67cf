"""Views refresh from core's change notifications, on the GUI thread, whoever wrote."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from idtrainer.core import bundles
from idtrainer.core.store import Store
from idtrainer.gui.start import TRAINEE_ROLE


def listed(window) -> set[str]:
    profiles = window.start.profiles
    return {profiles.item(i).data(TRAINEE_ROLE) for i in range(profiles.count())}


def test_a_write_on_a_worker_thread_refreshes_the_view_on_the_gui_thread(window, qtbot):
    ctx = window.ctx
    on_gui_thread = []
    ctx.changed.connect(lambda committed: on_gui_thread.append(
        QThread.currentThread() is QApplication.instance().thread()))
    made = []

    def worker() -> None:  # a background task with its own connection, as the runner's
        with Store.open(ctx.store.path) as own:
            made.append(own.trainees.create("Фарход Раҳимов"))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert made[0] not in listed(window)  # queued: delivered by the GUI's event loop
    qtbot.waitUntil(lambda: made[0] in listed(window))
    assert on_gui_thread and all(on_gui_thread)


def test_views_hear_only_of_their_tables_and_need_no_caller_to_remember(window, qtbot,
                                                                        tmp_path):
    ctx = window.ctx
    page = window.page("sync")
    rows = page.history.rowCount()
    refreshed = []
    ctx.when_changed(page, lambda: refreshed.append("sync_log"), "sync_log")
    ctx.store.set_setting("font_scale", "1.15")  # no view shows this table
    QApplication.processEvents()
    assert refreshed == []
    # An export made through core (not through the page) shows up in its history.
    ctx.store.trainer.set_password("steppe-eagle-7")
    bundles.export_bundle(ctx.store, "results", tmp_path / "results.idtb")
    qtbot.waitUntil(lambda: page.history.rowCount() == rows + 1)
    assert refreshed == ["sync_log"]


def test_news_still_queued_when_the_window_closes_is_dropped(window, qtbot):
    ctx = window.ctx
    heard = []
    ctx.changed.connect(heard.append)
    ctx.store.trainees.create("Ирина Ким")
    ctx.detach()  # closing: the store may be closed before the queue is drained
    QApplication.processEvents()
    assert heard == []


def test_a_write_on_the_gui_thread_is_heard_after_it_not_during_it(window):
    ctx = window.ctx
    heard = []
    ctx.changed.connect(heard.append)
    made = ctx.store.trainees.create("Нодира Алиева")
    assert heard == []  # queued, as from a worker: a view never refreshes mid-write
    QApplication.processEvents()
    assert any(made in change.uuids for c in heard for change in c.changes)
