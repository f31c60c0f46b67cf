"""The "Pictures" tab of the authoring workspace: a species' photos and diagrams, importing
a photo, its licence, author, source and captions, and feature markers.

The picture is shown as officers will see it (core/markers.py draws the markers and their
legend from the features' texts) in the language picked under "Show in", so the same
annotated picture can be checked in Russian, Kazakh, Uzbek and English. Click on the
picture to place a marker and choose its feature; drag a marker to move it; right-click
it to change its feature or delete it. Importing a photo (cleaning and storing it) runs off
the GUI thread (gui/runner.py).

Every change here (details and captions, markers, importing or deleting a picture) is a
step of the window's authoring session (core/authoring.py): Undo and Redo take it back
and forth like an edit on the Species or Questions tab, and deleting a picture says first
what shows it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.authoring import AuthoringSession, Edit, RowEdit
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.i18n import language_name, pgettext
from idtrainer.core.languages import authored
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.markers import FeatureChoice, Marker, picture_size
from idtrainer.core.media import LICENCES, MediaItem
from idtrainer.core.photos import PhotoDetails
from idtrainer.gui import runner
from idtrainer.gui.authoring.editing import confirm_delete, session_for
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog
from idtrainer.gui.images import render_item

#: The size a picture is rendered at for the canvas; painting scales it to the widget.
RENDER_BOUND = QSize(1600, 1400)
PHOTO_FILTER = "*.jpg *.jpeg *.png *.webp"


def content_locale(lang: str) -> str:
    """The content language closest to an interface language."""
    return lang if lang in language_codes() else "ru"


class MarkerCanvas(QWidget):
    """The picture as rendered, with markers one can click, drag and right-click."""

    place_requested = Signal(float, float, QPoint)   # x, y (0..1), where to show a menu
    move_requested = Signal(str, float, float)        # marker uuid, x, y
    menu_requested = Signal(str, QPoint)              # marker uuid, global position
    selection_changed = Signal(str)                   # marker uuid or ""

    def __init__(self) -> None:
        super().__init__()
        self.image = QImage()
        self.markers: list[Marker] = []
        self.area = (1.0, 1.0)          # picture width, height in the rendered SVG's units
        self.selected = ""
        self._dragging = ""
        self._drag_at: QPointF | None = None
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)

    def show_item(self, item: MediaItem | None) -> None:
        self.markers = list(item.markers) if item else []
        size = picture_size(item) if item else None
        self.area = size if size else (1.0, 1.0)
        self.image = render_item(item, RENDER_BOUND) if item else QImage()
        if self.selected not in {m.uuid for m in self.markers}:
            self.selected = ""
        self.update()

    # -- geometry ------------------------------------------------------------------------

    def _image_rect(self) -> QRectF:
        if self.image.isNull():
            return QRectF()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                      size.width(), size.height())

    def picture_rect(self) -> QRectF:
        """Where the picture itself (without the legend below it) is drawn."""
        rect = self._image_rect()
        if rect.isEmpty():
            return rect
        width, height = self.area
        return QRectF(rect.x(), rect.y(), rect.width(), rect.width() * height / width)

    def point_for(self, x: float, y: float) -> QPointF:
        rect = self.picture_rect()
        return QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height())

    def fraction_at(self, pos: QPointF) -> tuple[float, float] | None:
        rect = self.picture_rect()
        if rect.isEmpty() or not rect.contains(pos):
            return None
        return ((pos.x() - rect.x()) / rect.width(), (pos.y() - rect.y()) / rect.height())

    def radius(self) -> float:
        width, height = self.area
        size = max(12.0, min(width, height * 1.5) / 40)   # as core/markers.py draws them
        rect = self.picture_rect()
        return max(10.0, size * 0.8 * (rect.width() / width if width else 1.0))

    def marker_at(self, pos: QPointF) -> str:
        best, found = self.radius() + 4, ""
        for marker in self.markers:
            centre = self.point_for(marker.x, marker.y)
            distance = math.hypot(centre.x() - pos.x(), centre.y() - pos.y())
            if distance <= best:
                best, found = distance, marker.uuid
        return found

    # -- events --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self._image_rect()
        if not rect.isEmpty():
            painter.drawImage(rect, self.image)
        radius = self.radius()
        if self.selected:
            for marker in self.markers:
                if marker.uuid == self.selected:
                    painter.setPen(QPen(QColor("#1565c0"), 3))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawEllipse(self.point_for(marker.x, marker.y), radius + 5,
                                        radius + 5)
        if self._dragging and self._drag_at is not None:
            painter.setPen(QPen(QColor("#1565c0"), 2, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(198, 40, 40, 90))
            painter.drawEllipse(self._drag_at, radius, radius)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        hit = self.marker_at(pos)
        if event.button() == Qt.MouseButton.RightButton:
            if hit:
                self._select(hit)
                self.menu_requested.emit(hit, event.globalPosition().toPoint())
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if hit:
            self._select(hit)
            self._dragging, self._drag_at = hit, pos
            return
        self._select("")
        at = self.fraction_at(pos)
        if at is not None:
            self.place_requested.emit(at[0], at[1], event.globalPosition().toPoint())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._drag_at = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._dragging:
            return
        uuid, self._dragging = self._dragging, ""
        start = next((m for m in self.markers if m.uuid == uuid), None)
        pos, self._drag_at = event.position(), None
        self.update()
        at = self.fraction_at(pos)
        if start is None or at is None:
            return
        moved = self.point_for(start.x, start.y)
        if math.hypot(moved.x() - pos.x(), moved.y() - pos.y()) >= 3:
            self.move_requested.emit(uuid, at[0], at[1])

    def _select(self, uuid: str) -> None:
        if uuid != self.selected:
            self.selected = uuid
            self.selection_changed.emit(uuid)
            self.update()


class PhotoDialog(FormDialog):
    """What a photo needs before it is imported: the species, licence, author, source and a
    caption; refuses OK with the reason while something required is missing."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, path: Path,
                 species: str | None) -> None:
        super().__init__(parent, _("Import a photo"), self._ok,
                         hint=_("The photo is turned upright, scaled to at most 2560 pixels "
                                "and stored without EXIF, GPS or other metadata."))
        self.ctx = ctx
        self.path = path
        self.species = QComboBox()
        for summary in ctx.store.species.all(ctx.language):
            name = summary.name.value if summary.name else summary.slug
            self.species.addItem(f"{name} ({summary.scientific_name})", summary.uuid)
        if species is not None:
            self.species.setCurrentIndex(max(0, self.species.findData(species)))
        self.licence = licence_combo()
        self.author = QLineEdit()
        self.source = QLineEdit()
        self.source.setPlaceholderText(_("e.g. seized at …, photographed at the training "
                                         "centre"))
        self.caption = QLineEdit()
        self.form.addRow(_("File"), QLabel(path.name))
        self.form.addRow(pgettext("one species", "Species"), self.species)
        self.form.addRow(_("Licence"), self.licence)
        self.form.addRow(_("Author"), self.author)
        self.form.addRow(_("Source"), self.source)
        self.form.addRow(_("Caption ({language})").format(
            language=language_name(content_locale(ctx.language))), self.caption)
        self.details: PhotoDetails | None = None

    def _ok(self) -> None:
        caption = self.caption.text().strip()
        details = PhotoDetails(self.licence.currentData() or "", self.author.text(),
                               self.source.text(), self.species.currentData(),
                               {content_locale(self.ctx.language): caption} if caption else {})
        problems = details.problems()
        if problems:
            self.error.setText(" ".join(problems.values()))
            return
        self.details = details
        self.accept()


