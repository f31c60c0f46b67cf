"""Printing from the library: ID sheets of the selected species, and the Posters dialog.

The PDF is made on a worker thread (run_in_background) with the worker's own database
connection; widgets only collect the choices and show the result.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QWidget,
)

from idtrainer.core import i18n, print_pdf
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import Store
from idtrainer.gui.certificates import language_combo
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog
from idtrainer.gui.images import render_item
from idtrainer.gui.runner import run_in_background

POSTER_NAMES = {"natives": print_pdf.POSTERS["natives"][1],
                "exotics": print_pdf.POSTERS["exotics"][1],
                "derivatives": print_pdf.POSTERS["derivatives"][1]}


def _worker_store(store: Store) -> tuple[Store, bool]:
    """A connection for the worker thread (SQLite connections are not shared)."""
    if store.path is None:
        return store, False
    return Store.open(store.path, media_root=store.media_root, clock=store.clock), True


def _warn(parent: QWidget, message: str) -> None:
    QMessageBox.warning(parent, _("Print"), message)


def _open_pdf(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def write_pdf(parent: QWidget, ctx: AppContext, make: Callable[[Store, Callable], Path],
              path: Path, label: str, on_done: Callable[[Path], None]) -> None:
    def work(task):
        store, own = _worker_store(ctx.store)
        try:
            return make(store, task.progress)
        finally:
            if own:
                store.close()

    run_in_background(parent=parent, work=work, on_done=on_done,
                      on_error=lambda exc: _warn(parent, str(exc)),
                      label=label)


def ask_path(parent: QWidget, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save as PDF"), str(Path.home() / suggested), "PDF (*.pdf)")
    if not path:
        return None
    return Path(path if path.lower().endswith(".pdf") else path + ".pdf")


def _languages(dialog: FormDialog) -> tuple[QComboBox, QComboBox]:
    lang = language_combo()
    lang.setCurrentIndex(max(0, lang.findData(i18n.current_language())))
    lang2 = language_combo(with_none=True)
    dialog.form.addRow(_("&Language:"), lang)
    dialog.form.addRow(_("Second l&anguage:"), lang2)
    return lang, lang2


class SheetsDialog(FormDialog):
    """ID sheets of the species selected in the library."""

    def __init__(self, ctx: AppContext, species: list[str], parent: QWidget | None = None,
                 ask: Callable[[QWidget, str], Path | None] = ask_path) -> None:
        super().__init__(parent, _("Print ID sheets"), self._print, _(
            "Selected species: {n}. Each gets an A4 identification sheet.").format(
            n=i18n.format_number(len(species))))
        self.ctx, self.species, self.ask = ctx, species, ask
        self.lang, self.lang2 = _languages(self)
        self.written: Path | None = None

    def _print(self) -> None:
        if not self.species:
            self.error.setText(_("Select one or more species in the library first."))
            return
        path = self.ask(self, "id-sheets.pdf")
        if path is None:
            return
        lang, lang2 = self.lang.currentData(), self.lang2.currentData()
        species = list(self.species)
        write_pdf(self, self.ctx,
                  lambda store, progress: print_pdf.sheets(store, species, lang, lang2, path,
                                                           progress),
                  path, _("Writing ID sheets…"), self._done)

    def _done(self, path: Path) -> None:
        self.written = path
        QMessageBox.information(self, _("Print"), _("Saved to {path}").format(path=path))
        self.accept()


class PostersDialog(FormDialog):
    """One of the three posters: which species it will show, a PDF preview, then save."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 ask: Callable[[QWidget, str], Path | None] = ask_path) -> None:
        super().__init__(parent, _("Posters"), self._print, _(
            "The species on each poster are those tagged for it in the species files."))
        self.ctx, self.ask = ctx, ask
        self.kind = QComboBox()
        for kind, name in POSTER_NAMES.items():
            self.kind.addItem(_(name), kind)
        self.paper = QComboBox()
        for size in print_pdf.SIZES:
            self.paper.addItem(size, size)
        self.form.addRow(_("&Poster:"), self.kind)
        self.form.addRow(_("Paper &size:"), self.paper)
        self.lang, self.lang2 = _languages(self)
        self.preview = QListWidget()
        self.preview.setObjectName("posterPreview")
        self.preview.setViewMode(QListView.ViewMode.IconMode)
        self.preview.setIconSize(QSize(120, 90))
        self.preview.setGridSize(QSize(170, 150))
        self.preview.setWordWrap(True)
        self.preview.setMinimumSize(720, 360)
        self.count = QLabel()
        self.pdf_preview = QPushButton(_("Open a PDF &preview"))
        self.pdf_preview.clicked.connect(self.open_preview)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.count, 1)
        line.addWidget(self.pdf_preview)
        self.form.addRow(self.preview)
        self.form.addRow(row)
        for combo in (self.kind, self.lang):
            combo.currentIndexChanged.connect(self.refresh)
        self.written: Path | None = None
        self.refresh()

    def choices(self) -> tuple[str, str, str, str | None]:
        return (self.kind.currentData(), self.paper.currentData(), self.lang.currentData(),
                self.lang2.currentData())

    def refresh(self) -> None:
        """The poster's species with their picture in the poster's language."""
        kind, _size, lang, _lang2 = self.choices()
        self.preview.clear()
        uuids = self.ctx.store.species.tagged(print_pdf.POSTERS[kind][0])
        for uuid in uuids:
            card = self.ctx.store.species.card(uuid, lang)
            if card is None:
                continue
            name = card.summary.name.value if card.summary.name else card.summary.scientific_name
            item = QListWidgetItem(name)
            item.setToolTip(print_pdf.key_feature(card, product=kind == "derivatives"))
            if card.images:
                image = render_item(card.images[0], QSize(240, 180))
                if not image.isNull():
                    item.setIcon(QIcon(QPixmap.fromImage(image)))
            item.setData(Qt.ItemDataRole.UserRole, uuid)
            self.preview.addItem(item)
        self.count.setText(i18n.ngettext("{n} species on this poster",
                                         "{n} species on this poster", len(uuids)).format(
            n=i18n.format_number(len(uuids))))

    def open_preview(self) -> None:
        kind, size, lang, lang2 = self.choices()
        path = Path(tempfile.mkdtemp()) / f"poster-{kind}-preview.pdf"
        write_pdf(self, self.ctx, lambda store, progress: print_pdf.poster(
            store, kind, size, lang, lang2, path, progress), path, _("Drawing the poster…"),
            lambda p: _open_pdf(p))

    def _print(self) -> None:
        kind, size, lang, lang2 = self.choices()
        path = self.ask(self, f"poster-{kind}-{size}-{lang}.pdf")
        if path is None:
            return
        write_pdf(self, self.ctx, lambda store, progress: print_pdf.poster(
            store, kind, size, lang, lang2, path, progress), path, _("Drawing the poster…"),
            self._done)

    def _done(self, path: Path) -> None:
        self.written = path
        QMessageBox.information(self, _("Print"), _("Saved to {path}").format(path=path))
        self.accept()
