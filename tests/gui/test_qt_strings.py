"""Qt's own dialogs (file dialog, message boxes, progress, input, edit menus) carry no
English word in a Russian, Kazakh or Uzbek interface."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QTextEdit,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.gui.qt_strings import QT_MESSAGES

LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
S = QDialogButtonBox.StandardButton
ALL_BUTTONS = (S.Ok | S.Cancel | S.Yes | S.No | S.Save | S.Close | S.Apply | S.Discard
               | S.Retry | S.Abort | S.Ignore | S.Help | S.Open | S.Reset
               | S.RestoreDefaults | S.SaveAll | S.YesToAll | S.NoToAll)


def visible_texts(app) -> set[str]:
    """Every label, button, tooltip, header and menu text of the dialogs the app uses."""
    texts: list[str] = []
    widgets: list[QWidget] = []
    for mode in ("open", "save", "dir"):
        dialog = QFileDialog(None)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        if mode == "save":
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        if mode == "dir":
            dialog.setFileMode(QFileDialog.FileMode.Directory)
        texts.append(dialog.windowTitle())
        widgets.append(dialog)
    box = QMessageBox(QMessageBox.Icon.Warning, "", "", QMessageBox.StandardButton.Ok)
    box.setDetailedText("details")
    widgets += [box, QDialogButtonBox(ALL_BUTTONS), QProgressDialog(), QInputDialog()]
    for widget in widgets:
        widget.show()
    app.processEvents()
    for widget in widgets:
        for child in widget.findChildren(QWidget):
            if isinstance(child, (QLabel, QAbstractButton)):
                texts.append(child.text())
            texts.append(child.toolTip())
            if isinstance(child, QHeaderView):
                model = child.model()
                texts += [model.headerData(i, child.orientation())
                          for i in range(model.columnCount())]
        texts += [a.text() for a in widget.findChildren(QAction)]
        widget.close()
    for edit in (QLineEdit(), QTextEdit()):
        texts += [a.text().split("\t")[0] for a in edit.createStandardContextMenu().actions()]
    return {t for t in texts if t and LETTERS.search(t)}


@pytest.fixture
def qt_translations(qapp):
    from idtrainer.gui.app import QtTranslations

    translations = QtTranslations.for_app(qapp)
    yield translations
    translations.apply("en")
    i18n.set_language("en")


RECORD = """
import json, os, sys
sys.path.insert(0, {tests!r})
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from gui.test_qt_strings import visible_texts
app = QApplication([])
asked = set()
class Recorder(QTranslator):
    def isEmpty(self):
        return False
    def translate(self, context, source, disambiguation=None, n=-1):
        asked.add((context, source))
        return ""
recorder = Recorder(app)
app.installTranslator(recorder)
visible_texts(app)
print(json.dumps(sorted(asked)), flush=True)
os._exit(0)  # PySide6 6.12 miscounts None in Python translators: skip finalisation
"""


def test_every_qt_string_the_dialogs_ask_for_is_listed():
    """The list in qt_strings.py covers what Qt asks for while building these dialogs.

    Recorded in a child process, with a Python translator that answers nothing."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    tests = str(Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", RECORD.format(tests=tests)], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    asked = {tuple(pair) for pair in json.loads(out.strip().splitlines()[-1])}
    # Shortcuts, a percent sign and the layout direction are not words to translate.
    words = {(c, s) for c, s in asked
             if c not in ("QShortcut", "QProgressBar", "QGuiApplication")
             and not re.fullmatch(r"(Alt|Ctrl)\+\w+", s)}
    assert len(words) > 40 and words - QT_MESSAGES == set()


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_compiled_qt_catalog_matches_the_gettext_catalog(lang):
    """locales/LANG/LC_MESSAGES/idtrainer_qt.qm says what the .po says for every Qt
    string (run tools/catalogs.py update when this fails)."""
    from idtrainer.core.resources import locales_dir

    compiled = QTranslator()
    from idtrainer.core import languages

    folder = locales_dir() / languages.registry().get(lang).catalog / "LC_MESSAGES"
    assert compiled.load(str(folder / "idtrainer_qt.qm"))
    catalog = i18n.translations(lang)
    for context, source in sorted(QT_MESSAGES):
        assert compiled.translate(context, source) == catalog.pgettext(context, source), (
            context, source)


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_qt_dialogs_have_no_english_word(qapp, qt_translations, lang):
    qt_translations.apply("en")
    english = visible_texts(qapp)
    i18n.set_language(lang)
    qt_translations.apply(lang)
    shown = visible_texts(qapp)
    same_in_english = {"OK"}  # the same word in Uzbek
    assert shown & english - same_in_english == set()
    assert QCoreApplication.translate("QFileDialog", "Files of &type:") != "Files of &type:"
