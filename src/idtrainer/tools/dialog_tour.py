"""Every dialog of the app, opened one after the other over a prepared demo state, for
the screenshots (``python -m idtrainer.tools.screenshots``) and for the no-clipping test
(tests/gui/test_no_clipping.py).

``tour(window, visit)`` calls ``visit(name, dialog)`` for each dialog while it is shown.
Dialogs the app builds itself are made here; the ones Qt's static functions build
(``QMessageBox.question``, ``QInputDialog.getText``, ...) are reached through the app's own
code path and caught while they run modally. ``clipped(widget)`` lists the labels and
buttons whose text does not fit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QStyle,
    QTabBar,
    QWidget,
)

if TYPE_CHECKING:
    from idtrainer.gui.main_window import MainWindow

Visit = Callable[[str, QWidget], None]

#: The screen every dialog and page must fit.
SCREEN = (1366, 768)
TRAINER_PASSWORD = "steppe-eagle-7"


def clipped(root: QWidget) -> list[str]:
    """Visible labels, buttons, tabs and combo boxes whose text needs more room than
    they have: wider than the widget without word wrap, or taller with it."""
    out = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or widget.width() == 0:
            continue
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            hint = widget.sizeHint()
            if not widget.wordWrap() and hint.width() > widget.width() + 1:
                out.append(f"label {widget.text()!r}: {hint.width()} > {widget.width()}")
            elif widget.wordWrap() and widget.hasHeightForWidth() and \
                    widget.heightForWidth(widget.width()) > widget.height() + 1:
                out.append(f"label {widget.text()!r}: cut at the bottom "
                           f"({widget.heightForWidth(widget.width())} > {widget.height()})")
        elif (isinstance(widget, QAbstractButton) and widget.text()
              and widget.sizeHint().width() > widget.width() + 1):
            out.append(f"button {widget.text()!r}: {widget.sizeHint().width()} > "
                       f"{widget.width()}")
        elif isinstance(widget, QHeaderView) and widget.orientation() == \
                Qt.Orientation.Horizontal:
            model = widget.model()
            for i in range(widget.count()):
                text = str(model.headerData(i, Qt.Orientation.Horizontal) or "")
                if not text or widget.isSectionHidden(i):
                    continue
                need = max(widget.fontMetrics().horizontalAdvance(line)
                           for line in text.splitlines()) + 2 * widget.style().pixelMetric(
                    QStyle.PixelMetric.PM_HeaderMargin, None, widget)
                if need > widget.sectionSize(i) + 1:
                    out.append(f"column {text!r}: {need} > {widget.sectionSize(i)}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i) and widget.tabSizeHint(i).width() > \
                        widget.tabRect(i).width() + 1:
                    out.append(f"tab {widget.tabText(i)!r}")
        elif isinstance(widget, QComboBox) and widget.currentText():
            room = widget.width() - widget.iconSize().width() * 0 - 28  # arrow and frame
            need = widget.fontMetrics().horizontalAdvance(widget.currentText())
            if need > room + 1 and widget.sizeHint().width() > widget.width() + 1:
                out.append(f"combo {widget.currentText()!r}: {need} > {room}")
    return out


def too_big(dialog: QWidget) -> list[str]:
    """A window or dialog that cannot shrink to the screen is cut by the screen's edge."""
    need = dialog.minimumSizeHint().expandedTo(dialog.minimumSize()).expandedTo(
        dialog.size() if dialog.isWindow() and dialog.testAttribute(
            Qt.WidgetAttribute.WA_Resized) else dialog.minimumSize())
    if need.width() > SCREEN[0] or need.height() > SCREEN[1]:
        return [f"needs {need.width()}×{need.height()}, more than the "
                f"{SCREEN[0]}×{SCREEN[1]} screen"]
    return []


def show_fitted(dialog: QWidget) -> None:
    """Show a dialog as a window manager on a 1366×768 screen would: at the size it asked
    for (its own or its size hint), bounded by the screen. (The offscreen test screen is
    smaller, so Qt's own bound is undone.)"""
    dialog.show()
    QApplication.processEvents()
    hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
    dialog.resize(min(max(hint.width(), dialog.width()), SCREEN[0]),
                  min(max(hint.height(), dialog.height()), SCREEN[1]))
    QApplication.processEvents()


