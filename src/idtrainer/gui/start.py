"""The start screen: pick a language and a profile (or create one), then continue.

It is the first thing built at start-up, so it imports only the widgets it shows;
the profile dialogs load when first opened."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.experts import COUNTRIES, COUNTRY_NAMES
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import Store
from idtrainer.gui import style
from idtrainer.gui.context import AppContext

#: Qt.ItemDataRole.UserRole, by number: see main_window.set_keys on Qt's namespace.
TRAINEE_ROLE = 256


def fill_countries(combo: QComboBox, store: Store) -> None:
    """The laptop's country chooser, here and on the Identify page ("who to call" is
    filtered by it): Not set, then the countries, with the laptop's own selected; no
    signal while it is refilled."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(_("Not set"), None)
    for code in COUNTRIES:
        combo.addItem(_(COUNTRY_NAMES[code]), code)
    combo.setCurrentIndex(max(0, combo.findData(store.experts.country())))
    combo.blockSignals(False)


def centred_panel(page: QWidget) -> QVBoxLayout:
    """The start screen's look: one panel (a "card"), centred in ``page`` and a little
    above the middle; returns the panel's column to fill."""
    panel = QFrame()
    panel.setObjectName("card")
    panel.setMaximumWidth(820)
    column = QVBoxLayout(panel)
    column.setSpacing(10)
    centre = QHBoxLayout()
    centre.addStretch(1)
    centre.addWidget(panel, 4)
    centre.addStretch(1)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addLayout(centre)
    layout.addStretch(2)
    return column


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
        languages.addStretch(1)
        # On a row of its own: the languages' row fills the panel (seven languages).
        country = QHBoxLayout()
        country.addWidget(self.country_label)
        country.addWidget(self.country)
        country.addStretch(1)
        self.profiles_label = QLabel()
        self.profiles = QListWidget()
        self.profiles.setObjectName("profiles")
        self.profiles_label.setBuddy(self.profiles)
        # Rosters arrive with the content: a new officer finds their name instead of typing it.
        self.find_name = QLineEdit()
        self.find_name.setObjectName("findProfile")
        self.find_name.setClearButtonEnabled(True)
        self.find_name.textChanged.connect(lambda _t: self._filter())
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

        self.empty = QLabel(wordWrap=True)  # no profile yet: what to do next
        self.empty.setObjectName("hint")
        self.intro.setObjectName("hint")
        self.profiles.setMinimumHeight(160)
        self.profiles.setMaximumHeight(360)
        self.empty.setMinimumHeight(self.empty.fontMetrics().lineSpacing() * 3)

        # One centred panel that leads: language, then who you are, then Start.
        column = centred_panel(self)
        column.addWidget(self.welcome)
        column.addWidget(self.intro)
        column.addSpacing(8)
        column.addWidget(self.language_prompt)
        column.addLayout(languages)
        column.addLayout(country)
        column.addSpacing(8)
        column.addWidget(self.profiles_label)
        column.addWidget(self.find_name)
        column.addWidget(self.profiles, 1)
        column.addWidget(self.empty)
        column.addLayout(buttons)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh, "trainees")
        self.retranslate()

    def retranslate(self) -> None:
        self.welcome.setText(_("Welcome to IDTrainer"))
        self.intro.setText(_("Training in identifying CITES species and their products "
                             "for customs and border officers."))
        self.language_prompt.setText(_("Language:"))
        for lang, button in self.language_buttons.items():
            button.setChecked(lang == i18n.current_language())
        self.country_label.setText(_("C&ountry:"))
        fill_countries(self.country, self.ctx.store)
        self.profiles_label.setText(_("&Who is studying? Choose your profile:"))
        self.empty.setText(_("No profile on this laptop yet. Press “New profile…” to create "
                             "yours: your name, and a PIN if you want one."))
        self.find_name.setPlaceholderText(_("Find your name in the list…"))
        self.new_button.setText(_("&New profile…"))
        self.start_button.setText(_("&Start"))
        self.refresh()

    def _country_chosen(self) -> None:
        if code := self.country.currentData():
            self.ctx.store.experts.set_country(code)

    def refresh(self) -> None:
        selected = self.selected()
        # Rebuilt without a signal per item: _filter() updates the buttons once at the end.
        self.profiles.blockSignals(True)
        self.profiles.clear()
        for person in self.ctx.store.trainees.all():
            text = person.name
            where = ", ".join(p for p in (person.agency, person.subdivision) if p)
            if where:  # two officers of one name: the post tells them apart
                text += f"  ({where})"
            item = QListWidgetItem(text)
            if person.has_pin:  # an icon, not an emoji that the system font may lack
                item.setIcon(style.icon("lock"))
                item.setToolTip(_("Protected by a PIN"))
            item.setData(TRAINEE_ROLE, person.uuid)
            self.profiles.addItem(item)
            if person.uuid == selected:
                self.profiles.setCurrentItem(item)
        if self.profiles.currentItem() is None and self.profiles.count():
            self.profiles.setCurrentRow(0)
        self.profiles.blockSignals(False)
        self.profiles.setVisible(self.profiles.count() > 0)
        self.find_name.setVisible(self.profiles.count() > 0)
        self.empty.setVisible(self.profiles.count() == 0)
        self._filter()

    def _filter(self) -> None:
        """Show the profiles whose name holds every word typed (any case, any order)."""
        words = self.find_name.text().casefold().split()
        first = None
        for i in range(self.profiles.count()):
            item = self.profiles.item(i)
            shown = all(w in item.text().casefold() for w in words)
            item.setHidden(not shown)
            if shown and first is None:
                first = item
        current = self.profiles.currentItem()
        if current is None or current.isHidden():
            if first is None:
                self.profiles.setCurrentRow(-1)
            else:
                self.profiles.setCurrentItem(first)
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
        self.refresh()  # now, to select the new profile; other views hear of it from core
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
