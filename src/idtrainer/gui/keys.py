"""Keyboard shortcuts of a page that must work whatever child has focus.

Radio buttons, check boxes and combo boxes eat digits and arrow keys before their
page sees them, so a page that answers to 1-9 or ←/→ (exams, practice) filters key
presses at the application, but only while the page is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from idtrainer.gui import application


class PageKeys(QObject):
    """Sends key presses inside ``page`` to ``handler`` (True: handled) while it is shown."""

    def __init__(self, page: QWidget, handler: Callable[[QKeyEvent], bool]) -> None:
        super().__init__(page)
        self.page = page
        self.handler = handler
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.page and kind == QEvent.Type.Show:
            application().installEventFilter(self)
        elif watched is self.page and kind == QEvent.Type.Hide:
            application().removeEventFilter(self)
        elif (kind == QEvent.Type.KeyPress and isinstance(watched, QWidget)
              and (watched is self.page or self.page.isAncestorOf(watched))):
            return self.handler(event)  # type: ignore[arg-type]
        return False
