"""The species library: search as you type in any language or script, filters, grid or list."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n, labels
from idtrainer.core.i18n import gettext as _
from idtrainer.core.i18n import ngettext
from idtrainer.core.schema import APPENDICES, PRODUCT_TYPES, TAXON_GROUPS
from idtrainer.core.species import SpeciesSummary
from idtrainer.gui.context import AppContext
from idtrainer.gui.images import ThumbnailCache

TILE = 160
SPECIES_ROLE = Qt.ItemDataRole.UserRole
CHECKLIST_ROLE = Qt.ItemDataRole.UserRole + 1   # a checklist taxon's name


def placeholder_icon(size: int = TILE) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#e6e6e0"))
    return QIcon(pixmap)


class LibraryPage(QWidget):
    open_species = Signal(str)  # species uuid
    open_checklist = Signal(str)  # a scientific name to look up in the CITES checklist

    def __init__(self, ctx: AppContext, thumbnails: ThumbnailCache) -> None:
        super().__init__()
        self.ctx = ctx
        self.thumbnails = thumbnails
        self.items_by_sha: dict[str, list[QListWidgetItem]] = {}
        self.results: list[SpeciesSummary] = []

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("librarySearch")
        self.appendix = QComboBox()
        self.group = QComboBox()
        self.product = QComboBox()
        for combo in (self.appendix, self.group, self.product):
            # As wide as the choice shown, not the longest one, so the row fits 1366 px
            # at larger text sizes; the list opens at full width.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.appendix_label, self.group_label, self.product_label = QLabel(), QLabel(), QLabel()
        self.appendix_label.setBuddy(self.appendix)
        self.group_label.setBuddy(self.group)
        self.product_label.setBuddy(self.product)
        self.grid_button = QToolButton(checkable=True, checked=True)
        self.list_button = QToolButton(checkable=True)
        views = QButtonGroup(self)
        views.addButton(self.grid_button)
        views.addButton(self.list_button)
        self.count = QLabel()
        self.count.setObjectName("resultCount")
        self.list = QListWidget()
        self.list.setObjectName("speciesList")
        self.list.setUniformItemSizes(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printSheets")
        self.posters_button = QPushButton()
        self.posters_button.setObjectName("posters")
        self.print_button.clicked.connect(self.print_sheets)
        self.posters_button.clicked.connect(self.show_posters)

        filters = QHBoxLayout()
        for label, combo in ((self.appendix_label, self.appendix),
                             (self.group_label, self.group),
                             (self.product_label, self.product)):
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.count)
        filters.addWidget(self.grid_button)
        filters.addWidget(self.list_button)
        # Printing sits on the title's line, so the filter row fits 1366 px at 130 %.
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.posters_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.list, 1)

        # Debounce typing a little: fast typists do not queue a search per key.
        self.typing = QTimer(self, singleShot=True, interval=60)
        self.typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self.typing.start())
        for combo in (self.appendix, self.group, self.product):
            combo.currentIndexChanged.connect(self.refresh)
        self.grid_button.toggled.connect(self._apply_view)
        self.list.itemActivated.connect(self._activated)
        thumbnails.ready.connect(self._thumbnail_ready)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh, "species", "taxa", "cites_listings",
                         "species_products", "media", "media_links", "texts", "search_index")
        self.retranslate()
        self._apply_view()

    def retranslate(self) -> None:
        self.title.setText(_("Species library"))
        self.search.setPlaceholderText(
            _("Search by any name, in any language or script (Ctrl+F)"))
        self.appendix_label.setText(_("&CITES:"))
        self.group_label.setText(_("&Group:"))
        self.product_label.setText(_("&Product:"))
        self.grid_button.setText(_("Grid"))
        self.list_button.setText(_("List"))
        self.print_button.setText(_("&Print…"))
        self.print_button.setToolTip(_("ID sheets of the selected species as PDF"))
        self.posters_button.setText(_("P&osters…"))
        self._fill(self.appendix, [(a, labels.appendix_name(a)) for a in APPENDICES])
        self._fill(self.group, [(g, labels.group_name(g)) for g in TAXON_GROUPS])
        self._fill(self.product, [(p, labels.product_name(p)) for p in PRODUCT_TYPES])
        self.refresh()

    def _fill(self, combo: QComboBox, entries: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("All"), None)
        for code, text in entries:
            combo.addItem(text, code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def hideEvent(self, event) -> None:
        # A search typed just before the page is hidden (or the window closed) is dropped.
        self.typing.stop()
        super().hideEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        lang = i18n.current_language()
        self.results = self.ctx.store.species.search(
            self.search.text(), lang, appendix=self.appendix.currentData(),
            group=self.group.currentData(), product_type=self.product.currentData())
        self.list.clear()
        self.items_by_sha.clear()
        for summary in self.results:
            item = QListWidgetItem(self._item_text(summary))
            item.setData(SPECIES_ROLE, summary.uuid)
            item.setToolTip(summary.scientific_name)
            item.setIcon(self._icon(summary))
            self.list.addItem(item)
            if summary.thumbnail:
                self.items_by_sha.setdefault(summary.thumbnail, []).append(item)
        n = len(self.results)
        self.count.setText(ngettext("{n} species", "{n} species", n).format(
            n=i18n.format_number(n)))
        self._add_checklist_entries()

    def _add_checklist_entries(self) -> None:
        """Taxa of the imported CITES checklist matching the search, after the curated
        species and clearly marked: they have no identification material."""
        store = self.ctx.store
        if self.appendix.currentData() or self.group.currentData() or (
                self.product.currentData()):
            return
        curated = {s.scientific_name.lower() for s in self.results}
        date = store.checklist.date()
        if not date:
            return
        stamp = (_("Checklist of {date}") if store.checklist.is_current() else
                 _("Checklist of {date}: not current")).format(date=date)
        for row in store.checklist.search(self.search.text(), limit=30):
            if row["full_name"].lower() in curated:
                continue
            listing = row["listing"] or "—"
            text = _("{name} — checklist entry: no identification material — Appendix "
                     "{listing} — {date}").format(name=row["full_name"], listing=listing,
                                                  date=stamp)
            item = QListWidgetItem(text)
            item.setData(CHECKLIST_ROLE, row["full_name"])
            item.setToolTip(row["names_en"] or row["full_name"])
            item.setIcon(placeholder_icon())
            item.setForeground(QColor("#6b5a2a"))
            self.list.addItem(item)

    def _item_text(self, s: SpeciesSummary) -> str:
        name = s.name.value if s.name else s.scientific_name
        listing = labels.listing_text(s.appendix, s.checked_on, s.to_verify)
        if self.grid_button.isChecked():
            return f"{name}\n{s.scientific_name}"
        return f"{name} — {s.scientific_name} — {listing}"

    def _icon(self, s: SpeciesSummary) -> QIcon:
        if not s.thumbnail:
            return placeholder_icon()
        image = self.thumbnails.get(s.thumbnail, self.ctx.store.media.path_for(s.thumbnail),
                                    s.thumbnail_mime or "")
        return QIcon(QPixmap.fromImage(image)) if image is not None else placeholder_icon()

    def _thumbnail_ready(self, sha256: str) -> None:
        image: QImage | None = self.thumbnails.images.get(sha256)
        for item in self.items_by_sha.get(sha256, []):
            if image is not None and not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _apply_view(self) -> None:
        grid = self.grid_button.isChecked()
        self.list.setViewMode(QListView.ViewMode.IconMode if grid else QListView.ViewMode.ListMode)
        self.list.setIconSize(QSize(TILE, TILE) if grid else QSize(48, 48))
        self.list.setGridSize(QSize(TILE + 48, TILE + 84) if grid else QSize())
        self.refresh()

    def _activated(self, item: QListWidgetItem) -> None:
        if name := item.data(CHECKLIST_ROLE):
            self.open_checklist.emit(name)
            return
        self.open_species.emit(item.data(SPECIES_ROLE))

    def selected_species(self) -> list[str]:
        return [item.data(SPECIES_ROLE) for item in self.list.selectedItems()]

    def print_sheets(self) -> None:
        from idtrainer.gui.printing import SheetsDialog

        species = self.selected_species()
        if not species:
            QMessageBox.information(self, _("Print"), _(
                "Select one or more species first (Ctrl or Shift and click for several)."))
            return
        SheetsDialog(self.ctx, species, self).exec()

    def show_posters(self) -> None:
        from idtrainer.gui.printing import PostersDialog

        PostersDialog(self.ctx, self).exec()

    def visible_species(self) -> list[str]:
        return [self.list.item(i).data(SPECIES_ROLE) for i in range(self.list.count())
                if self.list.item(i).data(SPECIES_ROLE)]

    def checklist_entries(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).data(CHECKLIST_ROLE)]
