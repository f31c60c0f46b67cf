"""The Questions tab of the authoring page: the question bank and its editor.

All six question types (core/questions.py): options (or a species' name) with the
correct ones ticked, matching pairs, the true/false or Appendix answer; feedback, tags,
difficulty, module, linked species and a picture picked from the media already stored.
"Try it" shows the draft exactly as an officer sees it, with the exam's own question
widget (gui/exam.py ``QuestionView``), and says whether the answer given is right.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n, labels
from idtrainer.core.authoring import (
    AuthoringError,
    OptionDraft,
    QuestionDraft,
)
from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _
from idtrainer.core.questions import Question
from idtrainer.core.schema import APPENDICES, QUESTION_TYPES
from idtrainer.gui.authoring.editing import (
    DraftHandlers,
    RowList,
    SpeciesIdBox,
    WordsField,
    choose_species,
    narrow_combo,
    split_list,
)
from idtrainer.gui.context import AppContext

ROLE = Qt.ItemDataRole.UserRole
CHOICE_TYPES = ("single", "multiple", "image")


class OptionRow(QWidget):
    """One option: correct or not, and either its words or a species (its name)."""

    changed = Signal()

    def __init__(self, ids: list[str]) -> None:
        super().__init__()
        self.correct = QCheckBox()
        self.species = SpeciesIdBox(ids)
        self.words = WordsField()
        self.species_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.correct)
        top.addStretch(1)
        top.addWidget(self.species_label)
        top.addWidget(self.species)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.words)
        self.correct.toggled.connect(lambda _on: self.changed.emit())
        self.species.changed.connect(self._species_changed)
        self.words.changed.connect(self.changed)
        self.retranslate()

    def _species_changed(self) -> None:
        self.words.setEnabled(not self.species.value())
        self.changed.emit()

    def retranslate(self) -> None:
        self.correct.setText(_("Correct"))
        self.species_label.setText(_("or a species' name (id):"))

    def value(self) -> OptionDraft:
        species = self.species.value()
        return OptionDraft({} if species else self.words.words(), species,
                           self.correct.isChecked())

    def set_value(self, option: OptionDraft) -> None:
        self.correct.blockSignals(True)
        self.correct.setChecked(option.correct)
        self.correct.blockSignals(False)
        self.species.set_value(option.species)
        self.words.set_words(option.text)
        self.words.setEnabled(not option.species)


class PairRow(QWidget):
    """One matching pair: a left item and the right item that goes with it."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.left = WordsField()
        self.right = WordsField()
        self.captions = (QLabel(), QLabel())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for caption, words in zip(self.captions, (self.left, self.right), strict=True):
            column = QVBoxLayout()
            column.addWidget(caption)
            column.addWidget(words)
            row.addLayout(column)
            words.changed.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.captions[0].setText(_("Left"))
        self.captions[1].setText(_("Goes with (right)"))

    def value(self, pair: int) -> list[OptionDraft]:
        return [OptionDraft(self.left.words(), side="left", pair=pair),
                OptionDraft(self.right.words(), side="right", pair=pair)]


class TryDialog(QDialog):
    """The question as an officer sees it, with a verdict for the answer given."""

    def __init__(self, ctx: AppContext, question: Question, parent: QWidget) -> None:
        super().__init__(parent)
        from idtrainer.gui.exam import QuestionView

        self.setWindowTitle(_("Try it"))
        self.question = question
        self.view = QuestionView()
        self.view.show_question(ctx, question, [o.uuid for o in question.options], None)
        self.verdict = QLabel(wordWrap=True)
        self.view.answered.connect(self._answered)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.view, 1)
        column.addWidget(self.verdict)
        column.addWidget(buttons)
        self.resize(720, 560)

    def _answered(self, response: Any) -> None:
        from idtrainer.core.scoring import score

        if response is None:
            self.verdict.clear()
            return
        got = score(self.question, response)
        text = _("Right.") if got == 1 else (_("Partly right.") if got > 0 else
                                             _("Not right."))
        if self.question.feedback:
            text = f"<b>{html.escape(text)}</b><br><i>" \
                   f"{html.escape(self.question.feedback.value)}</i>"
        self.verdict.setText(text)


