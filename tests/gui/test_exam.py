from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QMessageBox

from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.scoring import correct_response
from idtrainer.gui.exam import LIST, QUIZ_ROLE, RESULT, RULES, TAKING
from idtrainer.gui.main_window import CLOSED_DURING_EXAM, PAGES


def open_exams(window):
    window.go_to([key for key, _label in PAGES].index("exams"))
    return window.exams


def quiz_rows(page):
    """The quizzes listed (section headings left out), as (uuid, text)."""
    items = [page.quizzes.item(i) for i in range(page.quizzes.count())]
    return [(i.data(QUIZ_ROLE), i.text()) for i in items if i.data(QUIZ_ROLE)]


def begin(page, quiz=None):
    """Open the quiz's rules screen from the list, then press Start."""
    if quiz is not None:
        row = next(i for i in range(page.quizzes.count())
                   if page.quizzes.item(i).data(QUIZ_ROLE) == quiz)
        page.quizzes.setCurrentRow(row)
    page.start_button.click()
    assert page.stack.currentIndex() == RULES
    page.begin_button.click()


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
    assert quiz_rows(page)[0][0] == quiz and "3 questions" in quiz_rows(page)[0][1]
    begin(page, quiz)
    assert page.stack.currentIndex() == TAKING
    assert "Time left: 20:00" in page.timer_label.text()
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
    assert asked and page.stack.currentIndex() == RESULT
    assert page.verdict.text() == "Passed" and page.score_bar.value() == 100
    assert "Your answer" in page.result.toPlainText()
    assert store.attempts.get(attempt.uuid).passed


