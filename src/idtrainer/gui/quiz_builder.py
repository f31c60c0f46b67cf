"""The quiz builder (trainer mode): settings, random-draw rules with live pool sizes,
problems to fix, and assignment to a class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n, labels
from idtrainer.core.i18n import gettext as _
from idtrainer.core.quizzes import QuizError, QuizSettings, Rule
from idtrainer.core.schema import QUESTION_TYPES
from idtrainer.core.texts import Translation
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog, button_row


def _combo(entries: Sequence[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, value in entries:
        combo.addItem(text, value)
    return combo


def search_dialog(parent: QWidget, title: str, placeholder: str, width: int
                  ) -> tuple[QDialog, QLineEdit, QListWidget]:
    """A dialog with a search field over a list and OK/Cancel: the caller fills the list
    and narrows it as the search text changes."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    search = QLineEdit()
    search.setPlaceholderText(placeholder)
    listing = QListWidget()
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    column = QVBoxLayout(dialog)
    for w in (search, listing, buttons):
        column.addWidget(w)
    dialog.resize(width, 520)
    return dialog, search, listing


class SpeciesPicker(QWidget):
    """Species chosen by name from a searchable list (not typed as ids)."""

    chosen_changed = Signal()

    def __init__(self, ctx: AppContext, chosen: list[str]) -> None:
        super().__init__()
        self.ctx = ctx
        self.chosen: list[str] = list(chosen)  # species uuids
        self.button = QPushButton()
        self.button.clicked.connect(self.choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        self._show()

    def _names(self) -> dict[str, str]:
        lang = i18n.current_language()
        return {s.uuid: f"{s.name.value if s.name else s.scientific_name} "
                        f"({s.scientific_name})" for s in self.ctx.store.species.all(lang)}

    def _show(self) -> None:
        names = self._names()
        shown = [names[u].split(" (")[0] for u in self.chosen if u in names]
        self.button.setText(", ".join(shown[:2]) + (" …" if len(shown) > 2 else "")
                            if shown else _("Any species…"))
        self.button.setToolTip("\n".join(names[u] for u in self.chosen if u in names))

    def choose(self) -> None:
        dialog, search, listing = search_dialog(self, _("Species"),
                                                _("Search by name in any language"), 560)
        for uuid, name in self._names().items():
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, uuid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if uuid in self.chosen
                               else Qt.CheckState.Unchecked)
            listing.addItem(item)

        def search_for(text: str) -> None:
            hits = {h.uuid for h in self.ctx.store.species.search(
                text, i18n.current_language())} if text.strip() else None
            for i in range(listing.count()):
                item = listing.item(i)
                item.setHidden(hits is not None
                               and item.data(Qt.ItemDataRole.UserRole) not in hits)

        search.textChanged.connect(search_for)
        self.dialog = dialog  # tests drive it
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.chosen = [listing.item(i).data(Qt.ItemDataRole.UserRole)
                           for i in range(listing.count())
                           if listing.item(i).checkState() == Qt.CheckState.Checked]
            self._show()
            self.chosen_changed.emit()


class QuizBuilderDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 quiz: str | None = None) -> None:
        super().__init__(parent, _("Quiz"), self._save)
        self.ctx = ctx
        self.quiz = quiz
        lang = i18n.current_language()
        existing = ctx.store.quizzes.get(quiz, lang) if quiz else None
        s = existing.settings if existing else QuizSettings()
        self.title = QLineEdit(existing.title if existing else "")
        self.time_limit = QSpinBox(maximum=600, value=s.time_limit_minutes)
        # TRANSLATORS: the unit after a number of minutes in a spin box ("15 min").
        self.time_limit.setSuffix(" " + _("min"))
        self.time_limit.setSpecialValueText(_("no limit"))
        self.pass_mark = QSpinBox(maximum=100, suffix=" %", value=int(s.pass_mark))
        self.attempts = QSpinBox(maximum=99, value=s.attempts_allowed)
        self.attempts.setSpecialValueText(_("unlimited"))
        self.grading = _combo([(_("highest attempt"), "highest"), (_("last attempt"), "last")])
        self.grading.setCurrentIndex(self.grading.findData(s.grading))
        self.feedback = _combo([(_("exam: nothing until submitted"), "exam"),
                                (_("practice: after each answer"), "practice")])
        self.feedback.setCurrentIndex(self.feedback.findData(s.feedback_mode))
        self.review = _combo([(_("score and answers"), "answers"), (_("score only"), "score"),
                              (_("nothing"), "none")])
        self.review.setCurrentIndex(self.review.findData(s.review))
        self.shuffle_q = QCheckBox(_("Shuffle questions"), checked=s.shuffle_questions)
        self.shuffle_o = QCheckBox(_("Shuffle options"), checked=s.shuffle_options)
        self.award = QCheckBox(_("Award a certificate on passing"), checked=s.award_certificate)
        self.open_book = QCheckBox(_("Open book: Learn, Library and species cards stay "
                                     "available during the exam"), checked=s.open_book)
        self.open_book.setToolTip(_("Practice quizzes are always open book."))
        self._self_test = s.self_test  # kept as it was: self-tests are built in
        self.opens, self.opens_on = self._moment(s.available_from, _("Opens"))
        self.closes, self.closes_on = self._moment(s.available_until, _("Closes"))
        for label, widget in ((_("&Title:"), self.title), (_("Time limit:"), self.time_limit),
                              (_("Pass mark:"), self.pass_mark),
                              (_("Attempts allowed:"), self.attempts),
                              (_("Grade by:"), self.grading), (_("Feedback:"), self.feedback),
                              (_("Review after submitting:"), self.review),
                              ("", self.shuffle_q), ("", self.shuffle_o), ("", self.award),
                              ("", self.open_book),
                              ("", self.opens), ("", self.closes)):
            self.form.addRow(label, widget)
        # Rules: each draws N random questions matching a module, type and difficulty.
        self.rules = QTableWidget(0, 7)
        self.rules.setHorizontalHeaderLabels(
            [_("Questions"), _("Module"), _("Type"), _("Difficulty"),
             _("Tags (comma-separated)"), _("Species"), _("Available")])
        header = self.rules.horizontalHeader()
        header.setMinimumSectionSize(60)
        # Widths in characters of the current text size, and never less than the heading.
        metrics = self.fontMetrics()
        for column, chars in enumerate((11, 26, 22, 15, 22, 26, 13)):
            item = self.rules.horizontalHeaderItem(column)
            heading = item.text() if item is not None else ""
            self.rules.setColumnWidth(column, max(
                metrics.averageCharWidth() * chars,
                metrics.horizontalAdvance(heading) + 2 * metrics.averageCharWidth()))
        header.setStretchLastSection(True)  # the table scrolls sideways when it must
        add = QPushButton(_("&Add a rule"))
        add.clicked.connect(lambda: self.add_rule(Rule("random", count=10)))
        remove = QPushButton(_("&Remove the rule"))
        remove.clicked.connect(lambda: self.rules.removeRow(self.rules.currentRow()))
        self.form.addRow(self.rules)
        self.form.addRow(button_row(add, remove))
        # Fixed questions: always asked, whatever the random rules draw.
        self.fixed = QListWidget()
        self.fixed.setMaximumHeight(120)
        pick = QPushButton(_("Add &fixed questions…"))
        pick.clicked.connect(self.pick_questions)
        drop = QPushButton(_("Remove the &question"))
        drop.clicked.connect(lambda: self.fixed.takeItem(self.fixed.currentRow()))
        self.form.addRow(_("Fixed questions:"), self.fixed)
        self.form.addRow(button_row(pick, drop))
        self.warnings = QLabel(wordWrap=True)
        self.warnings.setObjectName("error")
        self.form.addRow(self.warnings)
        for rule in (existing.rules if existing else [Rule("random", count=20)]):
            if rule.kind == "fixed" and rule.question:
                self.add_fixed(rule.question)
            else:
                self.add_rule(rule)
        self.resize(1040, 720)

    def _moment(self, value: str | None, text: str) -> tuple[QWidget, QCheckBox]:
        box = QCheckBox(text)
        edit = QDateTimeEdit(calendarPopup=True)
        edit.setDateTime(QDateTime.currentDateTime())
        if value:
            box.setChecked(True)
            edit.setDateTime(QDateTime.fromString(value.replace("Z", ""), Qt.DateFormat.ISODate))
        edit.setEnabled(box.isChecked())
        box.toggled.connect(edit.setEnabled)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(box)
        row.addWidget(edit, 1)
        holder.edit = edit  # type: ignore[attr-defined]
        return holder, box

    def add_fixed(self, question: str) -> None:
        if any(self.fixed.item(i).data(Qt.ItemDataRole.UserRole) == question
               for i in range(self.fixed.count())):
            return
        found = self.ctx.store.questions.get(question, i18n.current_language())
        if found is None:
            return
        item = QListWidgetItem(f"{labels.question_type_name(found.qtype)}: "
                               f"{found.stem.value if found.stem else found.slug}")
        item.setData(Qt.ItemDataRole.UserRole, question)
        self.fixed.addItem(item)

    def pick_questions(self) -> None:
        """Choose questions from the bank, searching their text."""
        dialog, search, listing = search_dialog(self, _("Add fixed questions"),
                                                _("Search the question text"), 760)
        listing.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        lang = i18n.current_language()
        bank = [self.ctx.store.questions.get(q, lang) for q in self.ctx.store.questions.uuids()]
        for question in (q for q in bank if q is not None):
            item = QListWidgetItem(f"{labels.question_type_name(question.qtype)}: "
                                   f"{question.stem.value if question.stem else question.slug}")
            item.setData(Qt.ItemDataRole.UserRole, question.uuid)
            listing.addItem(item)
        def narrow(text: str) -> None:
            for i in range(listing.count()):
                if (entry := listing.item(i)) is not None:
                    entry.setHidden(text.casefold() not in entry.text().casefold())

        search.textChanged.connect(narrow)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            for item in listing.selectedItems():
                self.add_fixed(item.data(Qt.ItemDataRole.UserRole))

    def add_rule(self, rule: Rule) -> None:
        lang = i18n.current_language()
        row = self.rules.rowCount()
        self.rules.insertRow(row)
        count = QSpinBox(minimum=1, maximum=500, value=max(1, rule.count))
        modules: list[tuple[str, str | None]] = [(_("All"), None)]
        for course in self.ctx.store.lessons.courses(lang):
            modules += [(m.title.value if m.title else m.slug, m.slug)
                        for m in self.ctx.store.lessons.modules(course.uuid, lang)]
        module = _combo(modules)
        types = _combo([(_("All"), None)] + [(labels.question_type_name(t), t)
                                             for t in QUESTION_TYPES])
        difficulty = _combo([(_("All"), None), ("1", 1), ("2", 2), ("3", 3)])
        f = rule.filter
        if f.get("modules"):
            module.setCurrentIndex(max(0, module.findData(f["modules"][0])))
        if f.get("types"):
            types.setCurrentIndex(max(0, types.findData(f["types"][0])))
        if f.get("difficulty"):
            difficulty.setCurrentIndex(max(0, difficulty.findData(f["difficulty"][0])))
        tags = QLineEdit(", ".join(f.get("tags", [])))
        tags.setPlaceholderText(_("e.g. horn, caviar"))
        species = SpeciesPicker(self.ctx, f.get("species", []))
        for col, widget in enumerate((count, module, types, difficulty, tags, species)):
            self.rules.setCellWidget(row, col, widget)
            if isinstance(widget, QSpinBox):
                widget.valueChanged.connect(lambda _v: self.update_pools())
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(lambda _v: self.update_pools())
            elif isinstance(widget, SpeciesPicker):
                widget.chosen_changed.connect(self.update_pools)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _v: self.update_pools())
        self.rules.setCellWidget(row, 6, QLabel())
        self.update_pools()

    def rule_at(self, row: int) -> Rule:
        cells = [self.rules.cellWidget(row, c) for c in range(6)]
        count, tags = cast(QSpinBox, cells[0]), cast(QLineEdit, cells[4])
        module, types, difficulty = (cast(QComboBox, cell) for cell in cells[1:4])
        species = cast(SpeciesPicker, cells[5])
        f: dict[str, list] = {}
        words = [w.strip() for w in tags.text().split(",") if w.strip()]
        if words:
            f["tags"] = words
        if species.chosen:
            f["species"] = list(species.chosen)
        if module.currentData():
            f["modules"] = [module.currentData()]
        if types.currentData():
            f["types"] = [types.currentData()]
        if difficulty.currentData():
            f["difficulty"] = [difficulty.currentData()]
        return Rule("random", count=count.value(), filter=f)

    def all_rules(self) -> list[Rule]:
        fixed = [Rule("fixed", question=self.fixed.item(i).data(Qt.ItemDataRole.UserRole))
                 for i in range(self.fixed.count())]
        return fixed + [self.rule_at(row) for row in range(self.rules.rowCount())]

    def update_pools(self) -> None:
        """Show how many questions each rule can draw from; warn when it cannot be met."""
        short = []
        for row in range(self.rules.rowCount()):
            rule = self.rule_at(row)
            have = len(self.ctx.store.quizzes.pool(rule))
            label = self.rules.cellWidget(row, 6)
            if isinstance(label, QLabel):
                label.setText(i18n.format_number(have))
            if have < rule.count:
                short.append(_("Rule {n} needs {need} questions but can draw only {have}.")
                             .format(n=row + 1, need=rule.count, have=have))
        self.warnings.setText("\n".join(short))

    def settings(self) -> QuizSettings:
        def moment(box: QCheckBox, holder: QWidget) -> str | None:
            if not box.isChecked():
                return None
            local = holder.edit.dateTime().toPython()  # type: ignore[attr-defined]
            return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

        return QuizSettings(
            time_limit_minutes=self.time_limit.value(), pass_mark=self.pass_mark.value(),
            attempts_allowed=self.attempts.value(), grading=self.grading.currentData(),
            feedback_mode=self.feedback.currentData(), review=self.review.currentData(),
            shuffle_questions=self.shuffle_q.isChecked(),
            shuffle_options=self.shuffle_o.isChecked(),
            available_from=moment(self.opens_on, self.opens),
            available_until=moment(self.closes_on, self.closes),
            award_certificate=self.award.isChecked(), open_book=self.open_book.isChecked(),
            self_test=self._self_test)

    def _save(self) -> None:
        title = " ".join(self.title.text().split())
        if not title:
            self.error.setText(_("A quiz needs a title."))
            return
        lang = i18n.current_language()
        titles = dict(self.ctx.store.texts.variants("quizzes", self.quiz, "title")) \
            if self.quiz else {}
        titles[lang] = Translation(title, "draft")
        try:
            self.quiz = self.ctx.store.quizzes.save(titles, self.settings(), self.all_rules(),
                                                    uuid=self.quiz)
        except QuizError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
