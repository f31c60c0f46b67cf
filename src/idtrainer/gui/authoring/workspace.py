"""The authoring page shown in trainer mode: one tab per kind of thing a trainer edits.

Each tab is a widget class in its own module, listed in :data:`TABS` and built the first
time it is shown, so opening the page costs only the tab that is looked at.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _
from idtrainer.gui.context import AppContext

#: (key, module, class, tab title) in the order shown. Each class takes (ctx) and may
#: have ``retranslate()``; a tab that wants to be reached from elsewhere may have
#: ``open_item(kind, uuid)``.
TABS: list[tuple[str, str, str, str]] = [
    ("species", "idtrainer.gui.authoring.species_tab", "SpeciesTab", N_("Species")),
    ("questions", "idtrainer.gui.authoring.questions_tab", "QuestionsTab", N_("Questions")),
    ("lessons", "idtrainer.gui.authoring.lessons", "LessonsTab", N_("Lessons")),
    ("translations", "idtrainer.gui.authoring.translations", "TranslationsTab",
     N_("Translations")),
    ("pictures", "idtrainer.gui.authoring.pictures", "PicturesTab", N_("Pictures")),
    ("files", "idtrainer.gui.authoring.files", "FilesTab", N_("Course files")),
]


class AuthoringPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.tab_widgets: dict[str, QWidget] = {}
        for _key, _module, _cls, _label in TABS:
            self.tabs.addTab(QWidget(), "")
        self.tabs.currentChanged.connect(self._build)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        ctx.language_changed.connect(self.retranslate)
        self.retranslate()
        if TABS:
            self._build(0)

    def tab(self, key: str) -> QWidget:
        """The tab widget for ``key``, built on first use."""
        if key not in self.tab_widgets:
            index = [k for k, *_rest in TABS].index(key)
            _key, module, cls, _label = TABS[index]
            widget = getattr(importlib.import_module(module), cls)(self.ctx)
            stand_in = self.tabs.widget(index)
            self.tabs.blockSignals(True)
            current = self.tabs.currentIndex()
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, _(TABS[index][3]))
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            if stand_in is not None:
                stand_in.deleteLater()
            self.tab_widgets[key] = widget
        return self.tab_widgets[key]

    def show_tab(self, key: str) -> QWidget:
        widget = self.tab(key)
        self.tabs.setCurrentWidget(widget)
        return widget

    def _build(self, index: int) -> None:
        if 0 <= index < len(TABS):
            self.tab(TABS[index][0])

    def retranslate(self) -> None:
        self.title.setText(_("Course authoring"))
        for index, (_key, _module, _cls, label) in enumerate(TABS):
            self.tabs.setTabText(index, _(label))


# Tab titles, marked for extraction here so each tab module need not repeat them.
_TITLES = (N_("Species"), N_("Lessons"), N_("Questions"), N_("Translations"),
           N_("Pictures"), N_("Course files"))
