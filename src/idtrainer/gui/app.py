"""QApplication, translators and the main window.

This is the plain main window of the foundation: it opens the store, shows
what content this laptop has, and switches the interface language live. The
officer's screens (library, lessons, profiles) build on it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from idtrainer import __version__
from idtrainer.core import i18n
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import Store

LANGUAGE_SETTING = "locale"


class QtTranslations:
    """Qt's own strings (standard dialogs, buttons) in the interface language."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.translator: QTranslator | None = None

    def apply(self, lang: str) -> None:
        if self.translator is not None:
            self.app.removeTranslator(self.translator)
            self.translator = None
        translator = QTranslator(self.app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{lang}", folder):
            self.app.installTranslator(translator)
            self.translator = translator
        QLocale.setDefault(QLocale(i18n.BABEL_LOCALES[lang].replace("_Latn", "")))


class MainWindow(QMainWindow):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.counts)
        layout.addStretch(1)
        self.setCentralWidget(body)

        self.language_menu = self.menuBar().addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for lang in i18n.LANGUAGES:
            action = QAction(i18n.language_name(lang), self, checkable=True)
            action.triggered.connect(lambda _checked=False, code=lang: self.choose_language(code))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[lang] = action
        i18n.add_language_listener(self._language_changed)
        self.retranslate()
        self.resize(720, 480)

    def choose_language(self, lang: str) -> None:
        self.store.set_setting(LANGUAGE_SETTING, lang)
        i18n.set_language(lang)

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        lang = i18n.current_language()
        self.setWindowTitle(_("IDTrainer — CITES species identification"))
        self.language_menu.setTitle(_("&Language"))
        self.language_actions[lang].setChecked(True)
        self.heading.setText("<h2>{}</h2>".format(
            _("Welcome to IDTrainer")))
        species = self.store.species.count()
        lessons = self.store.lessons.lesson_count()
        questions = self.store.questions.count()
        self.counts.setText("<br>".join([
            i18n.ngettext("{n} species in the library", "{n} species in the library",
                          species).format(n=i18n.format_number(species)),
            i18n.ngettext("{n} lesson", "{n} lessons", lessons).format(
                n=i18n.format_number(lessons)),
            i18n.ngettext("{n} question", "{n} questions", questions).format(
                n=i18n.format_number(questions)),
            _("Version {version}").format(version=__version__),
        ]))

    def closeEvent(self, event) -> None:
        i18n.remove_language_listener(self._language_changed)
        super().closeEvent(event)


def start_language(store: Store) -> str:
    """The laptop's remembered language, else the system's."""
    saved = i18n.normalize_language(store.get_setting(LANGUAGE_SETTING))
    return saved or i18n.system_language()


def run(data: Path) -> int:
    from idtrainer.core.app_data import open_store
    from idtrainer.core.content import ContentError
    from idtrainer.core.migrations import SchemaTooNewError
    from idtrainer.core.store import StoreError

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("IDTrainer")
    qt_translations = QtTranslations(app)
    i18n.add_language_listener(qt_translations.apply)
    qt_translations.apply(i18n.current_language())
    try:
        store = open_store(data)
    except (SchemaTooNewError, StoreError, ContentError, OSError) as exc:
        QMessageBox.critical(None, _("IDTrainer cannot start"), str(exc))
        return 2
    i18n.set_language(start_language(store))
    window = MainWindow(store)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
