"""An image gallery: zoom, pan, previous/next, full screen, and the credit line under each image."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core.i18n import gettext as _
from idtrainer.core.media import MediaItem
from idtrainer.gui.images import placeholder, render_item


class ZoomView(QGraphicsView):
    """Wheel or +/- to zoom, drag to pan, double-click to fit."""

    def __init__(self) -> None:
        super().__init__()
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMinimumSize(QSize(240, 180))
        self.zoom = 1.0

    def show_pixmap(self, pixmap: QPixmap) -> None:
        self.item.setPixmap(pixmap)
        self.scene().setSceneRect(self.item.boundingRect())
        self.fit()

    def fit(self) -> None:
        self.resetTransform()
        self.zoom = 1.0
        if not self.item.pixmap().isNull():
            self.fitInView(self.item, Qt.AspectRatioMode.KeepAspectRatio)

    def zoom_by(self, factor: float) -> None:
        self.zoom *= factor
        self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom_by(1.25 if event.angleDelta().y() > 0 else 0.8)

    def mouseDoubleClickEvent(self, event) -> None:
        self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.zoom == 1.0:
            self.fit()


class Gallery(QWidget):
    def __init__(self, *, captions: bool = True) -> None:
        super().__init__()
        self.captions = captions  # off where the picture is the question
        self.question = not captions  # ... and then its naming texts are left out too
        self.images: list[MediaItem] = []
        self.index = 0
        self.view = ZoomView()
        self.caption = QLabel(wordWrap=True)
        self.credit = QLabel(wordWrap=True)
        self.credit.setObjectName("credit")
        self.credit.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.position = QLabel()
        self.previous = QPushButton()
        self.next = QPushButton()
        self.zoom_in = QPushButton("+")
        self.zoom_out = QPushButton("−")
        self.full = QPushButton()
        self.previous.clicked.connect(lambda: self.go(-1))
        self.next.clicked.connect(lambda: self.go(1))
        self.zoom_in.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.full.clicked.connect(self.toggle_full_screen)
        controls = QHBoxLayout()
        for w in (self.previous, self.position, self.next):
            controls.addWidget(w)
        controls.addStretch(1)
        for w in (self.zoom_out, self.zoom_in, self.full):
            controls.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(controls)
        # The caption scrolls inside a fixed height (see _reserve).
        self.caption_area = QScrollArea()
        self.caption_area.setWidget(self.caption)
        self.caption_area.setWidgetResizable(True)
        self.caption_area.setFrameShape(QFrame.Shape.NoFrame)
        self.caption_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.caption_area)
        layout.addWidget(self.credit)
        self.full_window: QWidget | None = None
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._leave_full_screen)
        self.retranslate()

    def retranslate(self) -> None:
        self.previous.setText(_("◀ Previous"))
        self.next.setText(_("Next ▶"))
        self.full.setText(_("Full screen"))
        self.zoom_in.setToolTip(_("Zoom in"))
        self.zoom_out.setToolTip(_("Zoom out"))
        self._reserve()
        self._show()

    def _reserve(self) -> None:
        """Fixed room for the counter, the caption and the credit line, so the picture keeps
        its size and the buttons stay where they are from one image to the next."""
        metrics = self.fontMetrics()
        self.position.setFixedWidth(metrics.horizontalAdvance("888 / 888"))
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption_area.setFixedHeight(metrics.lineSpacing() * 4 + 4)
        self.credit.setFixedHeight(metrics.lineSpacing() * 2 + 2)
        for label in (self.caption, self.credit):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # Ctrl + / Ctrl − changed the text size
            self._reserve()

    def set_images(self, images: list[MediaItem]) -> None:
        self.images = images
        self.index = 0
        self._show()

    def go(self, step: int) -> None:
        if self.images:
            self.index = (self.index + step) % len(self.images)
            self._show()

    def _show(self) -> None:
        has = bool(self.images)
        for w in (self.previous, self.next):
            w.setEnabled(len(self.images) > 1)
        for w in (self.zoom_in, self.zoom_out, self.full):
            w.setEnabled(has)
        if not has:
            self.view.show_pixmap(QPixmap())
            self.caption.setText(_("No image yet."))
            self.credit.clear()
            self.position.clear()
            return
        item = self.images[self.index]
        image = render_item(item, QSize(1600, 1600), question=self.question)
        self.view.show_pixmap(QPixmap.fromImage(image if not image.isNull() else placeholder()))
        self.position.setText(f"{self.index + 1} / {len(self.images)}")
        self.caption.setText(item.caption.value if item.caption and self.captions else "")
        self.caption_area.setVisible(self.captions)
        self.credit.setText(_("Image: {author} · Licence: {licence} · Source: {source}").format(
            author=item.author, licence=item.licence, source=item.source))
        self.credit.setToolTip(self.credit.text())

    def toggle_full_screen(self) -> None:
        if self.full_window is not None:
            self._leave_full_screen()
            return
        window = QWidget(None, Qt.WindowType.Window)
        window.setWindowTitle(self.caption.text() or "IDTrainer")
        layout = QVBoxLayout(window)
        viewer = ZoomView()
        layout.addWidget(viewer)
        close = QPushButton(_("Close full screen (Esc)"))
        close.clicked.connect(self._leave_full_screen)
        layout.addWidget(close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), window, self._leave_full_screen)
        item = self.images[self.index]
        image = render_item(item, QSize(3000, 3000), question=self.question)
        viewer.show_pixmap(QPixmap.fromImage(image if not image.isNull() else placeholder()))
        self.full_window = window
        window.showFullScreen()

    def _leave_full_screen(self) -> None:
        if self.full_window is not None:
            self.full_window.close()
            self.full_window.deleteLater()
            self.full_window = None