def test_submit_lists_unanswered_and_the_exam_resumes(signed_in, qtbot, monkeypatch):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("True or false", QuizSettings(),
                              [Rule("random", count=4, filter={"types": ["truefalse"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    begin(page, quiz)
    page.view.choose(1)  # answer only the first
    first = page.attempt
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.No)
    page.confirm_submit()
    assert "Not answered: 2, 3, 4" in asked[0] and page.stack.currentIndex() == TAKING
    page.show_list()  # leave (as if the app were closed) and come back
    begin(page, quiz)
    assert page.attempt.uuid == first.uuid and page.index == 1  # first open question
    page.go(0)
    assert page.view.buttons[0].isChecked()


def test_the_builder_makes_a_quiz_with_a_random_rule_that_a_trainee_takes(signed_in, qtbot,
                                                                         monkeypatch):
    from idtrainer.gui.quiz_builder import QuizBuilderDialog

    window = signed_in
    store = window.ctx.store
    store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    page = open_exams(window)
    assert page.trainer_tools.isVisible()
    dialog = QuizBuilderDialog(window.ctx, page)
    qtbot.addWidget(dialog)
    dialog.title.setText("Falcons and eagles")
    dialog.time_limit.setValue(15)
    dialog.pass_mark.setValue(80)
    count, _module, types, _difficulty = (dialog.rules.cellWidget(0, c) for c in range(4))
    count.setValue(5)
    types.setCurrentIndex(types.findData("image"))
    assert int(dialog.rules.cellWidget(0, 6).text()) >= 5 and not dialog.warnings.text()
    dialog.rules.cellWidget(0, 4).setText("no-such-tag")
    assert dialog.rules.cellWidget(0, 6).text() == "0" and "can draw only" in \
        dialog.warnings.text()
    dialog.rules.cellWidget(0, 4).setText("")
    count.setValue(400)
    assert "can draw only" in dialog.warnings.text()  # warned before saving
    count.setValue(5)
    dialog._save()
    assert dialog.result() == QuizBuilderDialog.DialogCode.Accepted
    quiz = store.quizzes.get(dialog.quiz, "en")
    assert (quiz.title, quiz.settings.time_limit_minutes, quiz.settings.pass_mark) == (
        "Falcons and eagles", 15, 80)
    assert quiz.rules[0].count == 5 and quiz.rules[0].filter == {"types": ["image"]}
    page.refresh()
    page.quizzes.setCurrentRow(1)  # row 0 is the section heading
    # the new quiz can be edited
    assert page.selected() == dialog.quiz and page.edit_quiz.isEnabled()

    klass = store.classes.create("Almaty")
    store.classes.add_member(klass, window.ctx.trainee)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getItem",
                        lambda *a, **k: ("Class: Almaty", True))
    page.refresh()
    page.quizzes.setCurrentRow(1)
    page.assign()
    window.ctx.lock_trainer()
    page.refresh()
    assert len([q for q in quiz_rows(page) if q[0] == quiz.uuid]) == 1
    assert not page.trainer_tools.isVisible()
    begin(page, quiz.uuid)
    assert len(page.attempt.items) == 5
    assert all(store.questions.get(i["q"], "en").qtype == "image" for i in page.attempt.items)


def test_practice_with_the_keyboard(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    window.go_to([key for key, _label in PAGES].index("practice"))
    page = window.practice
    assert page.card is not None and "20" in page.count.text()
    first = page.card.key
    focus = page.show_button
    key(qtbot, focus, Qt.Key.Key_3)  # rating before seeing the answer does nothing
    assert page.card.key == first
    assert page.show_button.isEnabled()
    assert not any(b.isEnabled() for b in page.rate_buttons.values())
    key(qtbot, focus, Qt.Key.Key_Space)
    assert page.answer.isVisible()
    assert not page.show_button.isEnabled()  # shown once: only rating makes sense now
    assert all(b.isEnabled() for b in page.rate_buttons.values())
    key(qtbot, focus, Qt.Key.Key_3)
    assert page.card.key != first and "19" in page.count.text()
    assert "1 reviewed" in page.count.text() and page.day.value() == 1
    assert page.day.maximum() == 20
    assert store.count("practice_reviews") == 1
    window.ctx.sign_out()
    window.start.refresh()
    assert "19" in window.start.due.text()


def test_practice_mode_explains_each_answer_at_once(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Drill", QuizSettings(feedback_mode="practice"),
                              [Rule("random", count=2, filter={"types": ["truefalse"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    begin(page, quiz)
    assert not page.feedback.isVisible()
    question = page.view.question
    wrong = 2 if question.answer["value"] else 1  # 1 = True, 2 = False
    page.view.choose(wrong)
    assert page.feedback.isVisible() and "Not right" in page.feedback.text()
    page.view.choose(3 - wrong)
    assert "Right." in page.feedback.text()


def test_trainer_grants_extra_time_and_exports_results(signed_in, qtbot, tmp_path,
                                                       monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Timed", QuizSettings(time_limit_minutes=10),
                              [Rule("random", count=2, filter={"types": ["appendix"]})])
    attempt = store.attempts.start(quiz, window.ctx.trainee, "en")
    before = store.attempts.remaining_seconds(attempt)
    store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    page = open_exams(window)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][0], True))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (15, True))
    page.grant_extra_time()
    after = store.attempts.remaining_seconds(store.attempts.get(attempt.uuid))
    assert after - before >= 15 * 60 - 2
    store.attempts.submit(attempt.uuid)
    out = tmp_path / "results.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    page.export_results()
    assert "Timed" in out.read_text(encoding="utf-8-sig")


def test_builder_keeps_fixed_questions_before_random_rules(signed_in, qtbot):
    from idtrainer.gui.quiz_builder import QuizBuilderDialog

    window = signed_in
    store = window.ctx.store
    chosen = store.questions.uuids()[:2]
    dialog = QuizBuilderDialog(window.ctx)
    qtbot.addWidget(dialog)
    dialog.title.setText("Mixed")
    for question in chosen:
        dialog.add_fixed(question)
    dialog.add_fixed(chosen[0])  # twice: listed once
    assert dialog.fixed.count() == 2
    dialog._save()
    rules = store.quizzes.get(dialog.quiz, "en").rules
    assert [r.question for r in rules[:2]] == chosen and rules[2].kind == "random"
    again = QuizBuilderDialog(window.ctx, quiz=dialog.quiz)  # editing shows them again
    qtbot.addWidget(again)
    assert again.fixed.count() == 2 and again.rules.rowCount() == 1


def test_practice_keys_do_nothing_once_another_page_is_shown(signed_in, qtbot):
    window = signed_in
    window.go_to([k for k, _label in PAGES].index("practice"))
    window.practice.reveal()  # a card waits for its rating
    window.go_to([k for k, _label in PAGES].index("library"))
    key(qtbot, window.library.search, Qt.Key.Key_3)  # typing in the library search
    assert window.ctx.store.count("practice_reviews") == 0


def test_builder_picks_species_by_name_in_the_interface_language(signed_in, qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from idtrainer.core import i18n
    from idtrainer.gui.quiz_builder import QuizBuilderDialog

    window = signed_in
    store = window.ctx.store
    window.ctx.set_language("kk")
    dialog = QuizBuilderDialog(window.ctx)
    qtbot.addWidget(dialog)
    assert dialog.time_limit.suffix().strip() == i18n.gettext("min") == "мин"
    picker = dialog.rules.cellWidget(0, 5)
    before = int(dialog.rules.cellWidget(0, 6).text())

    def choose(box: QDialog) -> int:
        search, listing = box.findChildren(QLineEdit)[0], box.findChildren(QListWidget)[0]
        search.setText("ақбөкен")  # the saiga, typed in Kazakh
        visible = [listing.item(i) for i in range(listing.count())
                   if not listing.item(i).isHidden()]
        assert len(visible) == 1 and "Saiga tatarica" in visible[0].text()
        visible[0].setCheckState(Qt.CheckState.Checked)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", choose)
    picker.choose()
    saiga = store.species.uuid_for("saiga-tatarica")
    assert picker.chosen == [saiga] and "Ақбөкен" in picker.button.text()
    assert 0 < int(dialog.rules.cellWidget(0, 6).text()) < before
    assert dialog.rule_at(0).filter == {"species": [saiga]}
    window.ctx.set_language("en")


def nav_state(window, key):
    item = window.nav.item([k for k, _label in PAGES].index(key))
    return bool(item.flags() & Qt.ItemFlag.ItemIsEnabled), item.toolTip()


def test_the_rules_screen_comes_first_and_start_starts_the_clock(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Timed rules", QuizSettings(time_limit_minutes=20, pass_mark=60,
                                                          attempts_allowed=2),
                              [Rule("random", count=3, filter={"types": ["appendix"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    page.start_button.click()
    assert page.stack.currentIndex() == RULES
    shown = {k: v.text() for k, (_c, v) in page.rule_labels.items()}
    assert shown["questions"] == "3 questions" and "20 minutes" in shown["time"]
    assert shown["pass"] == "60%" and shown["attempts"] == "2 attempts left of 2"
    assert shown["book"].startswith("Closed book")
    assert store.count("attempts") == 0 and not page.ticker.isActive()  # no clock yet
    page.rules_back.click()  # changing one's mind costs nothing
    assert page.stack.currentIndex() == LIST and store.count("attempts") == 0
    begin(page, quiz)
    assert store.count("attempts") == 1 and page.ticker.isActive()
    assert page.timer_label.text() == "Time left: 20:00"
    page.show_list()
    page.start_button.click()  # an open attempt: the rules say so and offer Continue
    assert "0 of 3 answered" in page.rule_labels["resume"][1].text()
    assert page.begin_button.text() == "&Continue"


def test_closed_book_closes_the_other_pages_and_cards_until_submitted(signed_in, qtbot,
                                                                      monkeypatch):
    window = signed_in
    store = window.ctx.store
    card = window.open_species(store.species.uuid_for("saiga-tatarica"))
    assert card.isVisible()
    quiz = store.quizzes.save("Closed", QuizSettings(),
                              [Rule("random", count=2, filter={"types": ["truefalse"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    begin(page, quiz)
    assert window.ctx.exam_in_progress
    for key_ in CLOSED_DURING_EXAM:
        enabled, why = nav_state(window, key_)
        assert not enabled and "opens again when you submit" in why
        row = [k for k, _label in PAGES].index(key_)
        assert not window.page_actions[row].isEnabled()
        window.go_to(row)
        assert window.pages.currentWidget() is page  # still on the exam
    assert nav_state(window, "certificates")[0]  # the rest stays open
    assert not card.isVisible() and window.open_species(store.species.uuid_for(
        "saiga-tatarica")) is None
    assert not window.search_action.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    page.confirm_submit()
    assert page.stack.currentIndex() == RESULT and not window.ctx.exam_in_progress
    for key_ in CLOSED_DURING_EXAM:
        assert nav_state(window, key_) == (True, "")
    assert card.isVisible()
    window.go_to(0)
    assert window.pages.currentWidget() is window.learn


def test_open_book_and_practice_quizzes_leave_everything_open(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    for settings in (QuizSettings(open_book=True), QuizSettings(feedback_mode="practice")):
        quiz = store.quizzes.save("Open", settings,
                                  [Rule("random", count=1, filter={"types": ["truefalse"]})])
        store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
        page = open_exams(window)
        qtbot.waitUntil(lambda q=quiz, p=page: q in [u for u, _text in quiz_rows(p)])
        begin(page, quiz)
        assert not window.ctx.exam_in_progress and nav_state(window, "library")[0]
        page.submit()
        page.show_list()


def test_signing_out_mid_exam_reopens_the_pages(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Closed", QuizSettings(),
                              [Rule("random", count=2, filter={"types": ["truefalse"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    begin(page, quiz)
    window.ctx.sign_out()
    assert not window.ctx.exam_in_progress and page.attempt is None
    assert nav_state(window, "learn")[0]


def test_a_partly_answered_matching_question_is_shown_as_partial(signed_in, qtbot,
                                                                 monkeypatch):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Pairs", QuizSettings(),
                              [Rule("random", count=2, filter={"types": ["matching"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    begin(page, quiz)
    combos = list(page.view.combos.values())
    assert len(combos) >= 2
    combos[0].setCurrentIndex(1)  # one pair of several
    first = page.navigator.item(0)
    assert first.text().startswith("◐") and first.toolTip() == "Partly answered"
    assert page.unanswered() == [2] and page.partly_answered() == [1]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.No)
    page.confirm_submit()
    assert "Partly answered: 1" in asked[0] and "Not answered: 2" in asked[0]
    for combo in combos:
        combo.setCurrentIndex(1)
    assert page.navigator.item(0).text().startswith("●")
    assert page.navigator.item(0).toolTip() == "Answered" and page.partly_answered() == []
    old = list(combos)
    page.go(1)  # the previous question's rows are gone at once, not drawn under the new
    assert not any(c.isVisible() for c in old)


def test_a_fresh_officer_takes_a_self_test_nobody_assigned(signed_in, qtbot, monkeypatch):
    window = signed_in
    store = window.ctx.store
    assert store.quizzes.for_trainee(window.ctx.trainee) == []
    page = open_exams(window)
    listed = quiz_rows(page)
    self_tests = store.quizzes.self_tests()
    assert [q for q, _text in listed] == self_tests and len(self_tests) >= 3
    assert all(text.startswith("Self-test: ") for _q, text in listed)
    assert page.start_button.isEnabled()
    page.start_button.click()
    assert page.rule_labels["attempts"][1].text() == "Unlimited"
    assert page.rule_labels["time"][1].text() == "No time limit"
    page.begin_button.click()
    assert page.stack.currentIndex() == TAKING and not window.ctx.exam_in_progress
    assert page.timer_label.text() == "No time limit"
    question = page.view.question
    page.view.answered.emit(correct_response(question))  # as the view does on any change
    assert page.feedback.isVisible() and "Right." in page.feedback.text()  # at once
    page.submit()
    assert page.stack.currentIndex() == RESULT
    assert page.verdict.property("state") == "fail"  # one answer of many: not passed
    assert page.verdict_card.property("state") == "fail"
    assert page.chart.rows and page.again.isVisible()
    assert question.stem.value in page.result.toPlainText()
    page.again.click()  # unlimited attempts: straight back to the rules
    assert page.stack.currentIndex() == RULES


def test_the_result_page_shows_a_pass_in_colour_with_past_attempts(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Pass me", QuizSettings(pass_mark=50, review="score"),
                              [Rule("random", count=2, filter={"types": ["truefalse"]})])
    store.quizzes.assign(quiz, trainee_uuid=window.ctx.trainee)
    page = open_exams(window)
    for _round in range(2):
        begin(page, quiz)
        for item in page.attempt.items:
            store.attempts.answer(page.attempt.uuid, item["q"],
                                  correct_response(store.questions.get(item["q"], "en")))
        page.submit()
        page.show_list()
    page.attempt = store.attempts.history(quiz, window.ctx.trainee)[-1]
    page.show_result()
    assert page.verdict.text() == "Passed" and page.verdict.property("state") == "pass"
    assert page.score_bar.value() == 100 and page.score_bar.property("state") == "pass"
    assert page.module_card.isVisibleTo(page) and not page.result.isVisibleTo(page)
    assert page.history.text().count("100%") == 2
