"""QApplication, Qt's own translations, first-run preparation and the main window."""

from __future__ import annotations

import gc
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from idtrainer import __version__
from idtrainer.core import i18n
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import Store
from idtrainer.gui.context import LANGUAGE_SETTING

# The log file's handler, the bug dialog and the message boxes are imported by run() and a
# failed start, where they are used: launch() (timed by bench/run.py gui_startup) shows the
# start screen without them.

log = logging.getLogger(__name__)


class QtTranslations:
    """Qt's own strings (standard dialogs and buttons) in the interface language: Qt's
    catalog where Qt ships one (ru, kk), and the project's ``idtrainer_qt.qm`` asked first
    (the strings Qt's catalogs lack; all of Kyrgyz, Tajik and Uzbek in both scripts),
    compiled from the project's gettext catalogs by tools/catalogs.py. Both are plain C++
    QTranslators: a Python translator would be called on worker threads (deadlocking a
    language switch) and, in PySide6 6.12, loses a reference to None on every call."""

    _instance: QtTranslations | None = None

    @classmethod
    def for_app(cls, app: QApplication) -> QtTranslations:
        """The one instance for the application."""
        if cls._instance is None or cls._instance.app is not app:
            cls._instance = cls(app)
        return cls._instance

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.translator: QTranslator | None = None  # Qt's own, for the current language
        self.ours: QTranslator | None = None

    def apply(self, lang: str) -> None:
        from idtrainer.core import languages
        from idtrainer.core.resources import locales_dir

        for old in (self.translator, self.ours):
            if old is not None:
                self.app.removeTranslator(old)
        self.translator = self.ours = None
        translator = QTranslator(self.app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        entry = languages.registry().get(lang)
        locale = QLocale(entry.babel)
        # Qt ships ru and kk; not uz, ky or tg: our own catalog below covers those.
        if translator.load(locale, "qtbase", "_", folder):
            self.app.installTranslator(translator)
            self.translator = translator
        ours = QTranslator(self.app)
        if ours.load(str(locales_dir() / entry.catalog / "LC_MESSAGES" / "idtrainer_qt.qm")):
            self.app.installTranslator(ours)  # installed last, so asked first
            self.ours = ours
        QLocale.setDefault(locale)


def start_language(store: Store, asked: str | None = None) -> str:
    """The language asked for on the command line (``--lang``), else the laptop's
    remembered one, else the system's. An explicit choice on a first start is remembered."""
    saved = i18n.normalize_language(store.get_setting(LANGUAGE_SETTING))
    chosen = i18n.normalize_language(asked)
    if chosen and not saved and not store.read_only:
        store.set_setting(LANGUAGE_SETTING, chosen)
    return chosen or saved or i18n.system_language()


@dataclass
class Launched:
    store: Store
    windows: list = field(default_factory=list)  # the main window, once shown


def launch(data: Path, app: QApplication, lang: str | None = None) -> Launched | None:
    """Open the data and show the main window, after preparing the starter content on
    first run off the GUI thread with progress. None, after a message box, when the
    data cannot be opened."""
    from idtrainer.core.app_data import STARTER_LOADED, build_starter, open_store
    from idtrainer.gui.context import AppContext
    from idtrainer.gui.main_window import MainWindow

    if not app.topLevelWidgets() and not gc.get_freeze_count():
        # What the imports made (modules, classes, functions, Qt's enums: some 22,000
        # objects) lives as long as the app. Frozen, Python's full collections skip it:
        # with the library and a species card open, one takes 2.6 ms instead of 7.4, and
        # quitting is about 10 ms shorter. Not when windows exist already (tests that
        # launch in one process): their garbage would be kept for good.
        gc.freeze()
    try:
        store = open_store(data, load_starter=False)
    except (IDTrainerError, OSError) as exc:
        from PySide6.QtWidgets import QMessageBox

        from idtrainer.gui import errors

        log.info("cannot start: %s", exc)
        clear = errors.clear_error(exc)
        QMessageBox.critical(None, _("IDTrainer cannot start"), str(clear or exc))
        return None
    i18n.set_language(start_language(store, lang))
    if store.read_only:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(None, _("IDTrainer"), _(
            "The database {path} is read-only (the file or its folder cannot be written). "
            "You can look through everything, but nothing you change can be saved.").format(
            path=store.path))
    launched = Launched(store)

    def show_main() -> MainWindow:
        window = MainWindow(AppContext(store, app), data / "thumbnails")
        launched.windows.append(window)
        window.show()
        return window

    def failed(exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, _("IDTrainer cannot start"), _(
            "The starter content could not be prepared:\n{reason}").format(reason=exc))
        app.exit(2)

    def bug(_exc: BaseException) -> None:  # after the error dialog: no window to show
        app.exit(2)

    if store.get_setting(STARTER_LOADED) is None:
        from idtrainer.gui.runner import run_in_background

        # The window shows at once, with the progress inside it; the content is built on
        # a worker thread with its own connection.
        window = show_main()
        page = window.preparing()
        run_in_background(parent=window, store=store,
                          work=lambda task: build_starter(task.store, task.progress),
                          on_done=lambda _result: window.prepared(page), on_error=failed,
                          on_bug=bug, label=_("Preparing the starter content…"),
                          show=page.progress)
    else:
        show_main()
    return launched


def run(data: Path, lang: str | None = None) -> int:
    from idtrainer.core import logs
    from idtrainer.gui import errors, style

    # Laptops at 125 % or 150 % display scaling get crisp, truly scaled text: Qt 6's
    # default rounding policy, PassThrough (tests/gui/test_app.py checks it), so nothing is
    # set here and Qt's namespace of enums is not built (see main_window.set_keys).
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("IDTrainer")
    logs.setup(data)
    log.info("IDTrainer %s starting, data in %s", __version__, data)
    errors.install()  # a bug anywhere from here on: logged, and a dialog says so
    style.apply(app)  # one stylesheet for every page; again when the system's colours change
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: style.apply(app))
    qt_translations = QtTranslations.for_app(app)
    i18n.add_language_listener(qt_translations.apply)
    qt_translations.apply(i18n.current_language())
    launched = launch(data, app, lang)
    if launched is None:
        return 2
    try:
        return app.exec()
    finally:
        launched.store.close()
