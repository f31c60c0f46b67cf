"""The main window: start screen, then navigation between Learn, Library and the other areas."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from idtrainer import __version__
from idtrainer.core import i18n
from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _
from idtrainer.gui import style
from idtrainer.gui.context import AppContext
from idtrainer.gui.start import StartPage, centred_panel

# The pages and windows below the start screen are imported when first opened: start-up
# then loads only what the start screen needs (see bench/run.py gui_startup).
if TYPE_CHECKING:
    from idtrainer.gui.certificates import CertificatesPage
    from idtrainer.gui.dashboard import DashboardPage
    from idtrainer.gui.events import EventsPage
    from idtrainer.gui.exam import ExamsPage
    from idtrainer.gui.identify import IdentifyPage
    from idtrainer.gui.images import ThumbnailCache
    from idtrainer.gui.learn import LearnPage
    from idtrainer.gui.library import LibraryPage
    from idtrainer.gui.practice import PracticePage
    from idtrainer.gui.species_card import CompareWindow, SpeciesCardWindow
    from idtrainer.gui.sync import SyncPage
    from idtrainer.gui.trainer import TrainerPage


def set_keys(action: QAction, *keys: str | QKeySequence.StandardKey) -> None:
    """Give ``action`` its keyboard shortcuts: the first is shown in the menu, the others
    also trigger it while it is enabled.

    Through the ``shortcut`` property and QShortcut, not ``QAction.setShortcut(s)``:
    PySide's argument check there builds every enum of Qt's namespace (~90 enums with
    1,700 members: about 15 ms, and more at quit) before the start screen shows, which
    needs none of them. So the start screen's modules name no ``Qt.`` value at import or
    while it is built; tests/gui/test_startup_enums.py checks it.
    """
    first, *more = (QKeySequence(key) for key in keys)
    action.setProperty("shortcut", first)
    owner = action.parent()  # the window the action is in: the shortcut works there
    if not more:
        return
    if owner is None:
        raise ValueError("an action with several keys needs its window as parent")
    for key in more:
        QShortcut(key, owner).activated.connect(
            lambda a=action: a.isEnabled() and a.trigger())


class PlaceholderPage(QWidget):
    """An area another part of the work fills; it says so plainly."""

    def __init__(self, ctx: AppContext, title: str, text: str) -> None:
        super().__init__()
        self._title, self._text = title, text
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.text = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addStretch(1)
        ctx.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_(self._title))
        self.text.setText(_(self._text))


# (key, navigation label) in order; Ctrl+1… follow this order.
PAGES = (
    ("learn", N_("Learn")),
    ("library", N_("Library")),
    ("identify", N_("Identify")),
    ("practice", N_("Practice")),
    ("exams", N_("Exams")),
    ("certificates", N_("Certificates")),
    ("sync", N_("USB sync")),
    ("events", N_("Events")),
    ("dashboard", N_("Dashboard")),
    ("author", N_("Course authoring")),
    ("trainer", N_("Trainer")),
)
#: Pages shown only in trainer mode.
TRAINER_PAGES = ("events", "dashboard", "author", "trainer")

#: The pages a closed-book exam closes while an attempt runs (species cards close too).
CLOSED_DURING_EXAM = ("learn", "library", "identify", "practice")

#: Pages another part of the work has yet to fill: (title, text) each.
PLACEHOLDERS: dict[str, tuple[str, str]] = {}


class PreparingPage(QWidget):
    """Shown inside the main window on a first start while the starter content is built
    off the GUI thread: the window is there at once and says what it is doing."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.text = QLabel(wordWrap=True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first figure arrives
        column = centred_panel(self)  # where the start screen's panel will be
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addWidget(self.bar)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Preparing the starter content…"))
        self.text.setText(_("This happens once, on the first start: the course is built on "
                            "this laptop from the files that came with the app."))

    def progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, thumbs_dir: Path) -> None:
        super().__init__()
        self.ctx = ctx
        self.cards: dict[str, SpeciesCardWindow] = {}
        self.compares: list[CompareWindow] = []
        self.hidden_for_exam: list[QWidget] = []  # card windows to show again afterwards
        self._closed_for_exam = False  # the sidebar's state: set by _exam_changed
        self.thumbs_dir = thumbs_dir

        self.start = StartPage(ctx)
        self.start.started.connect(self._started)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")  # styled as the sidebar in gui/style.py
        self.nav.setIconSize(style.ICON_SIZE)
        # By name, as the stylesheet would: see set_keys() on Qt's namespace at start-up.
        self.nav.setProperty("horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        self._fit_nav()
        # Pages are built when first shown: start-up builds only the start screen.
        self.pages = QStackedWidget()
        self.page_widgets: dict[str, QWidget] = {}
        for _key, _label in PAGES:
            self.nav.addItem(QListWidgetItem(""))
        self._nav_icons = False  # drawn when the sidebar first shows: not on the start screen
        self.nav.setCurrentRow(0)
        self.nav.currentRowChanged.connect(self._show_page)

        workspace = QWidget()
        row = QHBoxLayout(workspace)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start)
        self.stack.addWidget(workspace)
        self.setCentralWidget(self.stack)
        self.status = QLabel()
        self.statusBar().addPermanentWidget(self.status)

        self._build_menus()
        ctx.language_changed.connect(self.retranslate)
        ctx.session_changed.connect(self._session_changed)
        ctx.exam_changed.connect(self._exam_changed)
        self.retranslate()  # the session's state too
        self.resize(1280, 720)

    # -- pages -------------------------------------------------------------------------

    @cached_property
    def thumbnails(self) -> ThumbnailCache:
        from idtrainer.gui.images import ThumbnailCache

        return ThumbnailCache(self.thumbs_dir)

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key not in self.page_widgets:
            if key == "learn":
                from idtrainer.gui.learn import LearnPage

                learn = LearnPage(self.ctx)
                learn.open_species.connect(self.open_species)
                widget: QWidget = learn
            elif key == "library":
                from idtrainer.gui.library import LibraryPage

                widget = LibraryPage(self.ctx, self.thumbnails)
                widget.open_species.connect(self.open_species)
                widget.open_checklist.connect(self.look_up_checklist)
            elif key == "identify":
                from idtrainer.gui.identify import IdentifyPage

                widget = IdentifyPage(self.ctx, self.thumbnails)
                widget.open_species.connect(self.open_species)
                widget.compare_requested.connect(self.compare)
            elif key == "trainer":
                from idtrainer.gui.trainer import TrainerPage

                widget = TrainerPage(self.ctx)
                widget.open_gap.connect(self.open_translation_gap)
            elif key == "practice":
                from idtrainer.gui.practice import PracticePage

                widget = PracticePage(self.ctx)
            elif key == "exams":
                from idtrainer.gui.exam import ExamsPage

                widget = ExamsPage(self.ctx)
            elif key == "certificates":
                from idtrainer.gui.certificates import CertificatesPage

                widget = CertificatesPage(self.ctx)
            elif key == "sync":
                from idtrainer.gui.sync import SyncPage

                widget = SyncPage(self.ctx)
            elif key == "events":
                from idtrainer.gui.events import EventsPage

                widget = EventsPage(self.ctx)
            elif key == "dashboard":
                from idtrainer.gui.dashboard import DashboardPage

                widget = DashboardPage(self.ctx)
            elif key == "author":
                from idtrainer.gui.authoring.workspace import AuthoringPage

                widget = AuthoringPage(self.ctx)
            else:
                widget = PlaceholderPage(self.ctx, *PLACEHOLDERS[key])
            self.pages.addWidget(widget)  # shown by _show_page
            self.page_widgets[key] = widget
        return self.page_widgets[key]

    @property
    def learn(self) -> LearnPage:
        return self.page("learn")  # type: ignore[return-value]

    @property
    def library(self) -> LibraryPage:
        return self.page("library")  # type: ignore[return-value]

    @property
    def identify(self) -> IdentifyPage:
        return self.page("identify")  # type: ignore[return-value]

    @property
    def practice(self) -> PracticePage:
        return self.page("practice")  # type: ignore[return-value]

    @property
    def exams(self) -> ExamsPage:
        return self.page("exams")  # type: ignore[return-value]

    @property
    def certificates(self) -> CertificatesPage:
        return self.page("certificates")  # type: ignore[return-value]

    @property
    def sync(self) -> SyncPage:
        return self.page("sync")  # type: ignore[return-value]

    @property
    def trainer(self) -> TrainerPage:
        return self.page("trainer")  # type: ignore[return-value]

    @property
    def events(self) -> EventsPage:
        return self.page("events")  # type: ignore[return-value]

    @property
    def dashboard(self) -> DashboardPage:
        return self.page("dashboard")  # type: ignore[return-value]

    def _show_page(self, row: int) -> None:
        if row >= 0:
            self.pages.setCurrentWidget(self.page(PAGES[row][0]))

    # -- menus and shortcuts -----------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.profile_menu = bar.addMenu("")
        self.switch_action = QAction(self, triggered=self.ctx.sign_out)
        self.profile_menu.addAction(self.switch_action)
        self.quit_action = QAction(self, triggered=self.close)
        set_keys(self.quit_action, QKeySequence.StandardKey.Quit)
        self.profile_menu.addAction(self.quit_action)

        self.language_menu = bar.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for lang in i18n.LANGUAGES:
            action = QAction(self, text=i18n.language_name(lang), checkable=True)
            action.triggered.connect(lambda _c=False, code=lang: self.ctx.set_language(code))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[lang] = action

        self.view_menu = bar.addMenu("")
        self.larger_action = QAction(self, triggered=lambda: self.ctx.step_font(1))
        set_keys(self.larger_action, "Ctrl++", "Ctrl+=")
        self.smaller_action = QAction(self, triggered=lambda: self.ctx.step_font(-1))
        set_keys(self.smaller_action, "Ctrl+-")
        self.reset_font_action = QAction(self, triggered=lambda: self.ctx.step_font(0))
        set_keys(self.reset_font_action, "Ctrl+0")
        self.search_action = QAction(self, triggered=self.focus_search)
        set_keys(self.search_action, QKeySequence.StandardKey.Find)
        self.previous_action = QAction(self, triggered=lambda: self.learn.step(-1))
        set_keys(self.previous_action, "Alt+Left")
        self.next_action = QAction(self, triggered=lambda: self.learn.step(1))
        set_keys(self.next_action, "Alt+Right")
        for entry in (self.larger_action, self.smaller_action, self.reset_font_action, None,
                      self.search_action, self.previous_action, self.next_action):
            if entry is None:
                self.view_menu.addSeparator()
            else:
                self.view_menu.addAction(entry)
        self.page_actions = []
        for i in range(len(PAGES)):
            action = QAction(self, triggered=lambda _c=False, row=i: self.go_to(row))
            set_keys(action, f"Ctrl+{i + 1}")
            self.addAction(action)
            self.page_actions.append(action)

        self.trainer_menu = bar.addMenu("")
        self.unlock_action = QAction(self, triggered=self.unlock_trainer)
        self.lock_action = QAction(self, triggered=self.ctx.lock_trainer)
        self.trainer_menu.addAction(self.unlock_action)
        self.trainer_menu.aboutToShow.connect(self._name_unlock)
        self.trainer_menu.addAction(self.lock_action)

        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self, triggered=self.about)
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        self.setWindowTitle(_("IDTrainer — CITES species identification"))
        self.profile_menu.setTitle(_("&Profile"))
        self.switch_action.setText(_("&Switch profile"))
        self.quit_action.setText(_("&Quit"))
        self.language_menu.setTitle(_("&Language"))
        self.language_actions[i18n.current_language()].setChecked(True)
        self.view_menu.setTitle(_("&View"))
        self.larger_action.setText(_("&Larger text"))
        self.smaller_action.setText(_("&Smaller text"))
        self.reset_font_action.setText(_("&Normal text size"))
        self.search_action.setText(_("Search the &library"))
        self.previous_action.setText(_("&Previous lesson"))
        self.next_action.setText(_("&Next lesson"))
        self.trainer_menu.setTitle(_("&Trainer"))
        self.lock_action.setText(_("&Lock trainer mode"))
        self.help_menu.setTitle(_("&Help"))
        self.about_action.setText(_("&About IDTrainer"))
        for row, (_key, label) in enumerate(PAGES):
            self.nav.item(row).setText(_(label))
        self._fit_nav()
        self._session_changed()
        self._exam_changed()

    def _fit_nav(self) -> None:
        """The sidebar as wide as its longest page name in this language and text size."""
        self.nav.setFixedWidth(max(230, self.nav.sizeHintForColumn(0)
                                   + 2 * self.nav.frameWidth() + 6))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and \
                hasattr(self, "nav"):
            QTimer.singleShot(0, self.nav, self._fit_nav)  # not once the window is gone

    def _session_changed(self) -> None:
        signed_in = self.ctx.trainee is not None
        if signed_in and not self._nav_icons:
            self._nav_icons = True
            for row, (key, _label) in enumerate(PAGES):
                item = self.nav.item(row)
                if item is not None:
                    item.setIcon(style.icon(key))
            self._fit_nav()
        self.stack.setCurrentIndex(1 if signed_in else 0)
        if signed_in:
            self._show_page(self.nav.currentRow())
        for trainer_row, (key, _label) in enumerate(PAGES):
            if key not in TRAINER_PAGES:
                continue
            self.nav.item(trainer_row).setHidden(not self.ctx.trainer_unlocked)
            if not self.ctx.trainer_unlocked and self.nav.currentRow() == trainer_row:
                self.nav.setCurrentRow(0)
            self.page_actions[trainer_row].setEnabled(self.ctx.trainer_unlocked)
        self.unlock_action.setEnabled(not self.ctx.trainer_unlocked)
        self.lock_action.setEnabled(self.ctx.trainer_unlocked)
        self.switch_action.setEnabled(signed_in)
        person = self.ctx.store.trainees.get(self.ctx.trainee) if self.ctx.trainee else None
        parts = [_("Signed in: {name}").format(name=person.name)] if person else []
        if self.ctx.trainer_unlocked:
            parts.append(_("Trainer mode"))
        self.status.setText(" · ".join(parts))

    def _name_unlock(self) -> None:
        """"Set up" before the trainer password exists, "Unlock" after: asked when the
        Trainer menu opens (not at start-up, which need not load trainer mode's code)."""
        self.unlock_action.setText(_("&Unlock trainer mode…") if self.ctx.store.trainer
                                   .has_password() else _("&Set up trainer mode…"))

    def _exam_changed(self, _attempt: object = None) -> None:
        """Close the reference pages and species cards while a closed-book exam runs, and
        say why; open them again when it is submitted."""
        closed = self.ctx.exam_in_progress
        why = _("Closed during the exam: it opens again when you submit your answers.") \
            if closed else ""
        for row, (key, _label) in enumerate(PAGES):
            if key not in CLOSED_DURING_EXAM:
                continue
            item = self.nav.item(row)
            if closed != self._closed_for_exam:  # not at start-up: see set_keys()
                from PySide6.QtCore import Qt

                flags = item.flags()
                item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled if closed
                              else flags | Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(why)
            self.page_actions[row].setEnabled(not closed)
        self._closed_for_exam = closed
        for action in (self.search_action, self.previous_action, self.next_action):
            action.setEnabled(not closed)
        if closed:
            for window in [*self.cards.values(), *self.compares]:
                if window.isVisible():
                    self.hidden_for_exam.append(window)
                    window.hide()
        else:
            for window in self.hidden_for_exam:
                window.show()
            self.hidden_for_exam = []

    # -- first start -------------------------------------------------------------------

    def preparing(self) -> PreparingPage:
        """Show the progress of a first start's preparation in this window; the menus wait."""
        page = PreparingPage()
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.menuBar().setEnabled(False)
        self.ctx.language_changed.connect(page.retranslate)
        return page

    def prepared(self, page: PreparingPage) -> None:
        """The starter content is in: the start screen, read afresh, replaces the progress."""
        self.ctx.language_changed.disconnect(page.retranslate)
        self.stack.removeWidget(page)
        page.deleteLater()
        self.menuBar().setEnabled(True)
        self.start.retranslate()  # countries and profiles, from the content now there
        self.stack.setCurrentWidget(self.start)

    def page_available(self, key: str) -> bool:
        """Whether ``key``'s page can be opened now (not hidden, not closed by an exam)."""
        if key in CLOSED_DURING_EXAM and self._closed_for_exam:
            return False
        return not self.nav.item([k for k, _label in PAGES].index(key)).isHidden()

    # -- actions -----------------------------------------------------------------------

    def _started(self, lesson: str | None) -> None:
        self.go_to(0)
        if lesson:
            self.learn.open_lesson(lesson)

    def go_to(self, row: int) -> None:
        if self.ctx.trainee is not None and self.page_available(PAGES[row][0]):
            self.nav.setCurrentRow(row)

    def focus_search(self) -> None:
        if self.ctx.trainee is None or not self.page_available("library"):
            return
        self.go_to(1)
        self.library.focus_search()

    def open_species(self, species_uuid: str) -> SpeciesCardWindow | None:
        """Show the species card (None during a closed-book exam: cards are closed)."""
        if self.ctx.exam_in_progress:
            self.statusBar().showMessage(_(
                "Species cards are closed during the exam: they open again when you "
                "submit your answers."), 8000)
            return None
        card = self.cards.get(species_uuid)
        if card is None:
            from idtrainer.gui.species_card import SpeciesCardWindow

            card = SpeciesCardWindow(self.ctx, species_uuid)
            card.compare_requested.connect(self.compare)
            card.open_species.connect(self.open_species)
            self.cards[species_uuid] = card
        card.show()
        card.raise_()
        card.activateWindow()
        return card

    def look_up_checklist(self, name: str) -> None:
        """Show what the CITES checklist says about ``name`` on the Identify page."""
        self.go_to([k for k, _label in PAGES].index("identify"))
        self.identify.look_up(name)

    def open_translation_gap(self, table: str, locale: str, status: str) -> None:
        """The texts behind a cell of the translation-status page, on the Translations tab."""
        from idtrainer.gui.authoring.workspace import AuthoringPage

        if not self.page_available("author"):
            return
        self.go_to([k for k, _label in PAGES].index("author"))
        page = self.page("author")
        assert isinstance(page, AuthoringPage)
        tab = page.show_tab("translations")
        tab.show_gaps(table, locale, status)  # type: ignore[attr-defined]

    def compare(self, left: str, right: str) -> CompareWindow | None:
        if self.ctx.exam_in_progress:
            return None
        from idtrainer.gui.species_card import CompareWindow

        window = CompareWindow(self.ctx, left, right)
        self.compares.append(window)
        window.show()
        return window

    def unlock_trainer(self) -> None:
        from idtrainer.gui.trainer import SetPasswordDialog, UnlockDialog

        if not self.ctx.store.trainer.has_password():
            if SetPasswordDialog(self.ctx, self).exec() != SetPasswordDialog.DialogCode.Accepted:
                return
            self.ctx.unlock_trainer()
        else:
            UnlockDialog(self.ctx, self).exec()
        if self.ctx.trainer_unlocked:
            self.go_to(len(PAGES) - 1)

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, _("About IDTrainer"), _(
            "IDTrainer {version}\nOffline training in identifying CITES species for customs "
            "and border officers.").format(version=__version__))

    def closeEvent(self, event) -> None:
        if "exams" in self.page_widgets:
            self.exams.ticker.stop()  # it runs on while hidden during a closed-book exam
        for window in [*self.cards.values(), *self.compares]:
            window.close()
        super().closeEvent(event)
