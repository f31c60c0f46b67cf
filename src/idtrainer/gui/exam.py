"""Exams: the list of quizzes for the signed-in trainee, the rules screen, taking one,
and the result.

The list holds the quizzes a trainer assigned and the built-in self-tests (one per
module, core quizzes.ensure_self_tests). Choosing one shows its rules; the clock starts
with Start. A closed-book attempt (QuizSettings.closed_book) tells the AppContext
(begin_exam), and the main window closes Learn, Library, Identify, Practice and the
species cards until it is submitted.

Every answer is saved the moment it is given (core AttemptManager.answer); closing the
app mid-exam and starting it again resumes the same attempt with its answers and the
time left. Keyboard: 1-9 choose an option, ←/→ previous/next question, Enter next,
F flag, Ctrl+Enter submit.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
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
from idtrainer.core.languages import required_content
from idtrainer.core.questions import Question
from idtrainer.core.quizzes import Quiz, QuizError
from idtrainer.core.scoring import ANSWERED, PARTIAL, correct_response
from idtrainer.gui import style
from idtrainer.gui.context import AppContext
from idtrainer.gui.flow import FlowLayout
from idtrainer.gui.gallery import Gallery
from idtrainer.gui.keys import PageKeys

QUIZ_ROLE = Qt.ItemDataRole.UserRole
# The pages of ExamsPage.stack, in the order they are added.
LIST, TAKING, RESULT, RULES = range(4)
#: Navigator marks: answered, partly answered, not answered (DejaVu Sans has all three).
MARKS = {ANSWERED: "●", PARTIAL: "◐"}
NOT_ANSWERED_MARK = "○"


def quiz_title(quiz: Quiz) -> str:
    """The title a trainee sees; a self-test is named after its module."""
    if quiz.settings.self_test:
        return _("Self-test: {module}").format(module=quiz.title)
    return quiz.title


def card_frame() -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")  # styled in gui/style.py
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    return frame


class ScoreBar(QWidget):
    """The score as a bar in the pass or fail colour, with a tick at the pass mark."""

    def __init__(self) -> None:
        super().__init__()
        self._value, self.pass_mark = 0, 70.0
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(),
                           self.sizePolicy().Policy.Fixed)

    def value(self) -> int:
        return self._value

    def set_score(self, percent: float, pass_mark: float) -> None:
        self._value, self.pass_mark = round(percent), pass_mark
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(300, QFontMetrics(self.font()).height() + 12)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        bar = QRectF(0, 4, self.width(), self.height() - 8)
        track = QColor(palette.color(QPalette.ColorRole.WindowText))
        track.setAlphaF(0.12)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(track))
        painter.drawRoundedRect(bar, 4, 4)
        state = str(self.property("state") or "pass")
        painter.setBrush(QBrush(QColor(style.state_colour(state, palette))))
        if self._value > 0:
            painter.drawRoundedRect(QRectF(bar.x(), bar.y(), bar.width() * self._value / 100,
                                           bar.height()), 4, 4)
        tick = bar.x() + bar.width() * self.pass_mark / 100
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawLine(int(tick), 0, int(tick), self.height())
        painter.end()


class ModuleChart(QWidget):
    """A horizontal bar per module: its name, a bar of the share scored, the percent;
    bars at or above the pass mark in the pass colour, below it in the fail colour."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, float]] = []
        self.pass_mark = 0.7
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(),
                           self.sizePolicy().Policy.Fixed)

    def set_rows(self, rows: list[tuple[str, float]], pass_mark: float) -> None:
        self.rows, self.pass_mark = rows, pass_mark
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() * 2 + 10

    def sizeHint(self) -> QSize:
        return QSize(360, max(1, len(self.rows)) * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette, metrics = self.palette(), QFontMetrics(self.font())
        text_h, row_h = metrics.height(), self._row_height()
        percent_w = metrics.horizontalAdvance("100 %") + 8
        track = QColor(palette.color(QPalette.ColorRole.WindowText))
        track.setAlphaF(0.12)
        for n, (name, share) in enumerate(self.rows):
            top = n * row_h
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(0, top, self.width(), text_h,
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                                self.width()))
            bar = QRectF(0, top + text_h + 2, max(10, self.width() - percent_w), text_h - 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(track))
            painter.drawRoundedRect(bar, 3, 3)
            state = "pass" if share >= self.pass_mark else "fail"
            painter.setBrush(QBrush(QColor(style.state_colour(state, palette))))
            if share > 0:
                painter.drawRoundedRect(QRectF(bar.x(), bar.y(), bar.width() * min(1.0, share),
                                               bar.height()), 3, 3)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(int(bar.right()) + 4, int(bar.y()) - 2, percent_w - 4, text_h,
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             i18n.format_percent(share))
        painter.end()


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
            if item is not None and (widget := item.widget()) is not None:
                widget.hide()  # gone at once, not only when the event loop deletes it
                widget.deleteLater()
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
            holder = QWidget()
            grid = QGridLayout(holder)
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 2)
            grid.setVerticalSpacing(8)
            for row, left in enumerate(o for o in ordered if o.side == "left"):
                combo = QComboBox()
                combo.addItem("—", None)
                for right in rights:
                    combo.addItem(right.text.value if right.text else "", right.uuid)
                combo.currentIndexChanged.connect(lambda _i: self._emit())
                label = QLabel(left.text.value if left.text else "", wordWrap=True)
                label.setBuddy(combo)
                grid.addWidget(label, row, 0)
                grid.addWidget(combo, row, 1, Qt.AlignmentFlag.AlignVCenter)
                self.combos[left.uuid] = combo
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
        self.chosen: str | None = None  # the quiz whose rules are shown
        self.stack = QStackedWidget()
        # 1. the list of quizzes: assigned ones, then the self-tests
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.quizzes = QListWidget()
        self.quizzes.setSpacing(3)  # two-line entries need air between them
        self.quizzes.currentItemChanged.connect(lambda *_: self._describe())
        self.quizzes.itemActivated.connect(lambda _item: self.open_rules())
        self.summary = QLabel(wordWrap=True)
        self.start_button = QPushButton()
        self.start_button.clicked.connect(self.open_rules)
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
        tools = FlowLayout(self.trainer_tools)  # wraps at larger text sizes
        tools.setContentsMargins(0, 0, 0, 0)
        for tool in (self.new_quiz, self.edit_quiz, self.copy_quiz, self.assign_quiz,
                     self.check_quiz, self.extra_button, self.export_button):
            tools.addWidget(tool)
        choose = QWidget()
        cv = QVBoxLayout(choose)
        for part in (self.title, self.trainer_tools, self.quizzes, self.summary):
            cv.addWidget(part)
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self.start_button)
        cv.addLayout(start_row)
        # 2. the rules screen: what the attempt will be, then Start
        self.rules_title = QLabel(wordWrap=True)
        self.rules_title.setObjectName("pageTitle")
        self.rules_card = card_frame()
        self.rules_form = QFormLayout(self.rules_card)
        self.rules_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.rules_form.setVerticalSpacing(10)
        self.rule_labels = {name: (QLabel(), QLabel(wordWrap=True)) for name in (
            "questions", "time", "pass", "attempts", "book", "feedback", "resume")}
        for caption, value in self.rule_labels.values():
            caption.setObjectName("hint")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.rules_form.addRow(caption, value)
        self.rules_note = QLabel(wordWrap=True)
        self.rules_note.setObjectName("hint")
        self.rules_back, self.begin_button = QPushButton(), QPushButton()
        self.rules_back.clicked.connect(self.show_list)
        self.begin_button.clicked.connect(self.start)
        self.begin_button.setDefault(True)
        rules_page = QWidget()
        rv = QVBoxLayout(rules_page)
        rv.addWidget(self.rules_title)
        rv.addWidget(self.rules_card)
        rv.addWidget(self.rules_note)
        rv.addStretch(1)
        rules_buttons = QHBoxLayout()
        rules_buttons.addWidget(self.rules_back)
        rules_buttons.addStretch(1)
        rules_buttons.addWidget(self.begin_button)
        rv.addLayout(rules_buttons)
        # 3. taking it
        self.navigator = QListWidget()
        self.navigator.setMaximumWidth(180)
        self.navigator.setSpacing(2)
        self.navigator.currentRowChanged.connect(self.go)
        self.legend = QLabel(wordWrap=True)
        self.legend.setObjectName("hint")
        self.legend.setMaximumWidth(180)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("timer")
        self.book_label = QLabel(wordWrap=True)
        self.book_label.setObjectName("hint")
        self.book_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
        top = QHBoxLayout()
        top.addWidget(self.timer_label)
        top.addStretch(1)
        top.addWidget(self.book_label, 2)
        right = QVBoxLayout()
        right.addLayout(top)
        right.addWidget(self.view, 1)
        right.addWidget(self.feedback)
        right.addLayout(buttons)
        left = QVBoxLayout()
        left.addWidget(self.navigator, 1)
        left.addWidget(self.legend)
        taking = QWidget()
        tv = QHBoxLayout(taking)
        tv.addLayout(left)
        tv.addLayout(right, 1)
        # 4. the result: verdict and score bar, per-module chart, review, past attempts
        self.verdict_card = card_frame()
        self.verdict = QLabel(wordWrap=True)
        self.verdict.setObjectName("welcome")  # the type scale's largest size
        self.result_title = QLabel(wordWrap=True)
        self.score_bar = ScoreBar()
        self.score_line = QLabel(wordWrap=True)
        self.pass_line = QLabel(wordWrap=True)
        self.pass_line.setObjectName("hint")
        vv = QVBoxLayout(self.verdict_card)
        for part in (self.verdict, self.result_title, self.score_line, self.score_bar,
                     self.pass_line):
            vv.addWidget(part)
        vv.addStretch(1)
        self.module_card = card_frame()
        self.module_heading = QLabel()
        bold = self.module_heading.font()
        bold.setBold(True)
        self.module_heading.setFont(bold)
        self.chart = ModuleChart()
        mv = QVBoxLayout(self.module_card)
        mv.addWidget(self.module_heading)
        mv.addWidget(self.chart)
        mv.addStretch(1)
        self.result = QTextBrowser()  # the review
        self.result.setObjectName("result")
        self.history_card = card_frame()
        self.history_heading = QLabel()
        self.history_heading.setFont(bold)
        self.history = QLabel(wordWrap=True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        hv = QVBoxLayout(self.history_card)
        hv.addWidget(self.history_heading)
        hv.addWidget(self.history)
        hv.addStretch(1)
        self.back, self.again = QPushButton(), QPushButton()
        self.back.clicked.connect(self.show_list)
        self.again.clicked.connect(self.try_again)
        done = QWidget()
        dv = QVBoxLayout(done)
        upper = QHBoxLayout()
        upper.addWidget(self.verdict_card, 1)
        upper.addWidget(self.module_card, 1)
        lower = QHBoxLayout()
        lower.addWidget(self.result, 3)
        lower.addWidget(self.history_card, 1)
        dv.addLayout(upper)
        dv.addLayout(lower, 1)
        done_buttons = QHBoxLayout()
        done_buttons.addWidget(self.back)
        done_buttons.addStretch(1)
        done_buttons.addWidget(self.again)
        dv.addLayout(done_buttons)
        for page in (choose, taking, done, rules_page):  # LIST, TAKING, RESULT, RULES
            self.stack.addWidget(page)
        QVBoxLayout(self).addWidget(self.stack)
        self.keys = PageKeys(self, self.handle_key)
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self._tick)
        ctx.language_changed.connect(self.retranslate)
        ctx.session_changed.connect(self._session_changed)
        ctx.when_changed(self, self.refresh, "quizzes", "quiz_rules", "quiz_assignments",
                         "attempts", "classes", "class_members", "trainees", "texts")
        self.retranslate()

    # -- list --------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Exams"))
        self.start_button.setText(_("&Open…"))
        self.rules_back.setText(_("Back to the list"))
        self.previous.setText(_("◀ Previous"))
        self.next.setText(_("Next ▶"))
        self.submit_button.setText(_("Su&bmit…"))
        self.back.setText(_("Back to the list"))
        self.again.setText(_("Try &again"))
        self.new_quiz.setText(_("&New quiz…"))
        self.edit_quiz.setText(_("&Edit…"))
        self.copy_quiz.setText(_("D&uplicate"))
        self.assign_quiz.setText(_("&Assign…"))
        self.check_quiz.setText(_("C&heck"))
        self.extra_button.setText(_("E&xtra time…"))
        self.export_button.setText(_("Export &results…"))
        self.legend.setText(_("● answered · ◐ partly · ○ not yet · ⚑ flagged")
                            .replace(" · ", "\n"))
        self.module_heading.setText(_("By module"))
        self.history_heading.setText(_("Your attempts"))
        for key, text in (("questions", _("Questions")), ("time", _("Time")),
                          ("pass", _("Pass mark")), ("attempts", _("Attempts")),
                          ("book", _("Book")), ("feedback", _("Feedback")),
                          ("resume", _("In progress"))):
            self.rule_labels[key][0].setText(text)
        self._flag_text()
        self.refresh()
        page = self.stack.currentIndex()
        if page == RULES and self.chosen:
            self.open_rules(self.chosen)
        elif self.attempt and page == TAKING:
            self._fill_navigator()
            self.go(self.index)
        elif self.attempt and page == RESULT:
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

    def assign(self) -> None:
        """Assign the quiz to a class, or to one trainee (tested apart from the class)."""
        quiz = self.selected()
        if not quiz:
            return
        store = self.ctx.store
        targets = [(_("Class: {name}").format(name=c.name), "class", c.uuid)
                   for c in store.classes.all()]
        targets += [(_("Trainee: {name}").format(name=p.name), "trainee", p.uuid)
                    for p in store.trainees.all()]
        chosen, ok = QInputDialog.getItem(self, _("Assign"), _("Assign to:"),
                                          [t[0] for t in targets], 0, False)
        if ok and chosen:
            _label, kind, uuid = next(t for t in targets if t[0] == chosen)
            if kind == "class":
                store.quizzes.assign(quiz, class_uuid=uuid)
            else:
                store.quizzes.assign(quiz, trainee_uuid=uuid)

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
        open_attempts = store.attempts.timed_in_progress()
        if not open_attempts:
            QMessageBox.information(self, _("Exams"), _("No timed exam is in progress."))
            return
        names = []
        for a in open_attempts:
            person = store.trainees.get(a.trainee_uuid)
            names.append(f"{person.name if person else '?'} — "
                         f"{quiz_title(store.quizzes.get(a.quiz_uuid, lang))}")
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
            # The languages content is written in; the others read it in Russian by design.
            problems = self.ctx.store.quizzes.problems(quiz, list(required_content()))
            QMessageBox.information(self, _("Exams"), "\n".join(problems) or _(
                "No problems: every rule can draw its questions, in every language."))

    def _session_changed(self) -> None:
        if self.attempt is not None and self.attempt.trainee_uuid != self.ctx.trainee:
            self.show_list()  # signed out mid-attempt: it resumes when they come back
        self.refresh()

    def _add_heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a section heading: not chosen
        font = QFont(self.quizzes.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        item.setFont(font)
        if self.quizzes.count():
            item.setSizeHint(QSize(0, QFontMetrics(font).height() * 2 + 8))  # room above
        self.quizzes.addItem(item)

    def refresh(self) -> None:
        self.trainer_tools.setVisible(self.ctx.trainer_unlocked)
        if self.stack.currentIndex() != LIST:
            return
        current = self.selected()
        self.quizzes.clear()
        trainee = self.ctx.trainee
        if trainee is None:
            self._describe()
            return
        store, lang = self.ctx.store, i18n.current_language()
        assigned = store.quizzes.for_trainee(trainee)
        if self.ctx.trainer_unlocked:  # a trainer can try any quiz (preview as a trainee)
            assigned += [q for q in store.quizzes.all_uuids() if q not in assigned]
        self_tests = [q for q in store.quizzes.self_tests() if q not in assigned]
        sections = [(_("Assigned to you"), assigned),
                    (_("Self-tests: practise on your own, as often as you like"),
                     self_tests)]
        for heading, quizzes in sections:
            if not quizzes:
                continue
            self._add_heading(heading)
            for quiz in quizzes:
                item = QListWidgetItem(self._list_line(quiz, trainee, lang))
                item.setData(QUIZ_ROLE, quiz)
                self.quizzes.addItem(item)
                if quiz == current:
                    self.quizzes.setCurrentItem(item)
        if self.quizzes.currentItem() is None:
            first = next((i for i in range(self.quizzes.count())
                          if self.quizzes.item(i).data(QUIZ_ROLE)), None)
            if first is not None:
                self.quizzes.setCurrentRow(first)
        self._describe()

    def _list_line(self, quiz: str, trainee: str, lang: str) -> str:
        """Two lines: the title; then questions, time, book and the result so far."""
        store = self.ctx.store
        found = store.quizzes.get(quiz, lang)
        details = [self._facts(quiz)]
        grade = store.attempts.grade(quiz, trainee)
        if store.attempts.open_attempt(quiz, trainee) is not None:
            details.append(_("in progress"))
        elif grade is not None:
            details.append((_("passed, {percent}") if grade.passed else
                            _("not passed, {percent}")).format(
                percent=i18n.format_percent((grade.percent or 0) / 100)))
        return quiz_title(found) + "\n" + " · ".join(details)

    def _facts(self, quiz: str) -> str:
        settings = self.ctx.store.quizzes.get(quiz, "en").settings
        count = self._question_count(quiz)
        return " · ".join([
            ngettext("{n} question", "{n} questions", count).format(n=count),
            _("{minutes} min").format(minutes=settings.time_limit_minutes)
            if settings.time_limit_minutes else _("No time limit"),
            _("Closed book") if settings.closed_book else _("Open book")])

    def _describe(self) -> None:
        quiz = self.selected()
        self.start_button.setEnabled(quiz is not None)
        # The quiz tools act on the selected quiz: enabled exactly when one is selected.
        # Self-tests are built in: not edited, assigned or copied.
        built_in = quiz is not None and self.ctx.store.quizzes.get(quiz, "en").settings.self_test
        for button in (self.edit_quiz, self.copy_quiz, self.assign_quiz, self.check_quiz):
            button.setEnabled(quiz is not None and not built_in)
        # The list says it all; the line below it speaks only when the list is empty.
        self.summary.setVisible(self.quizzes.count() == 0)
        self.summary.setText(_("No exam is assigned to you yet."))

    def _question_count(self, quiz: str) -> int:
        return len(self.ctx.store.quizzes.assemble(quiz, 0).items)

    def show_list(self) -> None:
        self.ticker.stop()
        self.ctx.end_exam()
        self.attempt = None
        self.chosen = None
        self.stack.setCurrentIndex(LIST)
        self.refresh()

    # -- rules -------------------------------------------------------------------------

    def open_rules(self, quiz: str | None = None) -> None:
        """Show what the attempt will be; the clock starts only with Start."""
        quiz = quiz or self.selected()
        trainee = self.ctx.trainee
        if quiz is None or trainee is None:
            return
        store, lang = self.ctx.store, i18n.current_language()
        self.chosen = quiz
        found = store.quizzes.get(quiz, lang)
        settings = found.settings
        self.rules_title.setText(quiz_title(found))
        count = self._question_count(quiz)
        used = len(store.attempts.history(quiz, trainee))
        open_attempt = store.attempts.open_attempt(quiz, trainee)
        left = max(0, settings.attempts_allowed - used) if settings.attempts_allowed else None
        values = {
            "questions": ngettext("{n} question", "{n} questions", count).format(n=count),
            "time": ngettext("{n} minute, counted from Start",
                             "{n} minutes, counted from Start",
                             settings.time_limit_minutes).format(
                n=settings.time_limit_minutes)
            if settings.time_limit_minutes else _("No time limit"),
            "pass": i18n.format_percent(settings.pass_mark / 100),
            "attempts": _("Unlimited") if left is None else ngettext(
                "{n} attempt left of {total}", "{n} attempts left of {total}", left).format(
                n=left, total=settings.attempts_allowed),
            "book": _("Closed book: Learn, Library, Identify, Practice and species cards are "
                      "closed until you submit.") if settings.closed_book else
            _("Open book: you may use Learn, Library and the species cards."),
            "feedback": _("Right or wrong is shown after each answer.")
            if settings.feedback_mode == "practice" else
            _("Results are shown after you submit."),
        }
        resume = ""
        if open_attempt is not None:
            states = store.attempts.completeness(open_attempt, lang)
            resume = _("{done} of {total} answered").format(
                done=states.count(ANSWERED), total=len(states))
            remaining = store.attempts.remaining_seconds(open_attempt)
            if remaining is not None:
                resume += " · " + _("Time left: {time}").format(time=clock_text(remaining))
        values["resume"] = resume
        for key, (caption, value) in self.rule_labels.items():
            value.setText(values[key])
            caption.setVisible(bool(values[key]))
            value.setVisible(bool(values[key]))
        style.set_state(self.rule_labels["book"][1],
                        "verify" if settings.closed_book else None)
        can_start = open_attempt is not None or left is None or left > 0
        self.begin_button.setEnabled(can_start and count > 0)
        self.begin_button.setText(_("&Continue") if open_attempt else _("&Start"))
        notes = []
        if not can_start:
            notes.append(_("No attempts left for this quiz."))
        elif count == 0:
            notes.append(_("This quiz has no questions."))
        else:
            notes.append(_("Every answer is saved at once. Keys: 1–9 choose, ← → move, "
                           "F flags, Ctrl+Enter submits."))
        self.rules_note.setText(" ".join(notes))
        self.stack.setCurrentIndex(RULES)
        self.begin_button.setFocus()

    # -- taking ------------------------------------------------------------------------

    def start(self) -> None:
        """Start (or resume) the attempt at the quiz whose rules are shown."""
        quiz = self.chosen
        if quiz is None or self.ctx.trainee is None:
            return
        try:
            self.attempt = self.ctx.store.attempts.start(quiz, self.ctx.trainee,
                                                         i18n.current_language())
        except QuizError as exc:
            QMessageBox.warning(self, _("Exams"), str(exc))
            return
        settings = self.ctx.store.quizzes.get(quiz, "en").settings
        if settings.closed_book:
            self.ctx.begin_exam(self.attempt.uuid)
        self.book_label.setText(_("Closed book until you submit.") if settings.closed_book
                                else _("Open book."))
        self.stack.setCurrentIndex(TAKING)
        self.ticker.start()
        given = self.ctx.store.attempts.answers(self.attempt.uuid)
        first_open = next((i for i, it in enumerate(self.attempt.items) if it["q"] not in given),
                          0)
        self.index = first_open
        self._fill_navigator()
        self.go(first_open)
        self._tick()

    def try_again(self) -> None:
        if self.attempt is not None:
            quiz = self.attempt.quiz_uuid
            self.show_list()
            self.open_rules(quiz)

    def _states(self) -> list[str]:
        if self.attempt is None:
            return []
        return self.ctx.store.attempts.completeness(self.attempt, i18n.current_language())

    def _fill_navigator(self) -> None:
        given = self.ctx.store.attempts.answers(self.attempt.uuid) if self.attempt else {}
        tips = {ANSWERED: _("Answered"), PARTIAL: _("Partly answered")}
        self.navigator.blockSignals(True)
        self.navigator.clear()
        items = self.attempt.items if self.attempt else []
        for n, (item, state) in enumerate(zip(items, self._states(), strict=True), 1):
            flagged = given.get(item["q"], {}).get("flagged")
            entry = QListWidgetItem(f"{MARKS.get(state, NOT_ANSWERED_MARK)} {n}"
                                    + ("  ⚑" if flagged else ""))
            tip = tips.get(state, _("Not answered"))
            entry.setToolTip(tip + (" · " + _("Flagged for review") if flagged else ""))
            entry.setData(QUIZ_ROLE, state)
            if state == PARTIAL:
                entry.setForeground(QColor(style.state_colour("verify")))
            self.navigator.addItem(entry)
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
        style.set_state(self.feedback, "pass" if got == 1 else "fail" if got == 0 else
                        "verify")
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
        if self.attempt is not None and self.stack.currentIndex() == TAKING:
            self.ticker.start()
            self._tick()  # time ran on while another page was shown

    def hideEvent(self, event) -> None:
        # The deadline lives in the database; the ticker only redraws it while visible,
        # except during a closed-book exam, whose end (time up) reopens the other pages.
        if not self.ctx.exam_in_progress:
            self.ticker.stop()
        super().hideEvent(event)

    def _tick(self) -> None:
        current = self.ctx.store.attempts.get(self.attempt.uuid) if self.attempt else None
        if current is None:
            return
        left = self.ctx.store.attempts.remaining_seconds(current)
        if left is None:
            self.timer_label.setText(_("No time limit"))
            return
        self.timer_label.setText(_("Time left: {time}").format(time=clock_text(left)))
        if left == 0:
            self.ctx.store.attempts.submit_overdue()
            self.show_result()

    def unanswered(self) -> list[int]:
        return [n for n, state in enumerate(self._states(), 1)
                if state not in (ANSWERED, PARTIAL)]

    def partly_answered(self) -> list[int]:
        return [n for n, state in enumerate(self._states(), 1) if state == PARTIAL]

    def confirm_submit(self) -> None:
        missing, partial = self.unanswered(), self.partly_answered()
        text = _("Submit your answers? You cannot change them afterwards.")
        if missing:
            text += "\n\n" + _("Not answered: {numbers}").format(
                numbers=", ".join(str(n) for n in missing))
        if partial:
            text += "\n\n" + _("Partly answered: {numbers}").format(
                numbers=", ".join(str(n) for n in partial))
        if QMessageBox.question(self, _("Submit"), text) == QMessageBox.StandardButton.Yes:
            self.submit()

    def submit(self) -> None:
        if self.attempt is not None:
            self.ctx.store.attempts.submit(self.attempt.uuid)
            self.show_result()

    def handle_key(self, event: QKeyEvent) -> bool:
        if self.stack.currentIndex() != TAKING:  # keys steer the exam only while taking it
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
        self.ctx.end_exam()
        if self.attempt is None:
            return
        store, lang = self.ctx.store, i18n.current_language()
        result = store.attempts.result(self.attempt.uuid)
        attempt = result.attempt
        quiz = store.quizzes.get(attempt.quiz_uuid, lang)
        settings = quiz.settings
        percent = attempt.percent or 0.0
        self.verdict.setText(_("Passed") if attempt.passed else _("Not passed"))
        style.set_state(self.verdict, "pass" if attempt.passed else "fail")
        style.set_state(self.verdict_card, "pass" if attempt.passed else "fail")
        self.result_title.setText(quiz_title(quiz))
        self.score_bar.set_score(percent, settings.pass_mark)
        style.set_state(self.score_bar, "pass" if attempt.passed else "fail")
        self.score_line.setText(_("Score: {percent}").format(
            percent=i18n.format_percent(percent / 100)))
        self.pass_line.setText(_("Pass mark: {percent}").format(
            percent=i18n.format_percent(settings.pass_mark / 100)) + " · " + _(
            "{points} of {total} points").format(
            points=i18n.format_number(attempt.score or 0),
            total=i18n.format_number(attempt.max_score or 0)))
        rows = []
        for module, (points, count) in result.per_module.items():
            title = store.texts.get("modules", module, "title", lang) if module else None
            rows.append((title.value if title else _("Other"), points / count if count else 0))
        self.chart.set_rows(rows, settings.pass_mark / 100)
        self.module_card.setVisible(settings.review in ("score", "answers"))
        self.result.setVisible(settings.review == "answers")
        if settings.review == "answers":
            self.result.setHtml(self._review_html(attempt, result.per_question))
        history = [a for a in store.attempts.history(attempt.quiz_uuid, attempt.trainee_uuid)
                   if a.submitted_at]
        lines = []
        for n, past in enumerate(history, 1):
            colour = style.state_colour("pass" if past.passed else "fail")
            mark = "✓" if past.passed else "✗"
            line = (f"{n}. {html.escape(_date(past.submitted_at))} "
                    f"<span style='color:{colour}'>{mark} "
                    f"{i18n.format_percent((past.percent or 0) / 100)}</span>")
            lines.append(f"<b>{line}</b>" if past.uuid == attempt.uuid else line)
        self.history.setText("<br>".join(lines))
        used = len(store.attempts.history(attempt.quiz_uuid, attempt.trainee_uuid))
        self.again.setVisible(not settings.attempts_allowed or used < settings.attempts_allowed)
        self.stack.setCurrentIndex(RESULT)

    def _review_html(self, attempt: Attempt, per_question: dict[str, float]) -> str:
        store, lang = self.ctx.store, i18n.current_language()
        given = store.attempts.answers(attempt.uuid)
        parts = ["<h3>{}</h3><ol>".format(html.escape(_("Review")))]
        colours = {m: style.state_colour(s) for m, s in (("✓", "pass"), ("½", "verify"),
                                                           ("✗", "fail"))}
        for item in attempt.items:
            question = store.questions.get(item["q"], lang)
            if question is None:
                continue
            got = per_question.get(item["q"], 0.0)
            mark = "✓" if got == 1 else ("½" if got > 0 else "✗")
            right = _describe_response(question, correct_response(question))
            yours = _describe_response(question, given.get(item["q"], {}).get("response"))
            stem = html.escape(question.stem.value if question.stem else "")
            yours_line = html.escape(_("Your answer: {answer}").format(answer=yours))
            right_line = html.escape(_("Correct answer: {answer}").format(answer=right))
            parts.append(f"<li><b><span style='color:{colours[mark]}'>{mark}</span> {stem}"
                         f"</b><br>{yours_line}<br>{right_line}")
            if question.feedback:
                parts.append(f"<br><i>{html.escape(question.feedback.value)}</i>")
            parts.append("</li>")
        parts.append("</ol>")
        return "".join(parts)


def _date(moment: str | None) -> str:
    return i18n.format_date(dt.date.fromisoformat(moment[:10]), "medium") if moment else ""


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
