from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from idtrainer.core.migrations import LATEST
from idtrainer.gui import runner
from idtrainer.gui.app import launch


def test_first_start_builds_the_starter_content_and_shows_the_window(qapp, qtbot, tmp_path):
    runner.set_inline(True)
    try:
        launched = launch(tmp_path / "data", qapp)
        assert launched is not None and len(launched.windows) == 1
        window = launched.windows[0]
        qtbot.addWidget(window)
        assert window.isVisible()
        assert launched.store.species.count() >= 4
        assert launched.store.get_setting("starter_content_loaded")
        window.close()
        window.ctx.detach()
        launched.store.close()
    finally:
        runner.set_inline(False)


def test_first_start_with_lang_kk_is_kazakh_from_the_first_window(qapp, qtbot, tmp_path,
                                                                  monkeypatch):
    from idtrainer.core import i18n

    labels = []
    real = runner.run_in_background

    def spy(**kwargs):
        labels.append((kwargs["label"], i18n.current_language()))
        return real(**kwargs)

    monkeypatch.setattr(runner, "run_in_background", spy)
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    runner.set_inline(True)
    try:
        launched = launch(tmp_path / "data", qapp, "kk")
        window = launched.windows[0]
        qtbot.addWidget(window)
        # The first-run progress dialog was already Kazakh, and so is the first window.
        assert labels and labels[0][1] == "kk"
        assert labels[0][0] == i18n.gettext("Preparing the starter content…") != \
            "Preparing the starter content…"
        assert window.start.welcome.text() == i18n.gettext("Welcome to IDTrainer") != \
            "Welcome to IDTrainer"
        assert launched.store.get_setting("locale") == "kk"  # remembered for next time
        window.close()
        window.ctx.detach()
        launched.store.close()
    finally:
        runner.set_inline(False)
        i18n.set_language("en")


def test_a_newer_database_is_refused_with_a_message(qapp, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / "idtrainer.sqlite")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    assert launch(data, qapp) is None
    assert shown and "newer" in shown[0]


def test_background_work_reports_progress_and_result(qtbot):
    done = []

    def work(task):
        for i in range(3):
            task.progress(i + 1, 3)
        return "finished"

    task = runner.run_in_background(parent=None, work=work, on_done=done.append,
                                    on_error=lambda e: done.append(e), label="…")
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == ["finished"] and not task.cancelled


def test_thumbnails_are_made_off_the_gui_thread_and_cached(qtbot, loaded, tmp_path):
    from idtrainer.gui.images import ThumbnailCache

    cache = ThumbnailCache(tmp_path / "thumbs", size=64)
    item = loaded.media.for_owner(loaded.species.uuid_for("saiga-tatarica"), "en")[0]
    assert cache.get(item.sha256, item.path, item.mime) is None
    with qtbot.waitSignal(cache.ready, timeout=5000):
        pass
    image = cache.get(item.sha256, item.path, item.mime)
    assert image is not None and (image.width(), image.height()) == (64, 64)
    assert cache.path_for(item.sha256).exists()
    fresh = ThumbnailCache(tmp_path / "thumbs", size=64)
    assert fresh.get(item.sha256, item.path, item.mime) is not None  # from disk


def test_screenshots_tool_renders_every_screen(tmp_path, loaded, monkeypatch):
    from idtrainer.tools.screenshots import main

    monkeypatch.undo()  # the real message boxes: the tool catches and closes each one
    loaded.close()
    assert main([str(tmp_path / "shots"), "--data-dir", str(Path(loaded.path).parent),
                 "--lang", "kk"]) == 0
    names = sorted(p.name for p in (tmp_path / "shots").iterdir())
    screens = [n for n in names if not n.startswith("dialog-")]
    assert screens == ["authoring-lessons-kk.png", "authoring-questions-kk.png",
                       "authoring-species-kk.png", "authoring-translations-kk.png",
                       "authoring-try-kk.png", "card-kk.png", "dashboard-kk.png",
                       "events-kk.png", "identify-kk.png", "learn-kk.png", "library-kk.png",
                       "start-kk.png", "sync-content-kk.png", "sync-kk.png",
                       "sync-trust-kk.png"]
    dialogs = {n for n in names if n.startswith("dialog-")}
    assert {"dialog-new-profile-kk.png", "dialog-quiz-builder-kk.png",
            "dialog-roster-kk.png", "dialog-about-kk.png"} <= dialogs and len(dialogs) >= 25


