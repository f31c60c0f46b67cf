"""QApplication, Qt's own translations, first-run preparation and the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from idtrainer.core import i18n
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import Store
from idtrainer.gui.context import LANGUAGE_SETTING


class QtTranslations:
    """Qt's own strings (standard dialogs and buttons) in the interface language."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.translator: QTranslator | None = None

    def apply(self, lang: str) -> None:
        if self.translator is not None:
            self.app.removeTranslator(self.translator)
            self.translator = None
        translator = QTranslator(self.app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{lang}", folder):  # Qt ships ru and kk, not uz
            self.app.installTranslator(translator)
            self.translator = translator
        QLocale.setDefault(QLocale(i18n.BABEL_LOCALES[lang]))


def start_language(store: Store) -> str:
    """The laptop's remembered language, else the system's."""
    saved = i18n.normalize_language(store.get_setting(LANGUAGE_SETTING))
    return saved or i18n.system_language()


def run(data: Path) -> int:
    from idtrainer.core.app_data import STARTER_LOADED, build_starter, open_store
    from idtrainer.core.content import ContentError
    from idtrainer.core.migrations import SchemaTooNewError
    from idtrainer.core.store import StoreError
    from idtrainer.gui.context import AppContext
    from idtrainer.gui.main_window import MainWindow
    from idtrainer.gui.runner import run_in_background

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("IDTrainer")
    qt_translations = QtTranslations(app)
    i18n.add_language_listener(qt_translations.apply)
    qt_translations.apply(i18n.current_language())
    try:
        store = open_store(data, load_starter=False)
    except (SchemaTooNewError, StoreError, OSError) as exc:
        QMessageBox.critical(None, _("IDTrainer cannot start"), str(exc))
        return 2
    i18n.set_language(start_language(store))
    windows = []

    def show_main(_result: object = None) -> None:
        ctx = AppContext(store, app)
        window = MainWindow(ctx, data / "thumbnails")
        windows.append(window)
        window.show()

    def failed(exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, (ContentError, OSError)) else repr(exc)
        QMessageBox.critical(None, _("IDTrainer cannot start"), _(
            "The starter content could not be prepared:\n{reason}").format(reason=message))
        app.exit(2)

    if store.get_setting(STARTER_LOADED) is None:
        run_in_background(parent=None, work=lambda task: build_starter(store, task.progress),
                          on_done=show_main, on_error=failed,
                          label=_("Preparing the starter content…"))
    else:
        show_main()
    try:
        return app.exec()
    finally:
        store.close()
