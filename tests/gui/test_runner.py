"""The background runner on real threads: each worker has its own connection, a write
made on the GUI thread meanwhile is kept, input is blocked at once, and failures reach
the person as a message (an IDTrainerError) or the bug dialog (anything else)."""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QVBoxLayout, QWidget

from idtrainer.core import bundles, logs
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.store import Store
from idtrainer.gui import errors, runner


@pytest.fixture(autouse=True)
def threaded():
    runner.set_inline(False)
    yield
    for dialog in list(errors._open):
        dialog.reject()


@pytest.fixture
def log_file(tmp_path: Path):
    path = logs.setup(tmp_path / "data")
    yield path
    logs.stop()


OFFICERS = bundles.BATCH * 2 + 1


@pytest.fixture
def results_bundle(make_laptop, tmp_path: Path) -> Path:
    laptop = make_laptop("B")
    with laptop.transaction():  # more rows than one batch: progress is reported inside
        for i in range(OFFICERS):
            laptop.trainees.create(f"Officer {i:04d}")
    return bundles.export_bundle(laptop, "results", tmp_path / "B.idtb").path


def _import_slowly(path: Path, inside: threading.Event, writing: threading.Event, *,
                   fail: bool):
    """Import ``path``; once inside the import's transaction, wait until the GUI thread
    is writing (a long import), then finish, or fail as a pulled-out stick would."""
    def work(task: runner.Task) -> list[bundles.BatchOutcome]:
        assert task.store.conn is not None

        def step(done: int, total: int, label: str) -> None:
            if task.store.conn.in_transaction and not inside.is_set():
                inside.set()
                assert writing.wait(10)
                time.sleep(0.5)  # the GUI's write is waiting for the lock meanwhile
                if fail:
                    raise OSError(5, "Input/output error")
        return bundles.import_many(task.store, [path], progress=step,
                                   trust=lambda m: True)  # the trainer accepts the laptop
    return work


def _on_disk(store: Store, sql: str) -> object:
    conn = sqlite3.connect(store.path)  # a third connection: what was committed
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("fail", [False, True], ids=["import-ok", "import-fails"])
def test_a_gui_write_during_a_background_import_is_kept(qtbot, loaded: Store,
                                                        results_bundle: Path, fail: bool):
    trainees_before = loaded.count("trainees")
    inside, writing, outcomes, problems = threading.Event(), threading.Event(), [], []
    runner.run_in_background(parent=None, store=loaded,
                             work=_import_slowly(results_bundle, inside, writing, fail=fail),
                             on_done=outcomes.extend, on_error=problems.append,
                             label="Importing…")
    qtbot.waitUntil(lambda: inside.is_set() or bool(outcomes or problems), timeout=20000)
    assert inside.is_set(), (outcomes, problems)
    # The import's write transaction is open on the worker's connection now.
    writing.set()
    loaded.set_setting("font_scale", "1.25")  # waits for the lock, then commits
    qtbot.waitUntil(lambda: bool(outcomes or problems), timeout=20000)

    assert not problems
    (outcome,) = outcomes
    assert loaded.get_setting("font_scale") == "1.25"
    assert _on_disk(loaded, "SELECT value FROM settings WHERE key = 'font_scale'") == "1.25"
    if fail:
        assert outcome.summary is None and "Input/output error" in outcome.error
        assert loaded.count("trainees") == trainees_before
        assert _on_disk(loaded, "SELECT count(*) FROM sync_log") == 0
    else:
        assert outcome.error is None and not outcome.summary.already_imported
        assert loaded.count("trainees") == trainees_before + OFFICERS
        assert _on_disk(loaded, "SELECT count(*) FROM sync_log WHERE direction = 'import'") \
            == 1


def test_the_worker_has_its_own_connection_and_closes_it(qtbot, loaded: Store):
    seen, done = [], []

    def work(task: runner.Task) -> int:
        seen.append(task.store)
        assert task.store is not loaded and task.store.conn is not loaded.conn
        with pytest.raises(sqlite3.ProgrammingError):  # the GUI's connection stays its own
            loaded.conn.execute("SELECT 1")
        return task.store.count("species")

    runner.run_in_background(parent=None, store=loaded, work=work, on_done=done.append,
                             label="…")
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert done == [loaded.count("species")]
    assert seen[0].conn is None  # closed when the work ended