def test_new_profile_dialog_checks_name_and_pin(qtbot):
    from idtrainer.gui.profile_dialogs import NewProfileDialog

    dialog = NewProfileDialog()
    qtbot.addWidget(dialog)
    dialog._check()
    assert "name" in dialog.error.text() and not dialog.result()
    dialog.name.setText("Oʻlmas Rahimov")
    dialog.pin.setText("12a4")
    dialog._check()
    assert "four digits" in dialog.error.text()
    dialog.pin.setText("1234")
    dialog.repeat.setText("1235")
    dialog._check()
    assert "not the same" in dialog.error.text()
    dialog.repeat.setText("1234")
    dialog._check()
    assert dialog.result() == NewProfileDialog.DialogCode.Accepted


def test_qt_own_dialog_buttons_follow_the_language(qapp):
    from PySide6.QtCore import QCoreApplication

    from idtrainer.gui.app import QtTranslations

    translations = QtTranslations.for_app(qapp)
    try:
        translations.apply("ru")
        assert translations.translator is not None
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Отмена"
        translations.apply("kk")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") != "Отмена"
        translations.apply("uz")  # Qt ships no Uzbek: the project's catalog answers
        assert translations.translator is None
        assert QCoreApplication.translate("QFileDialog", "Files of &type:") == "Fayl &turi:"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Bekor qilish"
    finally:
        translations.apply("en")


def test_a_link_in_a_lesson_opens_the_species_card(signed_in, qtbot):
    from PySide6.QtCore import QUrl

    window = signed_in
    store = window.ctx.store
    lesson = next(u for u in store.progress.lesson_order()
                  if "species:saiga-tatarica" in store.lessons.lesson(u, "en").body.value)
    window.learn.open_lesson(lesson)
    window.learn.reader.anchorClicked.emit(QUrl("species:saiga-tatarica"))
    saiga = store.species.uuid_for("saiga-tatarica")
    assert saiga in window.cards and window.cards[saiga].isVisible()
    image = window.learn.reader.loadResource(
        2, QUrl("species:saiga-tatarica/media/saiga-horn.svg"))  # 2: ImageResource
    assert image is not None and not image.isNull()


def test_a_read_only_database_opens_with_a_notice(qapp, qtbot, loaded, monkeypatch):
    from idtrainer.core import store as store_module

    data = Path(loaded.path).parent
    loaded.close()
    monkeypatch.setattr(store_module, "_writable", lambda path: False)  # as on a ro medium
    notices = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text: notices.append(text))
    launched = launch(data, qapp)
    assert launched is not None and launched.store.read_only
    window = launched.windows[0]
    qtbot.addWidget(window)
    assert len(notices) == 1 and "read-only" in notices[0] and str(data) in notices[0]
    assert launched.store.species.count() >= 4  # everything can be looked through
    window.close()
    window.ctx.detach()
    launched.store.close()


def test_a_damaged_database_is_named_at_start(qapp, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "idtrainer.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x10\x00" * 2000)
    before = (data / "idtrainer.sqlite").read_bytes()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    assert launch(data, qapp) is None
    assert len(shown) == 1 and str(data / "idtrainer.sqlite") in shown[0]
    assert "Traceback" not in shown[0] and "backup" in shown[0]
    assert (data / "idtrainer.sqlite").read_bytes() == before


def test_first_start_shows_the_window_at_once_with_the_progress_inside(qapp, qtbot, tmp_path):
    """The starter content is built on a worker thread while the main window already
    shows, its progress on a page inside it; then the start screen, read afresh."""
    from idtrainer.core import i18n
    from idtrainer.gui.main_window import PreparingPage

    launched = launch(tmp_path / "data", qapp, "kk")
    try:
        assert launched is not None and len(launched.windows) == 1
        window = launched.windows[0]
        qtbot.addWidget(window)
        assert window.isVisible()
        page = window.stack.currentWidget()
        assert isinstance(page, PreparingPage)
        assert page.title.text() == i18n.gettext("Preparing the starter content…") != \
            "Preparing the starter content…"
        assert not window.menuBar().isEnabled()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.start, timeout=120_000)
        assert window.menuBar().isEnabled()
        assert launched.store.get_setting("starter_content_loaded")
        assert launched.store.species.count() >= 4
        assert window.start.country.count() > 1  # the experts' countries, read afresh
        window.close()
        window.ctx.detach()
    finally:
        launched.store.close()
        i18n.set_language("en")


def test_scaled_displays_get_truly_scaled_text_by_qts_default():
    """run() sets no rounding policy (naming one builds Qt's enums at start-up): Qt 6's
    default must stay PassThrough, so 125 % and 150 % displays are not rounded."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "QT_SCALE_FACTOR_ROUNDING_POLICY"}
    out = subprocess.run([sys.executable, "-c", (
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "print(QApplication.highDpiScaleFactorRoundingPolicy().name)\n")],
        capture_output=True, text=True, env={**env, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120)
    assert out.stdout.split()[-1] == "PassThrough", out.stderr[-1000:]