def _built(name: str, make: Callable[[], QWidget], visit: Visit) -> None:
    dialog = make()
    show_fitted(dialog)
    visit(name, dialog)
    dialog.close()
    dialog.deleteLater()


def _modal(name: str, trigger: Callable[[], object], visit: Visit) -> None:
    """Run ``trigger``, which opens a modal dialog, and visit that dialog while it runs."""
    seen: list[QWidget] = []
    tries = [0]

    def catch() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog in seen:
            tries[0] += 1
            if tries[0] < 200:
                QTimer.singleShot(5, catch)
            return
        seen.append(dialog)
        show_fitted(dialog)
        visit(name, dialog)
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    QTimer.singleShot(0, catch)
    trigger()
    if not seen:
        raise AssertionError(f"{name}: no dialog opened")


def prepare(window: MainWindow) -> dict[str, object]:
    """The demo state the dialogs show: a signed-in trainee, the trainer's password and
    key, a quiz with rules, an event with a class, a roster file, a content bundle."""
    from idtrainer.core.quizzes import QuizSettings, Rule

    ctx = window.ctx
    store = ctx.store
    names = {p.name: p.uuid for p in store.trainees.all()}
    trainee = names.get("Айгерим Сейітова") or store.trainees.create("Айгерим Сейітова")
    QApplication.processEvents()
    if ctx.trainee is None:
        ctx.sign_in(trainee)
    if not store.trainer.has_password():  # makes the publisher key, and leaves it open
        store.trainer.set_password(TRAINER_PASSWORD, name="Trainer")
    questions = [r[0] for r in store.conn.execute(
        "SELECT uuid FROM questions WHERE qtype = 'image' AND deleted = 0 ORDER BY slug "
        "LIMIT 4")]
    saiga = store.species.uuid_for("saiga-tatarica") or store.species.all("en")[0].uuid
    quiz = store.quizzes.save(
        "Экзамен: рога и кость / Емтихан: мүйіз бен сүйек",
        QuizSettings(time_limit_minutes=15, pass_mark=70),
        [*(Rule("fixed", question=q) for q in questions),
         Rule("random", count=5, filter={"species": [saiga], "tags": ["horn"]})])
    event = store.events.save("Хоргос, ноябрь 2026", "2026-11-20", "2026-11-21",
                              place="Хоргос", organiser="UNODC", agency="КГД МФ РК",
                              languages=["ru", "kk"], post_quiz=quiz)
    klass = store.events.new_class(event, "Группа 1")
    folder = Path(tempfile.mkdtemp(prefix="idtrainer-tour-"))
    roster = folder / "roster.csv"
    roster.write_bytes("\ufeffФИО;Пол;Ведомство;Подразделение;Регион;Должность\r\n"
                       "Серікбаев Нұрлан Әбішұлы;м;КГД МФ РК;Хоргос;Алматинская область;"
                       "старший инспектор\r\n"
                       "Иванова Ольга;ж;КГД МФ РК;Нұр Жолы;Жетісу;инспектор\r\n"
                       .encode("utf-8"))
    stick = folder / "stick"
    stick.mkdir()
    return {"trainee": trainee, "quiz": quiz, "event": event, "klass": klass,
            "roster": roster, "stick": stick, "saiga": saiga}


