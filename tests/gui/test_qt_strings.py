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

    translations = QtTranslations(qapp)
    yield translations
    translations.apply("en")
    i18n.set_language("en")


def test_every_qt_string_the_dialogs_ask_for_is_listed(qapp):
    """The list in qt_strings.py covers what Qt asks for while building these dialogs."""
    asked: set[tuple[str, str]] = set()

    class Recorder(QTranslator):
        def isEmpty(self) -> bool:
            return False

        def translate(self, context, source, disambiguation=None, n=-1):
            asked.add((context, source))
            return ""

    recorder = Recorder(qapp)
    qapp.installTranslator(recorder)
    try:
        visible_texts(qapp)
    finally:
        qapp.removeTranslator(recorder)
    # Shortcuts, a percent sign and the layout direction are not words to translate.
    words = {(c, s) for c, s in asked
             if c not in ("QShortcut", "QProgressBar", "QGuiApplication")
             and not re.fullmatch(r"(Alt|Ctrl)\+\w+", s)}
    assert words - QT_MESSAGES == set()


@pytest.mark.parametrize("lang", ["ru", "kk", "uz"])
def test_qt_dialogs_have_no_english_word(qapp, qt_translations, lang):
    qt_translations.apply("en")
    english = visible_texts(qapp)
    i18n.set_language(lang)
    qt_translations.apply(lang)
    shown = visible_texts(qapp)
    same_in_english = {"OK"}  # the same word in Uzbek
    assert shown & english - same_in_english == set()
    assert QCoreApplication.translate("QFileDialog", "Files of &type:") != "Files of &type:"
