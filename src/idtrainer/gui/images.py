"""Images from the media store as Qt images: raster and SVG, thumbnails cached on disk.

Decoding is bounded (QImageReader allocation limit, the picture gate's checks at
import; an SVG passes the gate again each time it is drawn, a bitmap passes the full
gate the first time it is drawn: a picture from a bundle was only checked for structure
at import, core/pictures.py ``check_stored``) and thumbnails are made on a worker
thread; QImage is safe to paint off the GUI thread, QPixmap is made from it on the GUI
thread. A picture that cannot be shown is a null image; views that show one picture
large draw :func:`placeholder` instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QObject,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter
from PySide6.QtSvg import QSvgRenderer

from idtrainer.core import diagrams
from idtrainer.core.media import MediaItem
from idtrainer.core.pictures import (
    JPEG,
    PNG,
    SVG,
    WEBP,
    MediaError,
    check_picture,
    check_stored,
    read_picture,
)

SVG_MIME = SVG
#: The only decoder Qt may use for each kind: never one it guesses from the content, so
#: an SVG stored as "image/png" is not rendered as SVG.
_QT_FORMATS = {PNG: b"png", JPEG: b"jpeg", WEBP: b"webp"}
MAX_SVG_SIDE = 4096
QImageReader.setAllocationLimit(256)  # MB; a hostile file cannot exhaust memory


def render_item(item: MediaItem, bound: QSize | None = None, *,
                question: bool = False) -> QImage:
    """A media item as the reader sees it: a diagram in the reader's language, and without
    its naming texts when the picture is the ``question``; a photo with feature markers
    drawn with them (core/markers.py)."""
    if not item.drawn_as_svg:
        return render(item.path, item.mime, bound)
    try:
        data = diagrams.svg_for(item, question=question)
    except (OSError, ValueError, SyntaxError):
        return QImage()
    return render(item.path, SVG_MIME, bound, data=data)


def render(path: Path, mime: str, bound: QSize | None = None, *,
           data: bytes | None = None) -> QImage:
    """The image at ``path`` (or the SVG ``data`` made from it), scaled to fit ``bound``
    (keeping its aspect); null if unreadable.

    An SVG is drawn only from bytes that have just passed the picture gate (the
    translated diagram too), so drawing it can reach no file; a bitmap is decoded only by
    the decoder its kind names.
    """
    if mime == SVG_MIME:
        try:
            if data is None:
                data, _info = read_picture(path, allowed={SVG})
            else:
                check_picture(data, path, allowed={SVG})
        except MediaError:
            return QImage()
        renderer = QSvgRenderer(QByteArray(data))
        if not renderer.isValid():
            return QImage()
        size = renderer.defaultSize()
        if size.isEmpty():
            size = QSize(800, 600)
        if bound is not None:
            size = size.scaled(bound, Qt.AspectRatioMode.KeepAspectRatio)
        elif size.width() > MAX_SVG_SIDE or size.height() > MAX_SVG_SIDE:
            # A declared size of any magnitude is drawn at most this large.
            size = size.scaled(MAX_SVG_SIDE, MAX_SVG_SIDE, Qt.AspectRatioMode.KeepAspectRatio)
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        return image
    if mime not in _QT_FORMATS:
        return QImage()
    try:
        check_stored(path, mime)  # once per file: a damaged picture is logged, not drawn
    except MediaError:
        return QImage()
    return _read(str(path), _QT_FORMATS[mime], bound)


def placeholder(bound: QSize | None = None) -> QImage:
    """Drawn where a picture cannot be shown (its file is damaged, or it does not pass the
    picture gate): a grey frame, crossed out, in the shape of a 4:3 photo."""
    size = QSize(400, 300) if bound is None else QSize(400, 300).scaled(
        bound, Qt.AspectRatioMode.KeepAspectRatio)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#e6e6e0"))
    painter = QPainter(image)
    pen = painter.pen()
    pen.setColor(QColor("#8a8a84"))
    pen.setWidth(max(2, size.width() // 100))
    painter.setPen(pen)
    margin = size.width() // 8
    frame = image.rect().adjusted(margin, margin, -margin, -margin)
    painter.drawRect(frame)
    painter.drawLine(frame.topLeft(), frame.bottomRight())
    painter.drawLine(frame.topRight(), frame.bottomLeft())
    painter.end()
    return image


def _read(path: str, fmt: bytes, bound: QSize | None = None) -> QImage:
    """A bitmap decoded only by the decoder ``fmt`` names, never one Qt guesses."""
    reader = QImageReader(path, fmt)
    reader.setAutoDetectImageFormat(False)
    reader.setAutoTransform(True)
    if bound is not None and reader.size().isValid():
        reader.setScaledSize(reader.size().scaled(bound, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def square(image: QImage, size: int) -> QImage:
    """``image`` centred on a white square, so tiles in a grid line up."""
    canvas = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    painter.drawImage((size - image.width()) // 2, (size - image.height()) // 2, image)
    painter.end()
    return canvas


class ThumbnailCache(QObject):
    """Thumbnails of media files, made once on a worker thread and kept on disk."""

    ready = Signal(str)  # sha256
    _made = Signal(str, QImage)  # emitted on the worker thread, delivered queued

    def __init__(self, folder: Path, size: int = 160) -> None:
        super().__init__()
        self.folder = folder
        self.size = size
        self.images: dict[str, QImage] = {}
        self.pending: set[str] = set()
        self._made.connect(self._done)

    def path_for(self, sha256: str) -> Path:
        # "-drawing": diagrams are thumbnailed without their words (see _make)
        return self.folder / f"{sha256}-{self.size}sq-drawing.png"

    def get(self, sha256: str, source: Path, mime: str) -> QImage | None:
        """The thumbnail if it is ready; otherwise start making it and return None."""
        if sha256 in self.images:
            return self.images[sha256]
        cached = self.path_for(sha256)
        if cached.exists():
            image = _read(str(cached), b"png")  # ours; never another decoder
            if not image.isNull():
                self.images[sha256] = image
                return image
        if sha256 not in self.pending:
            self.pending.add(sha256)
            # A plain callable: PySide's QRunnable subclasses are deleted under Python's feet.
            QThreadPool.globalInstance().start(lambda: self._make(sha256, source, mime))
        return None

    def _make(self, sha256: str, source: Path, mime: str) -> None:
        data = None
        if mime == SVG_MIME:
            # At tile size words are unreadable, and they would be in one language only.
            try:
                data = diagrams.without_text(source.read_bytes())
            except (OSError, ValueError, SyntaxError):
                data = None
        image = render(source, mime, QSize(self.size, self.size), data=data)
        if not image.isNull():
            image = square(image, self.size)
            target = self.path_for(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            if image.save(str(partial), "PNG"):
                partial.replace(target)
        self._made.emit(sha256, image)

    def _done(self, sha256: str, image: QImage) -> None:
        self.pending.discard(sha256)
        self.images[sha256] = image
        self.ready.emit(sha256)

    def wait(self) -> None:
        """Finish every pending thumbnail (tests, screenshots)."""
        QThreadPool.globalInstance().waitForDone()
        QCoreApplication.processEvents()
