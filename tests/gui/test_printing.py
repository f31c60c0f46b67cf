"""Printing from the GUI: select species in the library, Print; the Posters dialog."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

from idtrainer.core import i18n, print_pdf
from idtrainer.gui.main_window import PAGES
from idtrainer.gui.printing import PostersDialog, SheetsDialog


def library(window):
    window.go_to([key for key, _label in PAGES].index("library"))
    return window.library


def test_print_the_selected_species_as_id_sheets(window, tmp_path: Path, monkeypatch, qtbot):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    page = library(window)
    page.search.setText("сайгак")
    page.refresh()
    assert page.list.count() == 1
    page.list.item(0).setSelected(True)
    assert page.selected_species() == [window.ctx.store.species.uuid_for("saiga-tatarica")]
    out = tmp_path / "sheets.pdf"
    dialog = SheetsDialog(window.ctx, page.selected_species(), page, ask=lambda *_a: out)
    qtbot.addWidget(dialog)
    dialog.lang.setCurrentIndex(dialog.lang.findData("kk"))
    dialog.lang2.setCurrentIndex(dialog.lang2.findData("ru"))
    dialog._print()
    assert dialog.written == out and told and str(out) in told[0]
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Ақбөкен" in text and "Сайгак" in text


def test_print_without_a_selection_says_what_to_do(window, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    page = library(window)
    page.list.clearSelection()
    page.print_sheets()
    assert told and "Select" in told[0]


def test_posters_dialog_previews_the_tagged_species_and_saves(window, tmp_path: Path,
                                                               monkeypatch, qtbot):
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    i18n.set_language("kk")
    out = tmp_path / "poster.pdf"
    dialog = PostersDialog(window.ctx, window, ask=lambda *_a: out)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("derivatives"))
    dialog.paper.setCurrentIndex(dialog.paper.findData("A2"))
    tagged = window.ctx.store.species.tagged("derivatives")
    assert dialog.preview.count() == len(tagged) >= 10
    names = [dialog.preview.item(i).text() for i in range(dialog.preview.count())]
    assert "Ақбөкен" in names
    assert not dialog.preview.item(0).icon().isNull()
    dialog.resize(900, 700)
    dialog.show()
    dialog.grab().save(str(tmp_path / "posters-kk.png"))
    dialog._print()
    assert dialog.written == out
    reader = PdfReader(out)
    assert tuple(round(float(x)) for x in reader.pages[0].mediabox[2:]) == tuple(
        round(x) for x in print_pdf.SIZES["A2"])
    assert "Ақбөкен" in reader.pages[0].extract_text()
