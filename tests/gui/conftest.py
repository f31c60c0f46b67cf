from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from idtrainer.gui import runner


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    """A modal dialog nobody clicks would hang the run offscreen: fail the test instead.
    Tests that expect a dialog patch it themselves."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    def unexpected(*args, **kwargs):
        raise AssertionError(f"unexpected modal dialog: {args[1:3]}")

    for name in ("critical", "warning", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, unexpected)
    monkeypatch.setattr(QInputDialog, "getText", unexpected)


@pytest.fixture
def window(qtbot, loaded, tmp_path):
    """The main window over a private copy of the starter content, nobody signed in."""
    from idtrainer.gui.context import AppContext
    from idtrainer.gui.main_window import MainWindow

    runner.set_inline(True)
    ctx = AppContext(loaded)
    win = MainWindow(ctx, tmp_path / "thumbnails")
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.close()
    ctx.detach()
    ctx.apply_font_scale(1.0)
    runner.set_inline(False)


@pytest.fixture
def signed_in(window):
    """The main window with a trainee signed in."""
    ctx = window.ctx
    trainee = ctx.store.trainees.create("Айгерим Сейітова")
    QApplication.processEvents()  # the start page hears of the new trainee from core
    window.start.start(False)
    assert ctx.trainee == trainee
    return window