def tour(window: MainWindow, visit: Visit, state: dict[str, object] | None = None) -> None:
    """Open every dialog in turn (the current language), calling ``visit`` on each."""
    from idtrainer.core import usb
    from idtrainer.gui import (
        certificates,
        errors,
        events,
        exam,
        experts,
        printing,
        profile_dialogs,
        quiz_builder,
        sync,
        trainer,
    )
    from idtrainer.gui.main_window import PAGES

    ctx = window.ctx
    store = ctx.store
    state = state or prepare(window)
    quiz, event, klass = str(state["quiz"]), str(state["event"]), str(state["klass"])
    keys = [key for key, _label in PAGES]

    # Officer's side.
    _built("new-profile", lambda: profile_dialogs.NewProfileDialog(window), visit)
    _modal("pin", lambda: profile_dialogs.ask_pin(window, store, str(state["trainee"]),
                                                  "Айгерим Сейітова"), visit)
    _modal("about", window.about, visit)
    _built("sheets", lambda: printing.SheetsDialog(ctx, [str(state["saiga"])], window), visit)
    _built("posters", lambda: printing.PostersDialog(ctx, window), visit)
    _built("error", lambda: errors.ErrorDialog(RuntimeError("a demo of a bug"), window), visit)

    # Trainer mode.
    _built("unlock", lambda: trainer.UnlockDialog(ctx, window), visit)
    ctx.unlock_trainer()
    _built("password", lambda: trainer.SetPasswordDialog(ctx, window), visit)
    # The first setup asks for the laptop's name too: shown as if no password were set.
    store.trainer.has_password = lambda: False  # type: ignore[method-assign]
    try:
        _built("trainer-setup", lambda: trainer.SetPasswordDialog(ctx, window), visit)
    finally:
        del store.trainer.has_password
    builder = quiz_builder.QuizBuilderDialog(ctx, window, quiz)
    _built("quiz-builder", lambda: builder, visit)
    builder = quiz_builder.QuizBuilderDialog(ctx, window, quiz)
    picker = builder.rules.cellWidget(builder.rules.rowCount() - 1, 5)
    assert isinstance(picker, quiz_builder.SpeciesPicker)
    _modal("quiz-species", picker.choose, visit)
    _modal("quiz-questions", builder.pick_questions, visit)
    builder.deleteLater()
    window.go_to(keys.index("exams"))
    exams = window.page("exams")
    assert isinstance(exams, exam.ExamsPage)
    exams.refresh()
    for row in range(exams.quizzes.count()):
        if exams.quizzes.item(row).data(exam.QUIZ_ROLE) == quiz:
            exams.quizzes.setCurrentRow(row)
    _modal("exam-assign", exams.assign, visit)
    _modal("exam-extra-time", exams.grant_extra_time, visit)
    window.go_to(keys.index("events"))
    page = window.page("events")
    assert isinstance(page, events.EventsPage)
    page.select_event(event)
    _built("event", lambda: events.EventDialog(ctx, window, event), visit)
    _modal("event-class", lambda: page.new_class(), visit)
    _built("roster", lambda: events.RosterDialog(ctx, klass, Path(str(state["roster"])),
                                                 window), visit)
    _built("programme", lambda: events.ProgrammeDialog(window), visit)
    for kind in ("course", "attendance", "achievement"):
        _built(f"certificate-template-{kind}",
               partial(certificates.TemplateDialog, ctx, window, kind), visit)
    _built("experts", lambda: experts.ExpertsDialog(ctx, window), visit)
    from idtrainer.core import i18n
    from idtrainer.gui.authoring import questions_tab

    def try_it() -> QDialog:
        question = store.questions.get(store.questions.uuids()[0], i18n.current_language())
        assert question is not None
        return questions_tab.TryDialog(ctx, question, window)

    _built("authoring-try", try_it, visit)
    _built("sync-content", lambda: sync.ContentDialog(ctx, window), visit)
    _built("key-save", lambda: sync.KeyFileDialog(ctx, True, window), visit)
    _built("key-load", lambda: sync.KeyFileDialog(ctx, False, window), visit)
    stick = Path(str(state["stick"]))
    if "content" not in state:
        state["content"] = usb.write_content(store, stick, quizzes=[quiz],
                                             title="Almaty, November")
    if "results" not in state:
        state["results"] = usb.write_results(store, stick)
    content, results = state["content"], state["results"]
    _built("sync-trust", lambda: sync.trust_box(window, content.manifest), visit)  # type: ignore[attr-defined]
    _built("sync-accept-laptop", lambda: sync.device_box(window, results.manifest), visit)  # type: ignore[attr-defined]
    window.go_to(keys.index("sync"))
    sync_page = window.page("sync")
    assert isinstance(sync_page, sync.SyncPage)
    _modal("sync-no-stick", sync_page._no_stick, visit)
