"""The Translations tab: every translatable text of the course in a source language beside
a target language the author picks, with its status; marking a text reviewed records who
and when; "Next untranslated" and "Next unreviewed" walk through what is left.

Every query and write goes through :class:`~idtrainer.core.authoring_texts.TranslationDesk`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.authoring_texts import (
    FILTERS,
    WALKS,
    Entry,
    FieldKey,
    TranslationDesk,
    TranslationError,
)
from idtrainer.core.i18n import N_, ngettext
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import authored
from idtrainer.core.schema import TEXT_STATUSES
from idtrainer.gui.authoring.lessons import status_name
from idtrainer.gui.context import AppContext

KEY_ROLE = Qt.ItemDataRole.UserRole

#: What each content table's texts are, in words.
KINDS = {
    "taxa": N_("Species names"),
    "cites_listings": N_("CITES listings"),
    "media": N_("Pictures"),
    "species": N_("Species cards"),
    "species_features": N_("Diagnostic features"),
    "species_products": N_("Products"),
    "lookalikes": N_("Lookalikes"),
    "courses": N_("Course"),
    "modules": N_("Modules"),
    "lessons": N_("Lessons"),
    "questions": N_("Questions"),
    "question_options": N_("Answer options"),
    "quizzes": N_("Quizzes"),
    "events": N_("Events"),
    "classes": N_("Classes"),
    "key_characters": N_("Identification key: characters"),
    "key_states": N_("Identification key: states"),
    "key_not_separable": N_("Identification key: what it cannot tell apart"),
    "experts": N_("Experts"),
}
#: What each field is, in words.
FIELDS = {
    "name": N_("name"), "other_names": N_("other names"), "title": N_("title"),
    "description": N_("description"), "summary": N_("summary"), "body": N_("text"),
    "text": N_("text"), "short": N_("short form"), "stem": N_("question"),
    "feedback": N_("feedback"), "caption": N_("caption"), "label": N_("label"),
    "points": N_("how to tell them apart"), "annotation": N_("annotation"),
    "handling": N_("handling and safety"), "what_to_do": N_("what to do"),
    "range": N_("range"), "reason": N_("reason"),
}
#: The status filter, in the order offered.
FILTER_NAMES = {
    "": N_("All texts"),
    "gaps": N_("Not reviewed or untranslated"),
    "missing": N_("Untranslated"),
    "unreviewed": N_("Not reviewed"),
    "draft": N_("Draft"),
    "machine": N_("Machine"),
    "reviewed": N_("Reviewed"),
}


def field_name(field: str) -> str:
    if field.startswith("label:"):
        return _("words in the picture ({id})").format(id=field.split(":", 1)[1])
    return _(FIELDS[field]) if field in FIELDS else field


def kind_name(table: str) -> str:
    return _(KINDS[table]) if table in KINDS else table


class TranslationsTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.desk = TranslationDesk(ctx.store)
        self.current: FieldKey | None = None
        self.entry: Entry | None = None
        self.listed: list[Entry] = []
        #: (key, target language, text) as loaded into the editor
        self.shown: tuple[FieldKey, str, str] | None = None
        self.target_was = "kk"

        self.source = QComboBox()
        self.target = QComboBox()
        for combo in (self.source, self.target):
            for loc in authored():
                combo.addItem(i18n.language_name(loc), loc)
        self.source.setCurrentIndex(authored().index("ru"))
        self.target.setCurrentIndex(authored().index("kk"))
        self.kind = QComboBox()
        self.kind.addItem("", "")
        for table in self.desk.tables():
            self.kind.addItem("", table)
        self.filter = QComboBox()
        for key in FILTER_NAMES:
            self.filter.addItem("", key)
        for combo in (self.source, self.kind, self.filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.target.currentIndexChanged.connect(self._target_picked)
        self.source_label, self.target_label = QLabel(), QLabel()
        self.kind_label, self.filter_label = QLabel(), QLabel()
        self.count = QLabel()
        self.next_untranslated = QPushButton()
        self.next_untranslated.clicked.connect(lambda: self.walk("untranslated"))
        self.next_unreviewed = QPushButton()
        self.next_unreviewed.clicked.connect(lambda: self.walk("unreviewed"))

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("translationList")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(self._row_picked)

        self.heading = QLabel(wordWrap=True)
        self.heading.setObjectName("sectionTitle")
        self.source_title = QLabel()
        self.source_text = QPlainTextEdit(readOnly=True)
        self.source_text.setObjectName("sourceText")
        self.target_title = QLabel()
        self.target_text = QPlainTextEdit()
        self.target_text.setObjectName("targetText")
        self.target_text.textChanged.connect(self._edited)
        self.status_label = QLabel()
        self.status = QComboBox()
        self.status.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for status in TEXT_STATUSES:
            self.status.addItem("", status)
        self.review_note = QLabel(wordWrap=True)
        self.review_note.setObjectName("reviewNote")
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        self.review_button = QPushButton()
        self.review_button.setObjectName("primary")
        self.review_button.clicked.connect(self.mark_reviewed)
        self.error = QLabel(wordWrap=True)
        self.error.setObjectName("error")

        filters = QGridLayout()
        for col, (label, combo) in enumerate(((self.source_label, self.source),
                                              (self.target_label, self.target),
                                              (self.kind_label, self.kind),
                                              (self.filter_label, self.filter))):
            filters.addWidget(label, 0, col)
            filters.addWidget(combo, 1, col)
        filters.setColumnStretch(2, 1)
        walks = QHBoxLayout()
        walks.addWidget(self.next_untranslated)
        walks.addWidget(self.next_unreviewed)
        walks.addStretch(1)
        walks.addWidget(self.count)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.table)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.heading)
        texts = QSplitter()
        for title, box in ((self.source_title, self.source_text),
                           (self.target_title, self.target_text)):
            holder = QWidget()
            hv = QVBoxLayout(holder)
            hv.setContentsMargins(0, 0, 0, 0)
            hv.addWidget(title)
            hv.addWidget(box, 1)
            texts.addWidget(holder)
        rv.addWidget(texts, 1)
        row = QHBoxLayout()
        row.addWidget(self.status_label)
        row.addWidget(self.status)
        row.addWidget(self.review_note, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.review_button)
        rv.addLayout(row)
        rv.addWidget(self.error)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([480, 760])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(walks)
        layout.addWidget(splitter, 1)
        ctx.when_changed(self, self.refresh, "texts")
        ctx.language_changed.connect(self.retranslate)
        self.retranslate()

    # -- text ------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.source_label.setText(_("Source language:"))
        self.target_label.setText(_("Translate into:"))
        self.kind_label.setText(_("Texts of:"))
        self.filter_label.setText(_("Status:"))
        for combo in (self.source, self.target):
            for i, loc in enumerate(authored()):
                combo.setItemText(i, i18n.language_name(loc))
        self.kind.setItemText(0, _("All content"))
        for i in range(1, self.kind.count()):
            self.kind.setItemText(i, kind_name(self.kind.itemData(i)))
        for i, key in enumerate(FILTER_NAMES):
            self.filter.setItemText(i, _(FILTER_NAMES[key]))
        for i, status in enumerate(TEXT_STATUSES):
            self.status.setItemText(i, status_name(status))
        self.next_untranslated.setText(_("Next untranslated ▶"))
        self.next_unreviewed.setText(_("Next unreviewed ▶"))
        self.status_label.setText(_("Status:"))
        self.save_button.setText(_("Save"))
        self.review_button.setText(_("Save as reviewed ✓"))
        self.table.setHorizontalHeaderLabels([_("Item"), _("Text"), _("Status")])
        self.refresh()

    # -- choices -----------------------------------------------------------------------

    def source_locale(self) -> str:
        return str(self.source.currentData())

    def target_locale(self) -> str:
        return str(self.target.currentData())

    def show_gaps(self, table: str | None, locale: str, status: str | None) -> None:
        """Filter to one table, target language and status (a state or filter of
        core.authoring_texts.FILTERS; None for all) and open the first text listed: where
        a cell of the translation-status page leads."""
        if not self._may_leave():
            return
        for combo, value in ((self.kind, table or ""), (self.target, locale),
                             (self.filter, status or "")):
            combo.blockSignals(True)
            index = combo.findData(value)
            if index < 0 and combo is self.kind:  # a table with no texts yet
                combo.addItem(kind_name(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self.target_was = self.target_locale()
        if self.source_locale() == locale:
            self.source.setCurrentIndex(authored().index("ru" if locale != "ru" else "en"))
        self.current = None
        self.refresh()
        if self.listed:
            self.open(self.listed[0].key)

    def refresh(self) -> None:
        table = self.kind.currentData() or None
        state = self.filter.currentData() or None
        assert state is None or state in FILTERS
        self.listed = self.desk.entries(self.source_locale(), self.target_locale(),
                                        table=table, state=state)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.listed))
        current_row = -1
        for row, e in enumerate(self.listed):
            item = QTableWidgetItem(e.item if table else f"{kind_name(e.key.table)} · {e.item}")
            item.setData(KEY_ROLE, e.key)
            item.setToolTip(item.text())
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(field_name(e.key.field)))
            self.table.setItem(row, 2, QTableWidgetItem(status_name(e.state)))
            if e.key == self.current:
                current_row = row
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(2)
        if current_row >= 0:
            self.table.setCurrentCell(current_row, 0)
        else:
            self.table.clearSelection()
        self.table.blockSignals(False)
        self.count.setText(ngettext("{n} text", "{n} texts", len(self.listed)).format(
            n=i18n.format_number(len(self.listed))))
        self._show()

    def _target_picked(self) -> None:
        if self.target_locale() != self.target_was and not self._may_leave():
            self.target.blockSignals(True)
            self.target.setCurrentIndex(self.target.findData(self.target_was))
            self.target.blockSignals(False)
            return
        self.target_was = self.target_locale()
        self.refresh()

    def _row_picked(self, row: int, *_rest: int) -> None:
        if 0 <= row < len(self.listed) and self.listed[row].key != self.current:
            if not self._may_leave():
                if self.current is not None:
                    self.open(self.current)  # stay on the text being edited
                return
            self.open(self.listed[row].key)

    def dirty(self) -> bool:
        """The target text was edited and not saved."""
        return self.shown is not None and self.shown[0] == self.current and \
            self.target_text.toPlainText() != self.shown[2]

    def _may_leave(self) -> bool:
        if not self.dirty():
            return True
        answer = QMessageBox.question(
            self, _("Unsaved changes"), _("Save this translation first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.shown = None
            return True
        return False

    # -- one text ----------------------------------------------------------------------

    def open(self, key: FieldKey) -> None:
        self.current = key
        for row, e in enumerate(self.listed):
            if e.key == key:
                self.table.blockSignals(True)
                self.table.setCurrentCell(row, 0)
                self.table.blockSignals(False)
                if (cell := self.table.item(row, 0)) is not None:
                    self.table.scrollToItem(cell)
                break
        self.error.setText("")
        self._show()

    def _show(self) -> None:
        key = self.current
        self.entry = self.desk.entry(key, self.source_locale(), self.target_locale()) \
            if key else None
        e = self.entry
        for w in (self.target_text, self.status, self.save_button, self.review_button):
            w.setEnabled(e is not None)
        target_name = i18n.language_name(self.target_locale())
        if e is None:
            self.heading.setText(_("Choose a text on the left, or press “Next untranslated”."))
            self.source_title.setText("")
            self.target_title.setText("")
            self.review_note.setText("")
            for box in (self.source_text, self.target_text):
                box.blockSignals(True)
                box.setPlainText("")
                box.blockSignals(False)
            return
        self.heading.setText(f"{kind_name(e.key.table)} · {e.item} — {field_name(e.key.field)}")
        if e.source is None:
            self.source_title.setText(_("No text in another language yet"))
        else:
            note = "" if e.source.locale == self.source_locale() else " " + _(
                "(not in {language}: shown in {shown})").format(
                language=i18n.language_name(self.source_locale()),
                shown=i18n.language_name(e.source.locale))
            self.source_title.setText(f"{i18n.language_name(e.source.locale)}, "
                                      f"{status_name(e.source.status)}{note}")
        self.target_title.setText(f"{target_name}, {status_name(e.state)}")
        self.source_text.setPlainText(e.source.value if e.source else "")
        stored = e.target.value if e.target else ""
        if self.dirty() and self.shown and self.shown[1] == self.target_locale():
            # News from elsewhere (an import) keeps what is being typed.
            self.shown = (e.key, self.target_locale(), stored)
            self._show_review()
            return
        self.shown = (e.key, self.target_locale(), stored)
        self.target_text.blockSignals(True)
        self.target_text.setPlainText(stored)
        self.target_text.blockSignals(False)
        status = e.target.status if e.target else "draft"
        self.status.setCurrentIndex(TEXT_STATUSES.index(status))
        self._show_review()

    def _show_review(self) -> None:
        e = self.entry
        if e is not None and e.target is not None and e.target.status == "reviewed":
            if e.target.reviewed_by:
                when = i18n.format_date(_parse(e.target.reviewed_at)) \
                    if e.target.reviewed_at else ""
                self.review_note.setText(_("Reviewed by {name} on {date}").format(
                    name=e.target.reviewed_by, date=when))
            else:
                self.review_note.setText(_("Marked reviewed in the content files"))
        else:
            self.review_note.setText("")

    def _edited(self) -> None:
        # Changed words are no longer what was reviewed.
        if self.entry is not None and self.entry.target is not None and \
                self.target_text.toPlainText() != self.entry.target.value and \
                self.status.currentData() == "reviewed":
            self.status.setCurrentIndex(TEXT_STATUSES.index("draft"))
        self.error.setText("")

    def reviewer(self) -> str:
        person = self.ctx.store.trainees.get(self.ctx.trainee) if self.ctx.trainee else None
        return person.name if person else ""

    def save(self, status: str | None = None) -> bool:
        if self.current is None:
            return False
        try:
            self.desk.save(self.current, self.target_locale(), self.target_text.toPlainText(),
                           status or str(self.status.currentData()), reviewer=self.reviewer())
        except TranslationError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self.shown = None
        self.refresh()
        return True

    def mark_reviewed(self) -> bool:
        return self.save("reviewed")

    def walk(self, walk: str) -> Entry | None:
        """Open the next text that is untranslated or unreviewed (``walk``) in the target
        language, among the texts of the chosen kind."""
        assert walk in WALKS
        if not self._may_leave():
            return None
        found = self.desk.next(walk, self.source_locale(), self.target_locale(),
                               after=self.current, table=self.kind.currentData() or None)
        if found is None:
            self.error.setText(_("Nothing left: every text here is translated.")
                               if walk == "untranslated"
                               else _("Nothing left: every text here is reviewed."))
            return None
        if found.key not in {e.key for e in self.listed}:
            # Not in the list as filtered: show every text of this kind instead.
            self.filter.blockSignals(True)
            self.filter.setCurrentIndex(0)
            self.filter.blockSignals(False)
            self.current = found.key
            self.refresh()
        self.open(found.key)
        self.target_text.setFocus()
        return found


def _parse(stamp: str):
    import datetime as dt

    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
