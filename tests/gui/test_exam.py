from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.scoring import correct_response
from idtrainer.gui.main_window import PAGES


def open_exams(window):
    window.go_to([key for key, _label in PAGES].index("exams"))
    return window.exams


def key(qtbot, widget, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, k, modifier)


def test_a_trainee_takes_an_exam_with_the_keyboard_only(signed_in, qtbot, monkeypatch):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Appendix check", QuizSettings(time_limit_minutes=20,
                                                             pass_mark=50, review="answers"),
                              [Rule("random", count=3, filter={"types": ["appendix"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    assert page.quizzes.count() == 1 and "3" in page.rules.text()
    page.start_button.click()
    assert page.stack.currentIndex() == 1 and "Time left: 20:00" in page.timer_label.text()
    attempt = page.attempt
    for n, item in enumerate(attempt.items):
        target = correct_response(store.questions.get(item["q"], "en"))["appendix"]
        number = ["I", "II", "III", "none"].index(target) + 1
        focus = page.view.buttons[0]  # keys arrive while an option has focus
        key(qtbot, focus, getattr(Qt.Key, f"Key_{number}"))
        saved = store.attempts.answers(attempt.uuid)[item["q"]]["response"]
        assert saved == {"appendix": target}  # saved at once
        if n == 0:
            key(qtbot, focus, Qt.Key.Key_F)  # flag the first one
        key(qtbot, focus, Qt.Key.Key_Return)
    assert store.attempts.answers(attempt.uuid)[attempt.items[0]["q"]]["flagged"]
    assert page.unanswered() == []
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    key(qtbot, page.view.buttons[0], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked and page.stack.currentIndex() == 2
    text = page.result.toPlainText()
    assert "Passed" in text and "100%" in text and "Your answer" in text
    assert store.attempts.get(attempt.uuid).passed


def test_submit_lists_unanswered_and_the_exam_resumes(signed_in, qtbot, monkeypatch):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("True or false", QuizSettings(),
                              [Rule("random", count=4, filter={"types": ["truefalse"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    page.start_button.click()
    page.view.choose(1)  # answer only the first
    first = page.attempt
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.No)
    page.confirm_submit()
    assert "Not answered: 2, 3, 4" in asked[0] and page.stack.currentIndex() == 1
    page.show_list()  # leave (as if the app were closed) and come back
    page.start_button.click()
    assert page.attempt.uuid == first.uuid and page.index == 1  # first open question
    page.go(0)
    assert page.view.buttons[0].isChecked()
