"""The quiz builder (trainer mode): settings, random-draw rules with live pool sizes,
problems to fix, and assignment to a class."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
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


def _combo(entries: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, value in entries:
        combo.addItem(text, value)
    return combo


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
        self.time_limit = QSpinBox(maximum=600, suffix=" min", value=s.time_limit_minutes)
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
        self.opens, self.opens_on = self._moment(s.available_from, _("Opens"))
        self.closes, self.closes_on = self._moment(s.available_until, _("Closes"))
        for label, widget in ((_("&Title:"), self.title), (_("Time limit:"), self.time_limit),
                              (_("Pass mark:"), self.pass_mark),
                              (_("Attempts allowed:"), self.attempts),
                              (_("Grade by:"), self.grading), (_("Feedback:"), self.feedback),
                              (_("Review after submitting:"), self.review),
                              ("", self.shuffle_q), ("", self.shuffle_o), ("", self.award),
                              ("", self.opens), ("", self.closes)):
            self.form.addRow(label, widget)
        # Rules: each draws N random questions matching a module, type and difficulty.
        self.rules = QTableWidget(0, 6)
        self.rules.setHorizontalHeaderLabels(
            [_("Questions"), _("Module"), _("Type"), _("Difficulty"),
             _("Tags or species (comma-separated)"), _("Available")])
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
        self.resize(820, 720)

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
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Add fixed questions"))
        search = QLineEdit()
        search.setPlaceholderText(_("Search the question text"))
        listing = QListWidget()
        listing.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        lang = i18n.current_language()
        bank = [self.ctx.store.questions.get(q, lang) for q in self.ctx.store.questions.uuids()]
        for question in (q for q in bank if q is not None):
            item = QListWidgetItem(f"{labels.question_type_name(question.qtype)}: "
                                   f"{question.stem.value if question.stem else question.slug}")
            item.setData(Qt.ItemDataRole.UserRole, question.uuid)
            listing.addItem(item)
        search.textChanged.connect(lambda text: [
            listing.item(i).setHidden(text.casefold() not in listing.item(i).text().casefold())
            for i in range(listing.count())])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        column = QVBoxLayout(dialog)
        for w in (search, listing, buttons):
            column.addWidget(w)
        dialog.resize(760, 520)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            for item in listing.selectedItems():
                self.add_fixed(item.data(Qt.ItemDataRole.UserRole))

    def add_rule(self, rule: Rule) -> None:
        lang = i18n.current_language()
        row = self.rules.rowCount()
        self.rules.insertRow(row)
        count = QSpinBox(minimum=1, maximum=500, value=max(1, rule.count))
        modules = [(_("All"), None)]
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
        tags = QLineEdit(", ".join([*f.get("tags", []), *f.get("species", [])]))
        tags.setPlaceholderText("saiga-tatarica, horn")
        for col, widget in enumerate((count, module, types, difficulty, tags)):
            self.rules.setCellWidget(row, col, widget)
            signal = widget.valueChanged if isinstance(widget, QSpinBox) else (
                widget.textChanged if isinstance(widget, QLineEdit) else
                widget.currentIndexChanged)
            signal.connect(lambda _v: self.update_pools())
        self.rules.setCellWidget(row, 5, QLabel())
        self.update_pools()

    def rule_at(self, row: int) -> Rule:
        count, module, types, difficulty, tags = (self.rules.cellWidget(row, c)
                                                  for c in range(5))
        f: dict[str, list] = {}
        # Questions carry their species' ids among their tags, so one field serves both.
        words = [w.strip() for w in tags.text().split(",") if w.strip()]
        if words:
            f["tags"] = words
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
            label = self.rules.cellWidget(row, 5)
            if label is not None:
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
            award_certificate=self.award.isChecked())

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
        self.ctx.notify_changed()
        self.accept()
