"""Charts for the trainer dashboard, painted with QPainter (no charting library to ship).

Each chart is a plain widget: set its data, it repaints; ``save_png`` writes what is on
screen. The PDF reports draw the same figures with reportlab's graphics.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor(31, 46, 82)
PRE, POST = QColor(158, 179, 209), QColor(41, 97, 158)
GRID = QColor(220, 224, 232)


class Chart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("white"))
        self.setPalette(palette)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def save_png(self, path: str | Path) -> bool:
        return self.grab().save(str(path), "PNG")

    def _title(self, p: QPainter) -> float:
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.setPen(INK)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        box = p.boundingRect(QRectF(6, 4, self.width() - 12, 200), flags, self.title)
        p.drawText(box, flags, self.title)  # long Kazakh titles wrap instead of being cut
        p.setFont(self.font())
        return box.bottom() + 8.0

    def _empty(self, p: QPainter, top: float, text: str) -> None:
        p.setPen(QColor(120, 120, 120))
        p.drawText(QRectF(0, top, self.width(), self.height() - top),
                   Qt.AlignmentFlag.AlignCenter, text)


class Histogram(Chart):
    """Officers per score band 0–9 … 90–100 %."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bins = [0] * 10
        self.empty_text = ""

    def set_scores(self, percents: list[float]) -> None:
        self.bins = [0] * 10
        for value in percents:
            self.bins[min(9, int(value // 10))] += 1
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        top = self._title(p)
        if not any(self.bins):
            self._empty(p, top, self.empty_text)
            return
        left, bottom = 30.0, self.height() - 22.0
        width = (self.width() - left - 8) / 10
        peak = max(self.bins)
        height = bottom - top - 14
        p.setPen(QPen(GRID))
        p.drawLine(int(left), int(bottom), self.width() - 8, int(bottom))
        for i, count in enumerate(self.bins):
            bar = height * count / peak
            rect = QRectF(left + i * width + 3, bottom - bar, width - 6, bar)
            p.fillRect(rect, POST)
            p.setPen(INK)
            if count:
                p.drawText(QRectF(rect.left(), rect.top() - 16, rect.width(), 14),
                           Qt.AlignmentFlag.AlignCenter, str(count))
            label = f"{10 * i}–{100 if i == 9 else 10 * i + 9}"
            p.drawText(QRectF(left + i * width, bottom + 2, width, 18),
                       Qt.AlignmentFlag.AlignCenter, label)


class PrePost(Chart):
    """Each officer's pre- and post-test score as two horizontal bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, float | None, float | None]] = []
        self.legend = ("", "")
        self.empty_text = ""

    def set_rows(self, rows: list[tuple[str, float | None, float | None]]) -> None:
        self.rows = rows
        self.setMinimumHeight(max(160, 50 + 18 * len(rows)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        top = self._title(p)
        if not self.rows:
            self._empty(p, top, self.empty_text)
            return
        metrics = p.fontMetrics()
        label_w = min(220, max(metrics.horizontalAdvance(n) for n, _a, _b in self.rows) + 10)
        left, right = float(label_w), self.width() - 40.0
        # legend
        x = left
        for color, text in ((PRE, self.legend[0]), (POST, self.legend[1])):
            p.fillRect(QRectF(x, top - 2, 10, 10), color)
            p.setPen(INK)
            p.drawText(QRectF(x + 14, top - 6, 200, 16), Qt.AlignmentFlag.AlignLeft, text)
            x += 24 + metrics.horizontalAdvance(text)
        top += 16
        row_h = max(10.0, min(22.0, (self.height() - top - 6) / len(self.rows)))
        for i, (name, pre, post) in enumerate(self.rows):
            y = top + i * row_h
            p.setPen(INK)
            p.drawText(QRectF(0, y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight
                       | Qt.AlignmentFlag.AlignVCenter, metrics.elidedText(
                           name, Qt.TextElideMode.ElideRight, label_w - 8))
            half = (row_h - 2) / 2
            for j, (value, color) in enumerate(((pre, PRE), (post, POST))):
                if value is None:
                    continue
                p.fillRect(QRectF(left, y + 1 + j * half, (right - left) * value / 100, half),
                           color)
            if post is not None:
                p.drawText(QRectF(right + 2, y, 38, row_h), Qt.AlignmentFlag.AlignLeft
                           | Qt.AlignmentFlag.AlignVCenter, f"{post:.0f}")


class HeatMap(Chart):
    """Species shown (rows) against species chosen (columns); darker = more answers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.species: list[str] = []
        self.names: dict[str, str] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.empty_text = ""

    def set_matrix(self, species: list[str], names: dict[str, str],
                   counts: dict[str, dict[str, int]], limit: int = 12) -> None:
        self.species, self.names, self.counts = species[:limit], names, counts
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        top = self._title(p)
        if not self.species:
            self._empty(p, top, self.empty_text)
            return
        metrics = p.fontMetrics()
        label_w = min(180.0, max(metrics.horizontalAdvance(self.names.get(s, s))
                                 for s in self.species) + 10.0)
        n = len(self.species)
        cell = max(8.0, min(30.0, (self.width() - label_w - 8) / n,
                            (self.height() - top - 8) / n))
        peak = max((v for t in self.species for c, v in self.counts.get(t, {}).items()
                    if c in self.species), default=1)
        for i, truth in enumerate(self.species):
            y = top + i * cell
            p.setPen(INK)
            p.drawText(QRectF(0, y, label_w - 6, cell), Qt.AlignmentFlag.AlignRight
                       | Qt.AlignmentFlag.AlignVCenter, metrics.elidedText(
                           self.names.get(truth, truth), Qt.TextElideMode.ElideRight,
                           int(label_w - 8)))
            for j, other in enumerate(self.species):
                value = self.counts.get(truth, {}).get(other, 0)
                shade = value / peak if peak else 0.0
                color = (QColor.fromRgbF(0.95 - 0.8 * shade, 0.97 - 0.6 * shade,
                                         1 - 0.35 * shade) if truth == other else
                         QColor.fromRgbF(1, 0.96 - 0.7 * shade, 0.94 - 0.8 * shade))
                rect = QRectF(label_w + j * cell, y, cell - 1, cell - 1)
                p.fillRect(rect, color)
                if value and cell >= 14:
                    p.setPen(QColor("white") if shade > 0.6 else INK)
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(value))