def test_input_is_blocked_from_the_moment_work_starts(qtbot):
    window = QWidget()
    button = QPushButton("Save", window)
    QVBoxLayout(window).addWidget(button)
    qtbot.addWidget(window)
    window.show()
    clicks, done = [], []
    button.clicked.connect(lambda: clicks.append(1))
    release = threading.Event()
    runner.run_in_background(parent=window, work=lambda task: release.wait(10),
                             on_done=done.append, label="…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # well before the dialog shows
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert clicks == []
    release.set()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == [1]


def test_an_actionable_error_goes_to_on_error(qtbot):
    errors_seen = []
    gui_thread = threading.current_thread()

    def fail(_task: runner.Task) -> None:
        raise IDTrainerError("the bundle is damaged")

    runner.run_in_background(
        parent=None, work=fail, on_done=lambda r: None,
        on_error=lambda e: errors_seen.append((str(e), threading.current_thread())),
        label="…")
    qtbot.waitUntil(lambda: bool(errors_seen), timeout=5000)
    assert errors_seen == [("the bundle is damaged", gui_thread)]


def test_a_file_system_error_is_named_not_called_a_bug(qtbot, tmp_path: Path):
    problems = []

    def write(_task: runner.Task) -> None:
        (tmp_path / "no-such-folder" / "certificates.pdf").write_bytes(b"%PDF")

    runner.run_in_background(parent=None, work=write, on_done=lambda r: None,
                             on_error=problems.append, label="…")
    qtbot.waitUntil(lambda: bool(problems), timeout=5000)
    assert isinstance(problems[0], IDTrainerError) and not errors._open
    assert str(problems[0]) == f"{tmp_path / 'no-such-folder' / 'certificates.pdf'}: " \
        f"{os.strerror(errno.ENOENT)}"


def test_a_bug_in_background_work_shows_the_error_dialog_and_is_logged(qtbot, log_file):
    bugs, on_error = [], []

    def fail(_task: runner.Task) -> None:
        raise ZeroDivisionError("division by zero in the merge")

    runner.run_in_background(parent=None, work=fail, on_done=lambda r: None,
                             on_error=on_error.append, on_bug=bugs.append, label="…")
    qtbot.waitUntil(lambda: bool(errors._open), timeout=5000)
    dialog = errors._open[0]
    assert on_error == [] and bugs == []  # on_bug waits until the dialog is read
    assert "ZeroDivisionError: division by zero in the merge" in dialog.what.text()
    assert str(log_file) in dialog.where.text()
    assert "Traceback" in log_file.read_text(encoding="utf-8")
    qtbot.mouseClick(dialog.copy, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "ZeroDivisionError" in copied and "in fail" in copied and "IDTrainer" in copied
    dialog.reject()
    assert len(bugs) == 1 and isinstance(bugs[0], ZeroDivisionError)


@pytest.mark.qt_no_exception_capture
def test_uncaught_exceptions_on_any_thread_reach_the_person(qtbot, log_file, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(
        text))
    errors.install()

    def slot_with_a_bug() -> None:
        raise KeyError("no such page")

    QTimer.singleShot(0, slot_with_a_bug)  # an exception in a slot: sys.excepthook
    qtbot.waitUntil(lambda: bool(errors._open), timeout=5000)
    assert "KeyError" in errors._open[0].what.text()
    errors._open[0].reject()

    def thread_with_a_bug() -> None:
        raise RuntimeError("worker exploded")

    thread = threading.Thread(target=thread_with_a_bug, name="helper")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(errors._open), timeout=5000)
    assert "RuntimeError: worker exploded" in errors._open[0].what.text()
    errors._open[0].reject()
    assert "helper" in log_file.read_text(encoding="utf-8")

    def slot_refused() -> None:
        raise IDTrainerError("the database is in use by another IDTrainer window or command")

    QTimer.singleShot(0, slot_refused)  # something a person can act on: said plainly
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    assert warnings == ["the database is in use by another IDTrainer window or command"]
    assert not errors._open


def test_the_sync_page_imports_on_a_worker_thread(signed_in, make_laptop, qtbot,
                                                  tmp_path: Path, monkeypatch):
    from idtrainer.core import usb
    from idtrainer.gui import sync

    # The trainer accepts laptop B when asked (the question is a dialog on the GUI thread).
    monkeypatch.setattr(sync, "ask_to_trust", lambda parent, manifest: True)

    stick = tmp_path / "stick"
    laptop = make_laptop("B")
    laptop.trainees.create("Officer B")
    laptop.set_setting("device_name", "laptop-B")
    usb.write_results(laptop, stick)
    ctx, page = signed_in.ctx, signed_in.sync
    ctx.unlock_trainer()
    page.add_folder(str(stick))
    before = ctx.store.count("trainees")
    runner.set_inline(False)  # the window fixture runs work inline; here, a real thread
    qtbot.mouseClick(page.import_results_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Results from 1 laptop" in page.log.toPlainText(),
                    timeout=20000)
    assert ctx.store.count("trainees") == before + 1
    assert "laptop-B" in page.details.toPlainText()  # the per-file detail names the laptop
