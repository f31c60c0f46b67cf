"""The look, in one place: one stylesheet, state colours and the interface icons.

Every page uses object names and one dynamic property instead of styling itself:

- ``pageTitle`` (a QLabel): the page's title, in the type scale's largest size;
- ``card`` (a QFrame): a raised panel (practice cards, exam rules, results);
- ``navigation`` (the main window's list): the sidebar, with icons;
- ``error`` / ``hint`` (QLabels): a message in the state colour / a quieter line;
- the property ``state`` = ``pass`` | ``fail`` | ``due`` | ``verify`` on any widget
  colours it by meaning (see :data:`STATE_COLOURS`).

Colours come from the palette (window, base, text, highlight), so a dark system palette
gives a dark app; only the four state colours are fixed, each chosen to read on both.
docs/ui.md describes the design with screenshots.
"""

from __future__ import annotations

import gc
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from idtrainer.core.resources import assets_dir

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

#: Meaning → (colour on a light palette, colour on a dark one).
STATE_COLOURS: dict[str, tuple[str, str]] = {
    "pass": ("#1b7f3b", "#5fd38a"),
    "fail": ("#b3261e", "#ff8a80"),
    "due": ("#1f5fbf", "#82b1ff"),
    "verify": ("#9a5b00", "#ffcc80"),
}

ICON_SIZE = QSize(22, 22)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def state_colour(state: str, palette: QPalette | None = None) -> str:
    light, dark = STATE_COLOURS[state]
    return dark if is_dark(palette) else light


def stylesheet(palette: QPalette | None = None, base_pt: float = 10.0) -> str:
    """The stylesheet for ``palette``; sizes follow ``base_pt``, the application font's
    size (Qt's stylesheets take points, not percentages), so Ctrl + and Ctrl − scale the
    titles with the text."""
    palette = palette or QApplication.palette()

    def pt(factor: float) -> str:
        return f"{base_pt * factor:.1f}pt"

    dark = is_dark(palette)
    mid = palette.color(QPalette.ColorRole.WindowText)  # a copy; QColor(colour) would
    mid.setAlphaF(0.65)  # build Qt's enums at start-up (see main_window.set_keys)
    line = "rgba(255, 255, 255, 0.14)" if dark else "rgba(0, 0, 0, 0.12)"
    panel = palette.color(QPalette.ColorRole.Base).name()
    states = "".join(
        f'*[state="{name}"] {{ color: {state_colour(name, palette)}; }}\n'
        f'QFrame#card[state="{name}"] {{ border-left: 5px solid {state_colour(name, palette)}; '
        f'color: palette(text); }}\n'
        for name in STATE_COLOURS)
    return f"""
QLabel#pageTitle {{ font-size: {pt(1.6)}; font-weight: 600; padding: 2px 0 6px 0; }}
QLabel#welcome {{ font-size: {pt(2.0)}; font-weight: 600; }}
QLabel#hint {{ color: {mid.name(QColor.NameFormat.HexArgb)}; }}
QLabel#error {{ color: {state_colour("fail", palette)}; font-weight: 600; }}
QFrame#card {{ background: {panel}; border: 1px solid {line}; border-radius: 8px;
               padding: 8px; }}
QListWidget#navigation {{ border: none; background: transparent; font-size: {pt(1.1)};
                          outline: 0; padding: 6px 4px; }}
QListWidget#navigation::item {{ padding: 8px 10px; border-radius: 6px; margin: 1px 0; }}
QListWidget#navigation::item:selected {{ background: palette(highlight);
                                         color: palette(highlighted-text); }}
QListWidget#navigation::item:hover:!selected {{ background: {line}; }}
QProgressBar {{ border: 1px solid {line}; border-radius: 4px; background: {panel};
                text-align: center; min-height: 10px; }}
QProgressBar::chunk {{ background: palette(highlight); border-radius: 3px; }}
QPushButton {{ padding: 4px 12px; }}
{states}"""


def apply(app: QApplication) -> None:
    """Style the whole application (called at start and when the palette changes)."""
    sheet = stylesheet(app.palette(), app.font().pointSizeF())
    # Qt repolishes every widget, calling Python sizeHint()s; a garbage collection in
    # the middle could delete a closed window's widgets under its feet (a crash seen in
    # the GUI tests). Collect first, then keep the collector out until Qt is done. At
    # start-up there is no window yet, nothing of one to collect: a full collection then
    # only walks every object Python and PySide have made (about 10 ms).
    if app.topLevelWidgets():
        gc.collect()
    gc.disable()
    try:
        app.setStyleSheet(sheet)
    finally:
        gc.enable()
    icon.cache_clear()


def set_state(widget: QWidget, state: str | None) -> None:
    """Colour ``widget`` by meaning (pass, fail, due, verify), or plainly with None."""
    widget.setProperty("state", state or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


@cache
def icon(name: str) -> QIcon:
    """The interface icon ``name`` (assets/icons/NAME.svg), tinted to the palette: text
    colour normally, highlighted-text colour when selected."""
    # Imported here: the start screen draws no icon unless a profile has a PIN.
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QIcon, QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    path = assets_dir() / "icons" / f"{name}.svg"
    renderer = QSvgRenderer(QByteArray(path.read_bytes()))
    palette = QApplication.palette()
    result = QIcon()
    for mode, role in ((QIcon.Mode.Normal, QPalette.ColorRole.WindowText),
                       (QIcon.Mode.Selected, QPalette.ColorRole.HighlightedText)):
        for size in (22, 44):  # 1x and 2x screens
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter, QRectF(0, 0, size, size))
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(pixmap.rect(), palette.color(role))
            painter.end()
            result.addPixmap(pixmap, mode)
    return result
