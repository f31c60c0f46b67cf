"""Exams: the list of quizzes for the signed-in trainee, taking one, and the result.

Every answer is saved the moment it is given (core AttemptManager.answer); closing the
app mid-exam and starting it again resumes the same attempt with its answers and the
time left. Keyboard: 1-9 choose an option, ←/→ previous/next question, Enter next,
F flag, Ctrl+Enter submit.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n, labels
from idtrainer.core.attempts import Attempt
from idtrainer.core.i18n import gettext as _
from idtrainer.core.i18n import ngettext
from idtrainer.core.questions import Question
from idtrainer.core.quizzes import QuizError
from idtrainer.core.scoring import correct_response
from idtrainer.gui.context import AppContext
from idtrainer.gui.gallery import Gallery
from idtrainer.gui.keys import PageKeys

QUIZ_ROLE = Qt.ItemDataRole.UserRole


def clock_text(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


class QuestionView(QWidget):
    """One question with the controls its type needs; emits ``answered`` on every change."""

    answered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.stem = QLabel(wordWrap=True)
        self.stem.setObjectName("stem")
        self.gallery = Gallery(captions=False)
        self.gallery.setMinimumHeight(220)
        self.choices = QWidget()
        self.choices_layout = QVBoxLayout(self.choices)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stem)
        layout.addWidget(self.gallery, 1)
        layout.addWidget(self.choices)
        layout.addStretch(0)
        self.buttons: list[QAbstractButton] = []
        self.values: list[Any] = []
        self.combos: dict[str, QComboBox] = {}
        self.question: Question | None = None

    def show_question(self, ctx: AppContext, question: Question, order: list[str],
                      response: Any) -> None:
        self.question = question
        self.stem.setText(f"<h3>{html.escape(question.stem.value if question.stem else '')}</h3>")
        media = ctx.store.media.get(question.media_uuid, i18n.current_language()) \
            if question.media_uuid else None
        self.gallery.setVisible(media is not None)
        self.gallery.set_images([media] if media else [])
        while self.choices_layout.count():
            item = self.choices_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.buttons, self.values, self.combos = [], [], {}
        by_uuid = {o.uuid: o for o in question.options}
        ordered = [by_uuid[u] for u in order if u in by_uuid] or question.options
        kind = question.qtype
        group = QButtonGroup(self.choices)
        group.setExclusive(kind != "multiple")
        entries: list[tuple[str, Any]] = []
        if kind in ("single", "image", "multiple"):
            entries = [(o.text.value if o.text else "", o.uuid) for o in ordered]
        elif kind == "truefalse":
            entries = [(_("True"), True), (_("False"), False)]
        elif kind == "appendix":
            entries = [(labels.appendix_name(a), a) for a in ("I", "II", "III", "none")]
        for n, (text, value) in enumerate(entries, 1):
            button: QAbstractButton = QCheckBox(f"{n}. {text}") if kind == "multiple" else \
                QRadioButton(f"{n}. {text}")
            group.addButton(button)
            self.choices_layout.addWidget(button)
            self.buttons.append(button)
            self.values.append(value)
            button.toggled.connect(lambda _on: self._emit())
        if kind == "matching":
            rights = [o for o in ordered if o.side == "right"]
            form = QFormLayout()
            for left in (o for o in ordered if o.side == "left"):
                combo = QComboBox()
                combo.addItem("—", None)
                for right in rights:
                    combo.addItem(right.text.value if right.text else "", right.uuid)
                combo.currentIndexChanged.connect(lambda _i: self._emit())
                form.addRow(QLabel(left.text.value if left.text else "", wordWrap=True), combo)
                self.combos[left.uuid] = combo
            holder = QWidget()
            holder.setLayout(form)
            self.choices_layout.addWidget(holder)
        self._restore(response)

    def _restore(self, response: Any) -> None:
        for w in [*self.buttons, *self.combos.values()]:
            w.blockSignals(True)
        if isinstance(response, dict):
            chosen = response.get("options") or [response.get("option"),
                                                 response.get("value"),
                                                 response.get("appendix")]
            for button, value in zip(self.buttons, self.values, strict=True):
                button.setChecked(any(value == c and c is not None for c in chosen))
            for left, combo in self.combos.items():
                combo.setCurrentIndex(max(0, combo.findData(
                    (response.get("pairs") or {}).get(left))))
        for w in [*self.buttons, *self.combos.values()]:
            w.blockSignals(False)

    def response(self) -> Any:
        kind = self.question.qtype if self.question else ""
        picked = [v for b, v in zip(self.buttons, self.values, strict=True) if b.isChecked()]
        if kind == "multiple":
            return {"options": picked}
        if kind == "matching":
            pairs = {left: c.currentData() for left, c in self.combos.items() if c.currentData()}
            return {"pairs": pairs} if pairs else None
        if not picked:
            return None
        key = {"truefalse": "value", "appendix": "appendix"}.get(kind, "option")
        return {key: picked[0]}

    def choose(self, number: int) -> None:
        if 1 <= number <= len(self.buttons):
            button = self.buttons[number - 1]
            button.setChecked(not button.isChecked() if isinstance(button, QCheckBox) else True)

    def _emit(self) -> None:
        self.answered.emit(self.response())


class ExamsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.attempt: Attempt | None = None
        self.index = 0
        self.stack = QStackedWidget()
        # 1. the list of quizzes
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.quizzes = QListWidget()
        self.quizzes.currentItemChanged.connect(lambda *_: self._describe())
        self.rules = QLabel(wordWrap=True)
        self.start_button = QPushButton()
        self.start_button.clicked.connect(self.start)
        # Trainer tools, shown in trainer mode only.
        self.new_quiz, self.edit_quiz, self.copy_quiz, self.assign_quiz, self.check_quiz = (
            QPushButton(), QPushButton(), QPushButton(), QPushButton(), QPushButton())
        self.new_quiz.clicked.connect(lambda: self.build(None))
        self.edit_quiz.clicked.connect(lambda: self.build(self.selected()))
        self.copy_quiz.clicked.connect(self.duplicate)
        self.assign_quiz.clicked.connect(self.assign)
        self.check_quiz.clicked.connect(self.check)
        self.export_button, self.extra_button = QPushButton(), QPushButton()
        self.export_button.clicked.connect(self.export_results)
        self.extra_button.clicked.connect(self.grant_extra_time)
        self.trainer_tools = QWidget()
        tools = QHBoxLayout(self.trainer_tools)
        tools.setContentsMargins(0, 0, 0, 0)
        for w in (self.new_quiz, self.edit_quiz, self.copy_quiz, self.assign_quiz,
                  self.check_quiz, self.extra_button, self.export_button):
            tools.addWidget(w)
        tools.addStretch(1)
        choose = QWidget()
        cv = QVBoxLayout(choose)
        for w in (self.title, self.trainer_tools, self.quizzes, self.rules, self.start_button):
            cv.addWidget(w)
        # 2. taking it
        self.navigator = QListWidget()
        self.navigator.setMaximumWidth(180)
        self.navigator.currentRowChanged.connect(self.go)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("timer")
        self.view = QuestionView()
        self.view.answered.connect(self._answered)
        self.previous, self.next, self.flag, self.submit_button = (
            QPushButton(), QPushButton(), QPushButton(), QPushButton())
        self.previous.clicked.connect(lambda: self.go(self.index - 1))
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        self.flag.clicked.connect(self.toggle_flag)
        self.submit_button.clicked.connect(self.confirm_submit)
        buttons = QHBoxLayout()
        for w in (self.previous, self.next, self.flag):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        self.feedback = QLabel(wordWrap=True)
        self.feedback.setObjectName("feedback")
        right = QVBoxLayout()
        right.addWidget(self.timer_label)
        right.addWidget(self.view, 1)
        right.addWidget(self.feedback)
        right.addLayout(buttons)
        taking = QWidget()
        tv = QHBoxLayout(taking)
        tv.addWidget(self.navigator)
        tv.addLayout(right, 1)
        # 3. the result
        self.result = QTextBrowser()
        self.result.setObjectName("result")
        self.back = QPushButton()
        self.back.clicked.connect(self.show_list)
        done = QWidget()
        dv = QVBoxLayout(done)
        dv.addWidget(self.result, 1)
        dv.addWidget(self.back)
        for w in (choose, taking, done):
            self.stack.addWidget(w)
        QVBoxLayout(self).addWidget(self.stack)
        self.keys = PageKeys(self, self.handle_key)
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self._tick)
        ctx.language_changed.connect(self.retranslate)
        ctx.session_changed.connect(self.refresh)
        ctx.changed.connect(self.refresh)
        self.retranslate()

    # -- list --------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Exams"))
        self.start_button.setText(_("&Start or continue"))
        self.previous.setText(_("◀ Previous"))
        self.next.setText(_("Next ▶"))
        self.submit_button.setText(_("Su&bmit…"))
        self.back.setText(_("Back to the list"))
        self.new_quiz.setText(_("&New quiz…"))
        self.edit_quiz.setText(_("&Edit…"))
        self.copy_quiz.setText(_("D&uplicate"))
        self.assign_quiz.setText(_("&Assign…"))
        self.check_quiz.setText(_("C&heck"))
        self.extra_button.setText(_("E&xtra time…"))
        self.export_button.setText(_("Export &results…"))
        self._flag_text()
        self.refresh()
        if self.attempt and self.stack.currentIndex() == 1:
            self.go(self.index)
        elif self.attempt and self.stack.currentIndex() == 2:
            self.show_result()

    def selected(self) -> str | None:
        item = self.quizzes.currentItem()
        return item.data(QUIZ_ROLE) if item else None

    def build(self, quiz: str | None) -> None:
        from idtrainer.gui.quiz_builder import QuizBuilderDialog

        QuizBuilderDialog(self.ctx, self, quiz).exec()

    def duplicate(self) -> None:
        if quiz := self.selected():
            self.ctx.store.quizzes.duplicate(quiz)
            self.ctx.notify_changed()

    def assign(self) -> None:
        """Assign the quiz to a class, or to one trainee (tested apart from the class)."""
        quiz = self.selected()
        if not quiz:
            return
        store = self.ctx.store
        targets = [(_("Class: {name}").format(name=c.name), "class", c.uuid)
                   for c in store.classes.list()]
        targets += [(_("Trainee: {name}").format(name=p.name), "trainee", p.uuid)
                    for p in store.trainees.list()]
        chosen, ok = QInputDialog.getItem(self, _("Assign"), _("Assign to:"),
                                          [t[0] for t in targets], 0, False)
        if ok and chosen:
            _label, kind, uuid = next(t for t in targets if t[0] == chosen)
            if kind == "class":
                store.quizzes.assign(quiz, class_uuid=uuid)
            else:
                store.quizzes.assign(quiz, trainee_uuid=uuid)
            self.ctx.notify_changed()

    def export_results(self) -> None:
        from pathlib import Path

        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export results"), str(Path.home() / "results.csv"), "CSV (*.csv)")
        if not path:
            return
        try:
            count = self.ctx.store.attempts.export_csv(Path(path))
        except OSError as exc:
            QMessageBox.warning(self, _("Exams"), f"{path}: {exc.strerror or exc}")
            return
        QMessageBox.information(self, _("Exams"), ngettext(
            "{n} attempt written to {path}", "{n} attempts written to {path}", count).format(
            n=count, path=path))

    def grant_extra_time(self) -> None:
        """For an officer whose exam was interrupted (a power cut, an emergency)."""
        store, lang = self.ctx.store, i18n.current_language()
        open_attempts = [a for a in (store.attempts.get(r["uuid"]) for r in store.query(
            "SELECT uuid FROM attempts WHERE submitted_at IS NULL AND deleted = 0 AND "
            "deadline_at IS NOT NULL")) if a is not None]
        if not open_attempts:
            QMessageBox.information(self, _("Exams"), _("No timed exam is in progress."))
            return
        names = [f"{store.trainees.get(a.trainee_uuid).name} — "
                 f"{store.quizzes.get(a.quiz_uuid, lang).title}" for a in open_attempts]
        chosen, ok = QInputDialog.getItem(self, _("Extra time"), _("Exam in progress:"),
                                          names, 0, False)
        if not ok:
            return
        minutes, ok = QInputDialog.getInt(self, _("Extra time"), _("Minutes to add:"), 10, 1,
                                          240)
        if ok:
            store.attempts.grant_extra_time(open_attempts[names.index(chosen)].uuid,
                                            minutes * 60)

    def check(self) -> None:
        if quiz := self.selected():
            problems = self.ctx.store.quizzes.problems(quiz, list(i18n.LANGUAGES))
            QMessageBox.information(self, _("Exams"), "\n".join(problems) or _(
                "No problems: every rule can draw its questions, in every language."))

    def refresh(self) -> None:
        self.trainer_tools.setVisible(self.ctx.trainer_unlocked)
        self.edit_quiz.setEnabled(self.quizzes.count() > 0)
        if self.stack.currentIndex() != 0:
            return
        current = self.quizzes.currentItem().data(QUIZ_ROLE) if self.quizzes.currentItem() \
            else None
        self.quizzes.clear()
        trainee = self.ctx.trainee
        if trainee is None:
            return
        store, lang = self.ctx.store, i18n.current_language()
        quizzes = store.quizzes.for_trainee(trainee)
        if self.ctx.trainer_unlocked:  # a trainer can try any quiz (preview as a trainee)
            quizzes += [r[0] for r in store.conn.execute(
                "SELECT uuid FROM quizzes WHERE deleted = 0") if r[0] not in quizzes]
        for quiz in quizzes:
            item = QListWidgetItem(store.quizzes.get(quiz, lang).title)
            item.setData(QUIZ_ROLE, quiz)
            self.quizzes.addItem(item)
            if quiz == current:
                self.quizzes.setCurrentItem(item)
        if self.quizzes.currentItem() is None and self.quizzes.count():
            self.quizzes.setCurrentRow(0)
        self._describe()

    def _describe(self) -> None:
        item = self.quizzes.currentItem()
        self.start_button.setEnabled(item is not None)
        if item is None:
            self.rules.setText(_("No exam is assigned to you yet."))
            return
        store, quiz = self.ctx.store, item.data(QUIZ_ROLE)
        settings = store.quizzes.get(quiz, "en").settings
        count = len(store.quizzes.assemble(quiz, 0).items)
        used = len(store.attempts.history(quiz, self.ctx.trainee))
        lines = [ngettext("{n} question", "{n} questions", count).format(n=count),
                 _("Time: {minutes} min").format(minutes=settings.time_limit_minutes)
                 if settings.time_limit_minutes else _("No time limit"),
                 _("Pass mark: {percent}").format(
                     percent=i18n.format_percent(settings.pass_mark / 100))]
        if settings.attempts_allowed:
            lines.append(_("Attempts left: {n}").format(
                n=max(0, settings.attempts_allowed - used)))
        grade = store.attempts.grade(quiz, self.ctx.trainee)
        if grade is not None:
            lines.append(_("Your result so far: {percent}").format(
                percent=i18n.format_percent((grade.percent or 0) / 100)))
        self.rules.setText(" · ".join(lines))

    def show_list(self) -> None:
        self.ticker.stop()
        self.attempt = None
        self.stack.setCurrentIndex(0)
        self.refresh()

    # -- taking ------------------------------------------------------------------------

    def start(self) -> None:
        item = self.quizzes.currentItem()
        if item is None or self.ctx.trainee is None:
            return
        try:
            self.attempt = self.ctx.store.attempts.start(item.data(QUIZ_ROLE), self.ctx.trainee,
                                                         i18n.current_language())
        except QuizError as exc:
            QMessageBox.warning(self, _("Exams"), str(exc))
            return
        self.stack.setCurrentIndex(1)
        self.ticker.start()
        given = self.ctx.store.attempts.answers(self.attempt.uuid)
        first_open = next((i for i, it in enumerate(self.attempt.items) if it["q"] not in given),
                          0)
        self._fill_navigator()
        self.go(first_open)
        self._tick()

    def _fill_navigator(self) -> None:
        given = self.ctx.store.attempts.answers(self.attempt.uuid) if self.attempt else {}
        self.navigator.blockSignals(True)
        self.navigator.clear()
        for n, item in enumerate(self.attempt.items if self.attempt else [], 1):
            state = given.get(item["q"], {})
            mark = "⚑ " if state.get("flagged") else ""
            done = "●" if state.get("response") not in (None, {}, {"options": []}) else "○"
            self.navigator.addItem(f"{done} {mark}{n}")
        self.navigator.setCurrentRow(self.index)
        self.navigator.blockSignals(False)

    def go(self, index: int) -> None:
        if self.attempt is None or not 0 <= index < len(self.attempt.items):
            return
        self.index = index
        item = self.attempt.items[index]
        question = self.ctx.store.questions.get(item["q"], i18n.current_language())
        state = self.ctx.store.attempts.answers(self.attempt.uuid).get(item["q"], {})
        if question is not None:
            self.view.show_question(self.ctx, question, item["o"], state.get("response"))
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index + 1 < len(self.attempt.items))
        self._flag_text(state.get("flagged", False))
        self._show_feedback(question, state.get("response"))
        self.navigator.blockSignals(True)
        self.navigator.setCurrentRow(index)
        self.navigator.blockSignals(False)

    def _practice_mode(self) -> bool:
        return self.attempt is not None and self.ctx.store.quizzes.get(
            self.attempt.quiz_uuid, "en").settings.feedback_mode == "practice"

    def _show_feedback(self, question: Question | None, response: Any) -> None:
        """In practice mode, say at once whether the answer is right, and why."""
        if question is None or response is None or not self._practice_mode():
            self.feedback.hide()
            return
        from idtrainer.core.scoring import score

        got = score(question, response)
        verdict = _("Right.") if got == 1 else (_("Partly right.") if got > 0 else
                                                 _("Not right."))
        right = _describe_response(question, correct_response(question))
        text = f"<b>{html.escape(verdict)}</b> " + html.escape(
            _("Correct answer: {answer}").format(answer=right))
        if question.feedback:
            text += f"<br><i>{html.escape(question.feedback.value)}</i>"
        self.feedback.setText(text)
        self.feedback.show()

    def _answered(self, response: Any) -> None:
        if self.attempt is None:
            return
        try:
            self.ctx.store.attempts.answer(self.attempt.uuid, self.attempt.items[self.index]["q"],
                                           response)
        except QuizError as exc:  # time ran out between two clicks
            QMessageBox.information(self, _("Exams"), str(exc))
            self.show_result()
            return
        self._fill_navigator()
        self._show_feedback(self.view.question, response)

    def toggle_flag(self) -> None:
        if self.attempt is None:
            return
        question = self.attempt.items[self.index]["q"]
        state = self.ctx.store.attempts.answers(self.attempt.uuid).get(question, {})
        self.ctx.store.attempts.answer(self.attempt.uuid, question, state.get("response"),
                                       flagged=not state.get("flagged", False))
        self._fill_navigator()
        self._flag_text(not state.get("flagged", False))

    def _flag_text(self, flagged: bool = False) -> None:
        self.flag.setText(_("Un&flag") if flagged else _("&Flag for review"))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.attempt is not None and self.stack.currentIndex() == 1:
            self.ticker.start()
            self._tick()  # time ran on while another page was shown

    def hideEvent(self, event) -> None:
        # The deadline lives in the database; the ticker only redraws it while visible.
        self.ticker.stop()
        super().hideEvent(event)

    def _tick(self) -> None:
        if self.attempt is None:
            return
        left = self.ctx.store.attempts.remaining_seconds(
            self.ctx.store.attempts.get(self.attempt.uuid))
        if left is None:
            self.timer_label.setText(_("No time limit"))
            return
        self.timer_label.setText(_("Time left: {time}").format(time=clock_text(left)))
        if left == 0:
            self.ctx.store.attempts.submit_overdue()
            self.show_result()

    def unanswered(self) -> list[int]:
        given = self.ctx.store.attempts.answers(self.attempt.uuid) if self.attempt else {}
        return [n for n, item in enumerate(self.attempt.items if self.attempt else [], 1)
                if given.get(item["q"], {}).get("response") in (None, {}, {"options": []})]

    def confirm_submit(self) -> None:
        missing = self.unanswered()
        text = _("Submit your answers? You cannot change them afterwards.")
        if missing:
            text += "\n\n" + _("Not answered: {numbers}").format(
                numbers=", ".join(str(n) for n in missing))
        if QMessageBox.question(self, _("Submit"), text) == QMessageBox.StandardButton.Yes:
            self.submit()

    def submit(self) -> None:
        if self.attempt is not None:
            self.ctx.store.attempts.submit(self.attempt.uuid)
            self.show_result()

    def handle_key(self, event: QKeyEvent) -> bool:
        if self.stack.currentIndex() != 1:  # keys steer the exam only while taking it
            return False
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.view.choose(key - Qt.Key.Key_0)
        elif key == Qt.Key.Key_Left:
            self.go(self.index - 1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.confirm_submit()
            else:
                self.go(self.index + 1)
        elif key == Qt.Key.Key_F:
            self.toggle_flag()
        else:
            return False
        return True

    # -- result ------------------------------------------------------------------------

    def show_result(self) -> None:
        self.ticker.stop()
        if self.attempt is None:
            return
        store, lang = self.ctx.store, i18n.current_language()
        result = store.attempts.result(self.attempt.uuid)
        attempt = result.attempt
        settings = store.quizzes.get(attempt.quiz_uuid, lang).settings
        verdict = _("Passed") if attempt.passed else _("Not passed")
        parts = [f"<h2>{html.escape(verdict)} — "
                 f"{i18n.format_percent((attempt.percent or 0) / 100)}</h2>"]
        if settings.review in ("score", "answers"):
            parts.append("<h3>{}</h3><ul>".format(html.escape(_("By module"))))
            for module, (points, count) in result.per_module.items():
                title = store.texts.get("modules", module, "title", lang) if module else None
                name = title.value if title else _("Other")
                parts.append(f"<li>{html.escape(name)}: "
                             f"{i18n.format_percent(points / count if count else 0)}</li>")
            parts.append("</ul>")
        if settings.review == "answers":
            given = store.attempts.answers(attempt.uuid)
            parts.append("<h3>{}</h3><ol>".format(html.escape(_("Review"))))
            for item in attempt.items:
                question = store.questions.get(item["q"], lang)
                if question is None:
                    continue
                got = result.per_question.get(item["q"], 0.0)
                mark = "✓" if got == 1 else ("½" if got > 0 else "✗")
                right = _describe_response(question, correct_response(question))
                yours = _describe_response(question, given.get(item["q"], {}).get("response"))
                stem = html.escape(question.stem.value if question.stem else "")
                yours_line = html.escape(_("Your answer: {answer}").format(answer=yours))
                right_line = html.escape(_("Correct answer: {answer}").format(answer=right))
                parts.append(f"<li><b>{mark} {stem}</b><br>{yours_line}<br>{right_line}")
                if question.feedback:
                    parts.append(f"<br><i>{html.escape(question.feedback.value)}</i>")
                parts.append("</li>")
            parts.append("</ol>")
        history = store.attempts.history(attempt.quiz_uuid, attempt.trainee_uuid)
        parts.append("<h3>{}</h3><ul>".format(html.escape(_("Your attempts"))))
        for past in history:
            if past.submitted_at:
                parts.append(f"<li>{html.escape(past.started_at[:10])}: "
                             f"{i18n.format_percent((past.percent or 0) / 100)}</li>")
        parts.append("</ul>")
        self.result.setHtml("".join(parts))
        self.stack.setCurrentIndex(2)


def _describe_response(question: Question, response: Any) -> str:
    if not isinstance(response, dict):
        return "—"
    texts = {o.uuid: (o.text.value if o.text else "") for o in question.options}
    if "option" in response:
        return texts.get(response["option"], "—")
    if "options" in response:
        return "; ".join(texts.get(o, "") for o in response["options"]) or "—"
    if "value" in response:
        return _("True") if response["value"] else _("False")
    if "appendix" in response:
        return labels.appendix_name(response["appendix"])
    if "pairs" in response:
        return "; ".join(f"{texts.get(a, '')} → {texts.get(b, '')}"
                         for a, b in response["pairs"].items())
    return "—"