def picture_name(entry: str) -> str:
    """A picture's line in the list, short enough to name it in a question."""
    return f"“{entry if len(entry) <= 48 else entry[:47].rstrip() + '…'}”"


def licence_combo() -> QComboBox:
    combo = QComboBox()
    combo.addItem(_("Choose a licence…"), "")
    for licence in LICENCES:
        combo.addItem(licence, licence)
    return combo


class PicturesTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.item: MediaItem | None = None
        self.species = QComboBox()
        self.species.currentIndexChanged.connect(self._species_changed)
        self.pictures = QListWidget()
        self.pictures.currentItemChanged.connect(self._picture_changed)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_photo)
        self.delete_picture_button = QPushButton()
        self.delete_picture_button.clicked.connect(self.delete_picture)
        self.undo_button, self.redo_button = QPushButton(), QPushButton()
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.species_label, self.pictures_label = QLabel(), QLabel()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.species_label, self.species, self.pictures_label):
            column.addWidget(widget)
        column.addWidget(self.pictures, 1)
        column.addWidget(self.import_button)
        column.addWidget(self.delete_picture_button)
        steps = QHBoxLayout()
        steps.addWidget(self.undo_button)
        steps.addWidget(self.redo_button)
        column.addLayout(steps)

        self.show_in = QComboBox()
        for locale in language_codes():
            self.show_in.addItem(language_name(locale), locale)
        self.show_in.currentIndexChanged.connect(self.refresh_picture)
        self.show_in_label = QLabel()
        self.hint = QLabel(wordWrap=True)
        self.hint.setObjectName("hint")
        self.delete_button = QPushButton()
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.canvas = MarkerCanvas()
        self.canvas.place_requested.connect(self._place)
        self.canvas.move_requested.connect(self._move)
        self.canvas.menu_requested.connect(self._marker_menu)
        self.canvas.selection_changed.connect(
            lambda uuid: self.delete_button.setEnabled(bool(uuid)))
        top = QHBoxLayout()
        top.addWidget(self.show_in_label)
        top.addWidget(self.show_in)
        top.addStretch(1)
        top.addWidget(self.delete_button)
        middle = QWidget()
        centre = QVBoxLayout(middle)
        centre.setContentsMargins(0, 0, 0, 0)
        centre.addLayout(top)
        centre.addWidget(self.hint)
        centre.addWidget(self.canvas, 1)

        self.details_box = QGroupBox()
        form = QFormLayout(self.details_box)
        self.licence = licence_combo()
        self.author, self.source = QLineEdit(), QLineEdit()
        # Captions are written in the authored languages; Uzbek Cyrillic follows Uzbek Latin.
        self.captions = {locale: QLineEdit() for locale in authored()}
        self.form_labels = [QLabel() for _ in range(3)]
        form.addRow(self.form_labels[0], self.licence)
        form.addRow(self.form_labels[1], self.author)
        form.addRow(self.form_labels[2], self.source)
        self.caption_labels = {locale: QLabel() for locale in authored()}
        for locale in authored():
            form.addRow(self.caption_labels[locale], self.captions[locale])
        self.error = QLabel(wordWrap=True)
        self.error.setObjectName("error")
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_details)
        form.addRow(self.error)
        form.addRow(self.save_button)
        self.details_box.setEnabled(False)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(middle)
        split.addWidget(self.details_box)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 680, 320])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        ctx.when_changed(self, self._content_changed, "media", "media_links",
                         "picture_markers", "species_features", "texts")
        ctx.language_changed.connect(self.retranslate)
        self.retranslate()
        self._update_steps()

    # -- filling -------------------------------------------------------------------------

    @property
    def session(self) -> AuthoringSession:
        return session_for(self.ctx)

    @property
    def shown_locale(self) -> str:
        return self.show_in.currentData() or content_locale(self.ctx.language)

    def fill_species(self) -> None:
        current = self.species.currentData()
        self.species.blockSignals(True)
        self.species.clear()
        for summary in self.ctx.store.species.all(self.ctx.language):
            name = summary.name.value if summary.name else summary.slug
            self.species.addItem(name, summary.uuid)
        self.species.blockSignals(False)
        index = self.species.findData(current) if current else 0
        self.species.setCurrentIndex(max(0, index))
        self._species_changed()

    def show_species(self, species_uuid: str, media_uuid: str | None = None) -> None:
        self.species.setCurrentIndex(max(0, self.species.findData(species_uuid)))
        if media_uuid:
            self.select_picture(media_uuid)

    def _species_changed(self, *_args: object) -> None:
        self.fill_pictures()

    def fill_pictures(self, keep: str | None = None) -> None:
        keep = keep or (self.item.uuid if self.item else None)
        species = self.species.currentData()
        self.pictures.blockSignals(True)
        self.pictures.clear()
        items = self.ctx.store.media.for_owner(species, self.ctx.language) if species else []
        for number, item in enumerate(items, 1):
            kind = _("Diagram") if item.mime == "image/svg+xml" else _("Photo")
            caption = item.caption.value if item.caption else ""
            text = f"{number}. {kind}" + (f": {caption}" if caption else "")
            entry = QListWidgetItem(text[:120])
            entry.setData(Qt.ItemDataRole.UserRole, item.uuid)
            entry.setToolTip(f"{item.licence} · {item.author} · {item.source}")
            self.pictures.addItem(entry)
        self.pictures.blockSignals(False)
        uuids = [i.uuid for i in items]
        row = uuids.index(keep) if keep in uuids else (0 if uuids else -1)
        self.pictures.setCurrentRow(row)
        self._picture_changed()

    def select_picture(self, media_uuid: str) -> None:
        for row in range(self.pictures.count()):
            entry = self.pictures.item(row)
            if entry is not None and entry.data(Qt.ItemDataRole.UserRole) == media_uuid:
                self.pictures.setCurrentRow(row)
                return

    def current_media(self) -> str | None:
        entry = self.pictures.currentItem()
        return entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None

    def _picture_changed(self, *_args: object) -> None:
        self.refresh_picture()
        self._fill_details()

    def refresh_picture(self, *_args: object) -> None:
        media = self.current_media()
        self.item = self.ctx.store.media.get(media, self.shown_locale) if media else None
        self.canvas.show_item(self.item)
        self.delete_button.setEnabled(bool(self.canvas.selected))

    def _fill_details(self) -> None:
        media = self.current_media()
        self.details_box.setEnabled(media is not None)
        self.error.clear()
        details = self.ctx.store.photos.details(media) if media else PhotoDetails()
        self.licence.setCurrentIndex(max(0, self.licence.findData(details.licence)))
        self.author.setText(details.author)
        self.source.setText(details.source)
        for locale, field in self.captions.items():
            field.setText((details.captions or {}).get(locale, ""))

    def _content_changed(self) -> None:
        self.fill_pictures()
        self._update_steps()

    def _update_steps(self) -> None:
        """Undo and Redo only when the session has a step to take."""
        try:
            session = self.session
        except IDTrainerError:  # trainer mode locked: nothing to undo here
            session = None
        self.undo_button.setEnabled(session is not None and session.can_undo())
        self.redo_button.setEnabled(session is not None and session.can_redo())
        self.delete_picture_button.setEnabled(self.current_media() is not None)

    def showEvent(self, event: QShowEvent) -> None:
        self._update_steps()
        super().showEvent(event)

    # -- actions -------------------------------------------------------------------------

    def import_photo(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import a photo"), "", _("Photos ({patterns})").format(
                patterns=PHOTO_FILTER))
        if not name:
            return
        self.import_path(Path(name))

    def import_path(self, path: Path) -> None:
        if not self._step(lambda: self.session):  # trainer mode only: refused before work
            return
        dialog = PhotoDialog(self, self.ctx, path, self.species.currentData())
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.details is None:
            return
        details = dialog.details
        runner.run_in_background(
            parent=self, store=self.ctx.store,
            work=lambda task: task.store.photos.import_file(path, details),
            on_done=lambda media: self._imported(details, media),
            label=_("Importing the photo…"))

    def _imported(self, details: PhotoDetails, media: object) -> None:
        # Imported off the GUI thread: the session keeps it as a step that added its rows.
        self._step(lambda: self.session.record_added(
            "picture", str(media), self.ctx.store.photos.rows(str(media))))
        if details.species_uuid:
            self.show_species(details.species_uuid)
        self.fill_pictures(keep=str(media))

    def save_details(self) -> None:
        media = self.current_media()
        if media is None:
            return
        details = PhotoDetails(self.licence.currentData() or "", self.author.text(),
                               self.source.text(), self.species.currentData(),
                               {loc: field.text() for loc, field in self.captions.items()})
        self._step(lambda: self.session.record(
            "picture", media, lambda: self.ctx.store.photos.update(media, details)))

    def choose_feature(self, choices: list[FeatureChoice], where: QPoint
                       ) -> FeatureChoice | None:
        """Ask which feature a marker shows (a menu at the click)."""
        menu = QMenu(self)
        for choice in choices:
            label = choice.label.value.replace("\n", " ") if choice.label else ""
            action = menu.addAction(f"{choice.number}. {label}")
            action.setData(choice.uuid)
        picked = menu.exec(where)
        return next((c for c in choices if picked and c.uuid == picked.data()), None)

    def _choices(self) -> list[FeatureChoice]:
        media = self.current_media()
        return self.ctx.store.markers.choices(media, self.shown_locale) if media else []

    def _place(self, x: float, y: float, where: QPoint) -> None:
        media = self.current_media()
        choices = self._choices()
        if media is None:
            return
        if not choices:
            self.error.setText(_("The species has no diagnostic features to mark."))
            return
        choice = self.choose_feature(choices, where)
        if choice is None:
            return
        self._marker_step(lambda: self.ctx.store.markers.place(media, choice.uuid, x, y))

    def _move(self, marker: str, x: float, y: float) -> None:
        self._marker_step(lambda: self.ctx.store.markers.move(marker, x, y))

    def _marker_menu(self, marker: str, where: QPoint) -> None:
        menu = QMenu(self)
        change = menu.addMenu(_("Show another feature"))
        for choice in self._choices():
            label = choice.label.value.replace("\n", " ") if choice.label else ""
            action = change.addAction(f"{choice.number}. {label}")
            action.setData(choice.uuid)
        delete = menu.addAction(_("Delete marker"))
        picked = menu.exec(where)
        if picked is None:
            return
        if picked is delete:
            self._marker_step(lambda: self.ctx.store.markers.delete(marker))
        elif picked.data():
            feature = picked.data()
            self._marker_step(lambda: self.ctx.store.markers.set_feature(marker, feature))

    def delete_selected(self) -> None:
        marker = self.canvas.selected
        if marker:
            self._marker_step(lambda: self.ctx.store.markers.delete(marker))

    def _marker_step(self, action: Callable[[], object]) -> None:
        media = self.current_media() or ""
        if self._step(lambda: self.session.record("marker", media, action)):
            self.refresh_picture()

    def _step(self, action: Callable[[], object]) -> bool:
        """Do one step of the session; show its refusal instead of raising it."""
        try:
            action()
        except IDTrainerError as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        self._update_steps()
        return True

    def delete_picture(self) -> None:
        """Delete the chosen picture, after saying what shows it."""
        media = self.current_media()
        entry = self.pictures.currentItem()
        if media is None or entry is None:
            return
        try:
            refs = self.session.references("picture", media, i18n.current_language())
        except IDTrainerError as exc:
            self.error.setText(str(exc))
            return
        if not confirm_delete(self, picture_name(entry.text()), refs):
            return
        self._step(lambda: self.session.record(
            "picture", media, lambda: self.ctx.store.photos.delete(media)))
        self.fill_pictures()

    def undo(self) -> None:
        self._after_step(self._take(lambda: self.session.undo()))

    def redo(self) -> None:
        self._after_step(self._take(lambda: self.session.redo()))

    def _take(self, step: Callable[[], Edit | RowEdit | None]) -> Edit | RowEdit | None:
        try:
            return step()
        except IDTrainerError as exc:
            self.error.setText(str(exc))
            return None

    def _after_step(self, edit: Edit | RowEdit | None) -> None:
        keep = edit.uuid if edit is not None and edit.kind in ("picture", "marker") else None
        self.fill_pictures(keep=keep)
        self._update_steps()

    def retranslate(self) -> None:
        self.species_label.setText(pgettext("one species", "Species"))
        self.pictures_label.setText(_("Photos and diagrams"))
        self.import_button.setText(_("Import photo…"))
        self.delete_picture_button.setText(_("Delete picture…"))
        self.undo_button.setText(_("Undo"))
        self.redo_button.setText(_("Redo"))
        self.show_in_label.setText(_("Show in"))
        self.hint.setText(_("Click on the picture to place a numbered marker and choose the "
                            "feature it shows. Drag a marker to move it; right-click it to "
                            "change its feature or delete it. Labels come from the "
                            "features' translations."))
        self.delete_button.setText(_("Delete marker"))
        self.details_box.setTitle(_("Licence and source"))
        for label, text in zip(self.form_labels, (_("Licence"), _("Author"), _("Source")),
                               strict=True):
            label.setText(text)
        for locale, label in self.caption_labels.items():
            label.setText(_("Caption ({language})").format(language=language_name(locale)))
        self.save_button.setText(_("Save"))
        self.licence.setItemText(0, _("Choose a licence…"))
        self.show_in.blockSignals(True)
        for index in range(self.show_in.count()):
            self.show_in.setItemText(index, language_name(self.show_in.itemData(index)))
        # The preview starts in the interface's language; another can be picked after.
        self.show_in.setCurrentIndex(max(0, self.show_in.findData(
            content_locale(self.ctx.language))))
        self.show_in.blockSignals(False)
        self.fill_species()
