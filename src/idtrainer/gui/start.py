"""The start screen: pick a language and a profile (or create one), then continue.

It is the first thing built at start-up, so it imports only the widgets it shows;
the profile dialogs load when first opened."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.i18n import gettext as _
from idtrainer.gui.context import AppContext

TRAINEE_ROLE = Qt.ItemDataRole.UserRole


class StartPage(QWidget):
    """Shown before anyone is signed in. Emits ``started`` with the lesson to open, if any."""

    started = Signal(object)  # lesson uuid to continue, or None

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.welcome = QLabel(wordWrap=True)
        self.welcome.setObjectName("welcome")
        self.intro = QLabel(wordWrap=True)
        self.language_prompt = QLabel()
        self.language_buttons: dict[str, QPushButton] = {}
        languages = QHBoxLayout()
        for lang in i18n.LANGUAGES:
            button = QPushButton(i18n.language_name(lang))
            button.setCheckable(True)
            button.clicked.connect(lambda _c=False, code=lang: self.ctx.set_language(code))
            self.language_buttons[lang] = button
            languages.addWidget(button)
        # The laptop's country: the Identify page and species cards show its authorities.
        self.country_label = QLabel()
        self.country = QComboBox()
        self.country.setObjectName("laptopCountry")
        self.country_label.setBuddy(self.country)
        self.country.currentIndexChanged.connect(self._country_chosen)
        languages.addSpacing(24)
        languages.addWidget(self.country_label)
        languages.addWidget(self.country)
        languages.addStretch(1)
        self.profiles_label = QLabel()
        self.profiles = QListWidget()
        self.profiles.setObjectName("profiles")
        self.profiles_label.setBuddy(self.profiles)
        self.profiles.itemActivated.connect(lambda _item: self.start(False))
        self.profiles.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_profile)
        self.start_button = QPushButton()
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda: self.start(False))
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("continueButton")
        self.continue_button.clicked.connect(lambda: self.start(True))
        self.due = QLabel()
        self.due.setObjectName("practiceDue")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.due)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.start_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.welcome)
        layout.addWidget(self.intro)
        layout.addWidget(self.language_prompt)
        layout.addLayout(languages)
        layout.addWidget(self.profiles_label)
        layout.addWidget(self.profiles, 1)
        layout.addLayout(buttons)
        ctx.language_changed.connect(self.retranslate)
        ctx.changed.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.welcome.setText("<h1>{}</h1>".format(_("Welcome to IDTrainer")))
        self.intro.setText(_("Training in identifying CITES species and their products "
                             "for customs and border officers."))
        self.language_prompt.setText(_("Language:"))
        for lang, button in self.language_buttons.items():
            button.setChecked(lang == i18n.current_language())
        self.country_label.setText(_("C&ountry:"))
        self._fill_countries()
        self.profiles_label.setText(_("&Who is studying? Choose your profile:"))
        self.new_button.setText(_("&New profile…"))
        self.start_button.setText(_("&Start"))
        self.refresh()

    def _fill_countries(self) -> None:
        from idtrainer.core.experts import COUNTRIES, COUNTRY_NAMES

        self.country.blockSignals(True)
        self.country.clear()
        self.country.addItem(_("Not set"), None)
        for code in COUNTRIES:
            self.country.addItem(_(COUNTRY_NAMES[code]), code)
        self.country.setCurrentIndex(max(0, self.country.findData(
            self.ctx.store.experts.country())))
        self.country.blockSignals(False)

    def _country_chosen(self) -> None:
        if code := self.country.currentData():
            self.ctx.store.experts.set_country(code)
            self.ctx.notify_changed()

    def refresh(self) -> None:
        selected = self.selected()
        self.profiles.clear()
        for person in self.ctx.store.trainees.list():
            text = person.name + ("  🔒" if person.has_pin else "")
            item = QListWidgetItem(text)
            item.setData(TRAINEE_ROLE, person.uuid)
            self.profiles.addItem(item)
            if person.uuid == selected:
                self.profiles.setCurrentItem(item)
        if self.profiles.currentItem() is None and self.profiles.count():
            self.profiles.setCurrentRow(0)
        self._update_buttons()

    def selected(self) -> str | None:
        item = self.profiles.currentItem()
        return item.data(TRAINEE_ROLE) if item else None

    def _update_buttons(self) -> None:
        trainee = self.selected()
        self.start_button.setEnabled(trainee is not None)
        target = self.ctx.store.progress.continue_lesson(trainee) if trainee else None
        due = self.ctx.store.practice.due_count(trainee) if trainee else 0
        self.due.setText(i18n.ngettext("Practice: {n} card due today",
                                       "Practice: {n} cards due today", due).format(n=due))
        self.due.setVisible(trainee is not None)
        self.continue_button.setVisible(target is not None)
        if target:
            lesson = self.ctx.store.lessons.lesson(target, i18n.current_language())
            self.continue_button.setText(_("&Continue: {lesson}").format(
                lesson=lesson.title.value if lesson and lesson.title else ""))

    def new_profile(self) -> None:
        from idtrainer.gui.profile_dialogs import NewProfileDialog

        dialog = NewProfileDialog(self)
        if dialog.exec() != NewProfileDialog.DialogCode.Accepted:
            return
        uuid = self.ctx.store.trainees.create(dialog.name.text(), pin=dialog.pin.text() or None,
                                              locale=i18n.current_language())
        self.ctx.notify_changed()
        self.profiles.setCurrentItem(next(
            self.profiles.item(i) for i in range(self.profiles.count())
            if self.profiles.item(i).data(TRAINEE_ROLE) == uuid))

    def start(self, continue_reading: bool) -> None:
        trainee = self.selected()
        if trainee is None:
            return
        person = self.ctx.store.trainees.get(trainee)
        if person and person.has_pin and not self.ask_pin(trainee, person.name):
            return
        target = self.ctx.store.progress.continue_lesson(trainee) if continue_reading else None
        self.ctx.sign_in(trainee)
        self.started.emit(target)

    def ask_pin(self, trainee: str, name: str) -> bool:
        from idtrainer.gui.profile_dialogs import ask_pin

        return ask_pin(self, self.ctx.store, trainee, name)
