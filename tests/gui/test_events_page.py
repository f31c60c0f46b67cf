"""A trainer runs a training event in the app: create it, import the roster, assign the
pre- and post-test, officers take them, attendance, the dashboard, both certificate kinds."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.scoring import correct_response
from idtrainer.gui.events import EventDialog
from idtrainer.gui.main_window import PAGES


def go(window, key):
    window.go_to([k for k, _label in PAGES].index(key))
    return window.page(key)


def take(store, quiz, trainee, right):
    attempt = store.attempts.start(quiz, trainee, "ru", seed=5)
    for item in attempt.items[:right]:
        store.attempts.answer(attempt.uuid, item["q"], correct_response(
            store.questions.get(item["q"], "ru")))
    store.attempts.submit(attempt.uuid)


def test_a_whole_training_event_in_the_app(signed_in, qtbot, tmp_path, monkeypatch):
    window = signed_in
    store = window.ctx.store
    nav = [k for k, _label in PAGES]
    assert window.nav.item(nav.index("events")).isHidden()  # trainer mode only
    store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    assert not window.nav.item(nav.index("dashboard")).isHidden()
    questions = [r["uuid"] for r in store.query(
        "SELECT uuid FROM questions WHERE qtype = 'image' ORDER BY slug LIMIT 5")]
    rules = [Rule("fixed", question=q) for q in questions]
    pre = store.quizzes.save("Входной тест", QuizSettings(pass_mark=60), rules)
    post = store.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60), rules)
    page = go(window, "events")
    assert not page.roster_button.isEnabled()

    dialog = EventDialog(window.ctx, page)
    dialog.name.setText("Хоргос, ноябрь")
    dialog.place.setText("Хоргос")
    dialog.pre.setCurrentIndex(dialog.pre.findData(pre))
    dialog.post.setCurrentIndex(dialog.post.findData(post))
    dialog._save()
    assert dialog.saved and not dialog.error.text()
    qtbot.wait(50)  # the queued change notification reaches the views
    page.select_event(dialog.saved)
    event = store.events.get(dialog.saved)
    assert event.pre_quiz == pre and event.post_quiz == post
    klass = page.new_class("Группа 1")
    assert page.current_class() == klass and page.roster_button.isEnabled()

    roster = tmp_path / "roster.csv"
    roster.write_bytes("ФИО;Пол;Ведомство\r\nАсанов Бек;м;КГД\r\nБекова Айша;ж;КГД\r\n"
                       .encode("cp1251"))
    importer = page.import_roster(str(roster))
    assert importer.table.encoding == "cp1251"
    assert importer.encoding.itemText(0) == "detect (Windows-1251)"
    assert importer.preview.item(1, 0).text() == "Бекова Айша"
    assert importer.preview.item(1, 1).text() == "ж"
    importer.do_import()
    assert importer.imported.added == 2 and not importer.error.text()
    assert page.table.rowCount() == 2
    # The tests were assigned to the class: each officer sees them.
    people = {p.name: p.uuid for p in store.classes.members(klass)}
    assert {pre, post} <= set(store.quizzes.for_trainee(people["Бекова Айша"]))
    take(store, pre, people["Асанов Бек"], 1)
    take(store, post, people["Асанов Бек"], 4)
    take(store, pre, people["Бекова Айша"], 2)
    take(store, post, people["Бекова Айша"], 2)
    qtbot.wait(50)  # the queued change notification reaches the views

    first_day = page.table.item(0, 2)
    first_day.setCheckState(Qt.CheckState.Checked)  # Асанов present on day 1
    assert store.events.attendance(event.uuid) == {people["Асанов Бек"]: {event.starts_on}}
    assert page.table.item(0, page.table.columnCount() - 2).text() == "0.75"

    board = go(window, "dashboard")
    assert board.event_box.currentData() == event.uuid and board.quiz.currentData() == post
    assert "Officers: 2 (women 1, men 1)" in board.summary.text()
    assert board.questions.rowCount() == 5
    assert board.top.text() == "Top scorers: 1. Асанов Бек (80); 2. Бекова Айша (40)"
    assert board.histogram.bins[8] == 1 and board.histogram.bins[4] == 1
    png = tmp_path / "hist.png"
    assert board.boxes[0].save_png(png) and png.stat().st_size > 0
    board.klass.setCurrentIndex(board.klass.findData(klass))
    assert "Officers: 2" in board.summary.text()

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    go(window, "events")
    page.print_certificates("attendance", tmp_path / "attendance.pdf")
    page.print_certificates("achievement", tmp_path / "achievement.pdf")
    attendance = PdfReader(tmp_path / "attendance.pdf").pages
    achievement = PdfReader(tmp_path / "achievement.pdf").pages
    assert len(attendance) == 1 and "Асанов Бек" in attendance[0].extract_text()
    assert len(achievement) == 1 and "Асанов Бек" in achievement[0].extract_text()
    page.save_report(tmp_path / "event.xlsx")
    assert (tmp_path / "event.xlsx").stat().st_size > 0


def test_duplicates_are_merged_on_request(signed_in, monkeypatch, qtbot):
    window = signed_in
    store = window.ctx.store
    store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    page = go(window, "events")
    one, _ = store.trainees.upsert("Ким Ирина", agency="ГТК")
    two = store.trainees.create("Ким Ирина")
    store.trainees.update(two, agency="ГТК")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    page.merge_duplicates()
    assert asked and "Ким Ирина" in asked[0]
    assert store.trainees.canonical(two) == one and store.trainees.possible_duplicates() == []


def test_a_new_officer_finds_their_name_from_the_roster(window, qtbot):
    store = window.ctx.store
    for name, agency, post in (("Серікбаев Нұрлан", "КГД", "Хоргос"),
                               ("Серікбаев Нұрлан", "КГД", "Нұр Жолы"),
                               ("Иванова Ольга", "КГД", "")):
        uuid = store.trainees.create(name)
        store.trainees.update(uuid, agency=agency, subdivision=post)
    qtbot.wait(50)  # the queued change notification reaches the views
    start = window.start
    start.find_name.setText("нұр жолы")
    shown = [start.profiles.item(i) for i in range(start.profiles.count())
             if not start.profiles.item(i).isHidden()]
    assert [i.text() for i in shown] == ["Серікбаев Нұрлан  (КГД, Нұр Жолы)"]
    assert start.selected() == shown[0].data(Qt.ItemDataRole.UserRole)
    start.find_name.setText("Петров")
    assert start.selected() is None and not start.start_button.isEnabled()
    start.find_name.clear()
    start.profiles.setCurrentRow(0)
    start.start(False)
    assert window.ctx.trainee is not None


def test_merge_a_selected_officer_templates_and_programme_report(signed_in, tmp_path,
                                                                  monkeypatch, qtbot):
    from openpyxl import load_workbook

    from idtrainer.gui.certificates import TemplateDialog

    window = signed_in
    store = window.ctx.store
    store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    event = store.events.save("Ош", "2026-10-01", "2026-10-02")
    klass = store.events.new_class(event, "Группа")
    roster, _ = store.trainees.upsert("Токтогулов Азамат", gender="m", agency="ГТС")
    typed = store.trainees.create("Азамат Т.")  # typed on a laptop before the roster came
    for person in (roster, typed):
        store.classes.add_member(klass, person)
        store.events.set_attendance(event, person, "2026-10-01", True)
    page = go(window, "events")
    qtbot.wait(50)  # the queued change notification reaches the views
    page.select_event(event)
    row = next(r for r in range(page.table.rowCount())
               if page.table.item(r, 0).text() == "Азамат Т.")
    page.table.setCurrentCell(row, 0)
    page.merge_selected(into=roster)
    assert store.trainees.canonical(typed) == roster and page.table.rowCount() == 1

    dialog = TemplateDialog(window.ctx, page, "attendance")
    dialog.organisation.setText("Государственная таможенная служба")
    dialog._save()
    assert store.certificates.template("attendance").organisation.startswith("Государ")
    assert store.certificates.template("achievement").organisation == ""

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    out = tmp_path / "programme.xlsx"
    page.programme_report(out, "2026-01-01", "2026-12-31")
    summary = dict(load_workbook(out)["Summary"].iter_rows(values_only=True))
    assert summary["People trained"] == "1" and summary["Events held"] == "1"
