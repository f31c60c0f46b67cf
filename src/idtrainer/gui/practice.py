"""Practice: today's flashcards for the signed-in trainee, scheduled by FSRS.

Space shows the answer; 1 Again, 2 Hard, 3 Good, 4 Easy rate it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.i18n import N_, ngettext
from idtrainer.core.i18n import gettext as _
from idtrainer.core.practice import Flashcard
from idtrainer.gui.context import AppContext
from idtrainer.gui.gallery import Gallery
from idtrainer.gui.keys import PageKeys

RATING_LABELS = ((1, N_("1 Again")), (2, N_("2 Hard")), (3, N_("3 Good")), (4, N_("4 Easy")))


class PracticePage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.card: Flashcard | None = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.count = QLabel()
        self.day = QProgressBar()  # the day's progress: reviewed of reviewed + due
        self.day.setTextVisible(False)
        self.day.setMaximumWidth(220)
        self.prompt = QLabel(wordWrap=True)
        self.prompt.setObjectName("prompt")
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gallery = Gallery(captions=False)
        self.answer = QLabel(wordWrap=True)
        self.answer.setObjectName("answer")
        self.show_button = QPushButton()
        self.show_button.clicked.connect(self.reveal)
        self.rate_buttons = {}
        rates = QHBoxLayout()
        for value, _label in RATING_LABELS:
            button = QPushButton()
            button.clicked.connect(lambda _c=False, v=value: self.rate(v))
            rates.addWidget(button)
            self.rate_buttons[value] = button
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.count)
        header.addWidget(self.day)
        # One card: question, picture, answer and buttons together, so a card without a
        # picture stays compact at the top instead of spreading down the page.
        self.frame = QFrame()
        self.frame.setObjectName("card")
        self.frame.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QVBoxLayout(self.frame)
        inner.addWidget(self.prompt)
        inner.addWidget(self.gallery, 1)
        inner.addWidget(self.answer)
        inner.addWidget(self.show_button)
        inner.addLayout(rates)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.frame)
        layout.addStretch(1)
        self.layout_ = layout
        self.keys = PageKeys(self, self.handle_key)
        ctx.language_changed.connect(self.retranslate)
        ctx.session_changed.connect(self.next_card)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Practice"))
        self.show_button.setText(_("Show the answer (Space)"))
        for value, label in RATING_LABELS:
            self.rate_buttons[value].setText(_(label))
        self.gallery.retranslate()
        self.next_card(keep=True)

    def next_card(self, keep: bool = False) -> None:
        trainee = self.ctx.trainee
        due = self.ctx.store.practice.due(trainee) if trainee else []
        done = self.ctx.store.practice.reviewed_today(trainee) if trainee else 0
        self.count.setText(ngettext("{n} card due today", "{n} cards due today",
                                    len(due)).format(n=len(due)) + " · " + ngettext(
            "{n} reviewed", "{n} reviewed", done).format(n=done))
        self.day.setRange(0, max(1, done + len(due)))
        self.day.setValue(done if due or done else 1)
        key = self.card.key if keep and self.card and self.card.key in due else (
            due[0] if due else None)
        self.card = self.ctx.store.practice.card(key, i18n.current_language()) if key else None
        self.answer.hide()
        for button in self.rate_buttons.values():
            button.setEnabled(False)
        self.show_button.setEnabled(self.card is not None)
        if self.card is None:
            self.prompt.setText(_("Nothing to practise now. Come back tomorrow.")
                                if trainee else _("Sign in on the start page to practise."))
            self.gallery.hide()
            self._fill(False)
            return
        self.prompt.setText(f"<h3>{html.escape(self.card.prompt)}</h3>".replace("\n", "<br>"))
        self.gallery.setVisible(self.card.image is not None)
        self.gallery.set_images([self.card.image] if self.card.image else [])
        self._fill(self.card.image is not None)
        self.answer.setText(f"<h2>{html.escape(self.card.answer)}</h2>")

    def _fill(self, picture: bool) -> None:
        """A card with a picture grows with the window; one without stays compact."""
        self.layout_.setStretchFactor(self.frame, 1 if picture else 0)
        self.layout_.setStretch(self.layout_.count() - 1, 0 if picture else 1)

    def reveal(self) -> None:
        if self.card is not None:
            self.answer.show()
            self.show_button.setEnabled(False)  # shown: now rate it
            for button in self.rate_buttons.values():
                button.setEnabled(True)

    def rate(self, value: int) -> None:
        if self.card is not None and self.answer.isVisible() and self.ctx.trainee:
            self.ctx.store.practice.review(self.ctx.trainee, self.card.key, value)
            self.card = None
            self.next_card()

    def handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.reveal()
            return True
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_4:
            self.rate(key - Qt.Key.Key_0)
            return True
        return False