class QuestionsTab(DraftHandlers, QWidget):
    KIND = "question"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.draft = QuestionDraft()
        self._loading = False
        self._captions: list[tuple[QLabel | QGroupBox, str]] = []
        self.try_dialog: TryDialog | None = None

        self.filter = QLineEdit()
        self.filter.textChanged.connect(self.refresh)
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._picked)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter)
        column.addWidget(self.list, 1)

        self.slug = QLineEdit()
        self.qtype = QComboBox()
        for t in QUESTION_TYPES:
            self.qtype.addItem(labels.question_type_name(t), t)
        self.module = QComboBox()
        self.difficulty = QSpinBox()
        self.difficulty.setRange(1, 3)
        self.tags = QLineEdit()
        self.species = QLineEdit()
        self.species_button = QPushButton()
        self.species_button.clicked.connect(self.choose_species)
        species_row = QWidget()
        row = QHBoxLayout(species_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.species, 1)
        row.addWidget(self.species_button)
        self.picture = QComboBox()
        narrow_combo(self.picture)
        narrow_combo(self.module)
        self.stem = WordsField(multiline=True)
        self.feedback = WordsField(multiline=True)
        self.options = RowList(lambda: OptionRow(sorted(self._ids())), N_("Add an option"))
        self.pairs = RowList(PairRow, N_("Add a pair"))
        self.truth = QComboBox()
        self.appendix = QComboBox()
        for a in APPENDICES:
            self.appendix.addItem(labels.appendix_name(a), a)

        form_widget = QWidget()
        form = QVBoxLayout(form_widget)
        about = self._group(form, N_("Question"))
        for msgid, widget in ((N_("Id"), self.slug), (N_("Type"), self.qtype),
                              (N_("Module"), self.module), (N_("Difficulty"), self.difficulty),
                              (N_("Tags (comma-separated)"), self.tags),
                              (N_("Linked species (ids, comma-separated)"), species_row),
                              (N_("Picture"), self.picture)):
            about.addRow(self._caption(msgid), widget)
        self._group(form, N_("Question text")).addRow(self.stem)
        self.answer_box = QGroupBox()
        self._captions.append((self.answer_box, N_("Answer")))
        answer = QVBoxLayout(self.answer_box)
        answer.addWidget(self.options)
        answer.addWidget(self.pairs)
        self.truth_row = QWidget()
        truth = QFormLayout(self.truth_row)
        truth.addRow(self._caption(N_("The statement is")), self.truth)
        self.appendix_row = QWidget()
        app = QFormLayout(self.appendix_row)
        app.addRow(self._caption(N_("Correct Appendix")), self.appendix)
        answer.addWidget(self.truth_row)
        answer.addWidget(self.appendix_row)
        form.addWidget(self.answer_box)
        self._group(form, N_("Feedback (shown after answering)")).addRow(self.feedback)
        form.addStretch(1)
        self.build_frame(left, form_widget)
        self.try_button = QPushButton()
        self.bar.layout().insertWidget(2, self.try_button)  # type: ignore[union-attr]
        self.try_button.clicked.connect(self.try_it)

        for w in (self.slug, self.tags, self.species):
            w.textChanged.connect(self._edited)
        for c in (self.module, self.picture, self.truth, self.appendix):
            c.currentIndexChanged.connect(self._edited)
        self.qtype.currentIndexChanged.connect(self._type_changed)
        self.difficulty.valueChanged.connect(self._edited)
        for f in (self.stem, self.feedback, self.options, self.pairs):
            f.changed.connect(self._edited)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh, "questions")
        self.retranslate()
        self.new()

    def _caption(self, msgid: str) -> QLabel:
        label = QLabel()
        self._captions.append((label, msgid))
        return label

    def _group(self, column: QVBoxLayout, msgid: str) -> QFormLayout:
        box = QGroupBox()
        self._captions.append((box, msgid))
        column.addWidget(box)
        return QFormLayout(box)

    def _ids(self) -> set[str]:
        try:
            return self.session.species_ids()
        except AuthoringError:
            return set()

    def retranslate(self) -> None:
        for widget, msgid in self._captions:
            if isinstance(widget, QGroupBox):
                widget.setTitle(_(msgid))
            else:
                widget.setText(_(msgid))
        self.filter.setPlaceholderText(_("Search by id"))
        self.try_button.setText(_("Try it"))
        self.species_button.setText(_("Choose…"))
        for i in range(self.qtype.count()):
            self.qtype.setItemText(i, labels.question_type_name(self.qtype.itemData(i)))
        for i in range(self.appendix.count()):
            self.appendix.setItemText(i, labels.appendix_name(self.appendix.itemData(i)))
        self.truth.blockSignals(True)
        current = self.truth.currentIndex()
        self.truth.clear()
        self.truth.addItem(_("True"), True)
        self.truth.addItem(_("False"), False)
        self.truth.setCurrentIndex(max(0, current))
        self.truth.blockSignals(False)
        self._fill_choices()
        for rows in (self.options, self.pairs):
            rows.retranslate()
            for row in rows.rows:
                row.retranslate()  # type: ignore[attr-defined]
        self.bar.retranslate()
        self.refresh()
        self._check()

    def _fill_choices(self) -> None:
        """The module and picture pickers (names follow the language)."""
        try:
            session = self.session
        except AuthoringError:
            return
        lang = i18n.current_language()
        for combo, entries in ((self.module, session.module_choices(lang)),
                               (self.picture, session.media_choices())):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("—", "")
            for uuid, text in entries:
                combo.addItem(text, uuid)
            combo.setCurrentIndex(max(0, combo.findData(keep)))
            combo.blockSignals(False)

    # -- the list ---------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            entries = self.session.question_list(i18n.current_language())
        except AuthoringError:
            entries = []
        wanted = self.filter.text().strip().casefold()
        self.list.blockSignals(True)
        self.list.clear()
        for uuid, slug, qtype in entries:
            if wanted and wanted not in slug.casefold():
                continue
            item = QListWidgetItem(f"{slug} · {labels.question_type_name(qtype)}")
            item.setData(ROLE, uuid)
            self.list.addItem(item)
            if uuid == self.draft.uuid:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    # -- the editor -------------------------------------------------------------------

    def new(self) -> None:
        self.list.clearSelection()
        self.show_draft(QuestionDraft())

    def show_draft(self, draft: QuestionDraft) -> None:
        self._loading = True
        self.draft = draft
        self._fill_choices()
        self.slug.setText(draft.slug)
        self.slug.setReadOnly(draft.uuid is not None)
        self.qtype.setCurrentIndex(max(0, self.qtype.findData(draft.qtype)))
        self.module.setCurrentIndex(max(0, self.module.findData(draft.module)))
        self.difficulty.setValue(draft.difficulty)
        self.tags.setText(", ".join(draft.tags))
        self.species.setText(", ".join(draft.species))
        self.picture.setCurrentIndex(max(0, self.picture.findData(draft.media_uuid)))
        self.stem.set_words(draft.stem)
        self.feedback.set_words(draft.feedback)
        self.truth.setCurrentIndex(0 if draft.answer_value else 1)
        self.appendix.setCurrentIndex(max(0, self.appendix.findData(draft.answer_appendix)))
        self.options.clear()
        self.pairs.clear()
        for option in draft.options:
            if option.side is None:
                row = self.options.add()
                assert isinstance(row, OptionRow)
                row.set_value(option)
        lefts = {o.pair: o for o in draft.options if o.side == "left"}
        rights = {o.pair: o for o in draft.options if o.side == "right"}
        for pair in sorted(p for p in lefts if p is not None):
            pair_row = self.pairs.add()
            assert isinstance(pair_row, PairRow)
            pair_row.left.set_words(lefts[pair].text)
            pair_row.right.set_words(rights[pair].text if pair in rights else {})
        self._loading = False
        self._show_answer_area()
        self._check()

    def _show_answer_area(self) -> None:
        kind = self.qtype.currentData()
        self.options.setVisible(kind in CHOICE_TYPES)
        self.pairs.setVisible(kind == "matching")
        self.truth_row.setVisible(kind == "truefalse")
        self.appendix_row.setVisible(kind == "appendix")

    def _type_changed(self) -> None:
        self._show_answer_area()
        self._edited()

    def collect(self) -> QuestionDraft:
        d = QuestionDraft(uuid=self.draft.uuid)
        d.slug = self.slug.text().strip()
        d.qtype = self.qtype.currentData()
        d.module = self.module.currentData() or ""
        d.difficulty = self.difficulty.value()
        d.tags = split_list(self.tags.text())
        d.species = split_list(self.species.text())
        d.media_uuid = self.picture.currentData() or ""
        d.stem = self.stem.words()
        d.feedback = self.feedback.words()
        d.answer_value = bool(self.truth.currentData())
        d.answer_appendix = self.appendix.currentData()
        d.options = [row.value() for row in self.options.rows if isinstance(row, OptionRow)]
        for n, pair in enumerate(self.pairs.rows, 1):
            if isinstance(pair, PairRow):
                d.options += pair.value(n)
        return d

    def _edited(self) -> None:
        if not self._loading:
            self._check()

    def _check(self) -> None:
        try:
            session = self.session
        except AuthoringError as exc:
            self.state.setText(str(exc))
            for button in (*self.bar.buttons.values(), self.try_button):
                button.setEnabled(False)
            return
        problems = session.question_problems(self.collect())
        self.problems.show_problems(problems)
        ok = not any(p.blocking for p in problems)
        self.bar.buttons["save"].setEnabled(ok)
        self.try_button.setEnabled(ok)
        self.bar.buttons["undo"].setEnabled(session.can_undo())
        self.bar.buttons["redo"].setEnabled(session.can_redo())
        self.bar.buttons["delete"].setEnabled(self.draft.uuid is not None)
        self.state.setText(_("New question, not saved yet") if self.draft.uuid is None else
                           _("Editing {id}").format(id=self.draft.slug))

    def choose_species(self) -> None:
        chosen = choose_species(self, self.ctx, split_list(self.species.text()))
        if chosen is not None:
            self.species.setText(", ".join(chosen))

    def try_it(self) -> None:
        question = self.session.preview(self.collect(), i18n.current_language())
        self.try_dialog = TryDialog(self.ctx, question, self)
        self.try_dialog.open()

    def _load(self, uuid: str) -> QuestionDraft:
        return self.session.load_question(uuid)

    def _save(self, draft: QuestionDraft) -> None:
        self.session.save_question(draft)
