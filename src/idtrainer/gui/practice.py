"""Practice: today's flashcards for the signed-in trainee, scheduled by FSRS.

Space shows the answer; 1 Again, 2 Hard, 3 Good, 4 Easy rate it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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
        self.prompt = QLabel(wordWrap=True)
        self.prompt.setObjectName("prompt")
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
        layout = QVBoxLayout(self)
        for w in (self.title, self.count, self.prompt):
            layout.addWidget(w)
        layout.addWidget(self.gallery, 1)
        layout.addWidget(self.answer)
        layout.addWidget(self.show_button)
        layout.addLayout(rates)
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
        self.count.setText(ngettext("{n} card due today", "{n} cards due today",
                                    len(due)).format(n=len(due)))
        key = self.card.key if keep and self.card and self.card.key in due else (
            due[0] if due else None)
        self.card = self.ctx.store.practice.card(key, i18n.current_language()) if key else None
        self.answer.hide()
        for button in self.rate_buttons.values():
            button.setEnabled(False)
        self.show_button.setEnabled(self.card is not None)
        if self.card is None:
            self.prompt.setText(_("Nothing to practise now. Come back tomorrow."))
            self.gallery.hide()
            return
        self.prompt.setText(f"<h3>{html.escape(self.card.prompt)}</h3>".replace("\n", "<br>"))
        self.gallery.setVisible(self.card.image is not None)
        self.gallery.set_images([self.card.image] if self.card.image else [])
        self.answer.setText(f"<h2>{html.escape(self.card.answer)}</h2>")

    def reveal(self) -> None:
        if self.card is not None:
            self.answer.show()
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
