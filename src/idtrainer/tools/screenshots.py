"""Render each main screen and every dialog in each language to PNG, offscreen.

    python -m idtrainer.tools.screenshots OUTDIR [--data-dir DIR] [--lang ru kk ...]
        [--size 1366x768]

Uses the data directory given (or a fresh one built from the starter content) and a
demo profile; writes OUTDIR/<screen>-<lang>.png and OUTDIR/dialog-<name>-<lang>.png
(every dialog, see tools/dialog_tour.py; any text cut is reported on stderr).
``--only-dialogs`` skips the main screens.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from idtrainer.core import i18n
from idtrainer.core.app_data import open_store
from idtrainer.gui import runner
from idtrainer.gui.context import AppContext
from idtrainer.gui.main_window import PAGES as PAGES_FOR_SHOTS
from idtrainer.gui.main_window import MainWindow

DEMO_NAME = "Айгерим Сейітова"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m idtrainer.tools.screenshots")
    parser.add_argument("out", type=Path)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--lang", nargs="*", default=list(i18n.LANGUAGES))
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--only-dialogs", action="store_true")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    from idtrainer.gui import style
    from idtrainer.gui.app import QtTranslations

    style.apply(app)
    qt_translations = QtTranslations.for_app(app)  # Qt's own buttons in the language shown
    i18n.add_language_listener(qt_translations.apply)
    runner.set_inline(True)
    data = args.data_dir or Path(tempfile.mkdtemp()) / "data"
    store = open_store(data)
    ctx = AppContext(store, app)
    window = MainWindow(ctx, data / "thumbnails")
    window.resize(width, height)
    window.show()

    def shoot(widget: QWidget, name: str, lang: str) -> None:
        app.processEvents()
        path = args.out / f"{name}-{lang}.png"
        widget.grab().save(str(path))
        print(path)

    if args.only_dialogs:
        shoot_dialogs(window, ctx, args.lang, shoot)
        return finish(window, ctx)
    for lang in args.lang:
        ctx.set_language(lang)
        shoot(window, "start", lang)
    people = [p for p in store.trainees.all() if p.name == DEMO_NAME]
    trainee = people[0].uuid if people else store.trainees.create(DEMO_NAME)
    order = store.progress.lesson_order()
    if order:
        store.progress.mark_read(trainee, order[0])
    ctx.sign_in(trainee)
    window.learn.open_lesson(order[1] if len(order) > 1 else order[0])
    window.go_to(1)
    window.thumbnails.wait()
    window.library.refresh()
    saiga = store.species.uuid_for("saiga-tatarica") or store.species.all("en")[0].uuid
    card = window.open_species(saiga)
    assert card is not None  # no exam runs while screenshots are taken
    card.resize(width, height)
    for lang in args.lang:
        ctx.set_language(lang)
        window.go_to(0)
        shoot(window, "learn", lang)
        window.go_to(1)
        shoot(window, "library", lang)
        shoot(card, "card", lang)
    shoot_identify(window, ctx, args.lang, shoot)
    shoot_sync(window, ctx, args.lang, shoot)
    shoot_events(window, ctx, args.lang, shoot)
    shoot_authoring(window, ctx, args.lang, shoot)
    shoot_lessons_and_translations(window, ctx, args.lang, shoot)
    shoot_dialogs(window, ctx, args.lang, shoot)
    return finish(window, ctx)


def finish(window: MainWindow, ctx: AppContext) -> int:
    window.close()
    ctx.detach()
    ctx.store.close()
    return 0


def shoot_identify(window: MainWindow, ctx: AppContext, langs: list[str], shoot) -> None:
    """The Identify page two answers into a horn: candidates, why, result, experts."""
    if not ctx.store.experts.country():
        ctx.store.experts.set_country("KZ")
    page = window.identify
    page.reset()
    page.answer("item", "hard-parts")
    page.answer("hard-part", "sheath-horn")
    window.thumbnails.wait()
    row = [key for key, _label in PAGES_FOR_SHOTS].index("identify")
    for lang in langs:
        ctx.set_language(lang)
        window.go_to(row)
        window.thumbnails.wait()
        page.refresh()
        shoot(window, "identify", lang)


def shoot_sync(window: MainWindow, ctx: AppContext, langs: list[str], shoot) -> None:
    """The USB sync page in trainer mode after one sync, the content dialog, the trust box."""
    from idtrainer.core import bundles, usb
    from idtrainer.gui.sync import ContentDialog, trust_box

    stick = Path(tempfile.mkdtemp()) / "stick"
    stick.mkdir()
    if not ctx.store.trainer.has_password():
        ctx.store.trainer.set_password("screenshots-only", name="Trainer")
    ctx.unlock_trainer()
    page = window.sync
    page.add_folder(str(stick))
    page.sync()
    content = usb.write_content(ctx.store, stick, title="Almaty, November")
    page._imported(bundles.import_many(ctx.store, [content.path]))
    row = [key for key, _label in PAGES_FOR_SHOTS].index("sync")
    for lang in langs:
        ctx.set_language(lang)
        window.go_to(row)
        shoot(window, "sync", lang)
        dialog = ContentDialog(ctx, window)
        dialog.chosen.setChecked(True)
        dialog.show()
        shoot(dialog, "sync-content", lang)
        dialog.close()
        box = trust_box(window, content.manifest)
        box.show()
        shoot(box, "sync-trust", lang)
        box.close()


DEMO_ROSTER = (  # name, gender, agency, post, right answers before / after (of 10)
    ("Серікбаев Нұрлан", "m", "КГД МФ РК", "Хоргос", 3, 8),
    ("Иванова Ольга", "f", "КГД МФ РК", "Нұр Жолы", 5, 9),
    ("Қасымов Әлихан", "m", "Шекара қызметі", "Хоргос", 4, 6),
    ("Ахмедов Бахром", "m", "Шекара қызметі", "Алтынкөл", 6, 10),
    ("Жұмабаева Динара", "f", "КГД МФ РК", "Алтынкөл", 2, 7),
    ("Ким Виктор", "m", "КГД МФ РК", "Нұр Жолы", 4, 5),
)


def shoot_events(window: MainWindow, ctx: AppContext, langs: list[str], shoot) -> None:
    """The Events page and the Dashboard over a small finished demo event."""
    from idtrainer.core.quizzes import QuizSettings, Rule
    from idtrainer.core.scoring import correct_response

    store = ctx.store
    questions = [r[0] for r in store.conn.execute(
        "SELECT uuid FROM questions WHERE qtype = 'image' AND deleted = 0 ORDER BY slug "
        "LIMIT 10")]
    rules = [Rule("fixed", question=q) for q in questions]
    settings = QuizSettings(pass_mark=70, shuffle_questions=False)
    pre = store.quizzes.save("Входной тест / Кіріс тесті", settings, rules)
    post = store.quizzes.save("Итоговый тест / Қорытынды тест", settings, rules)
    event = store.events.save("Хоргос, ноябрь 2026", "2026-11-20", "2026-11-21",
                              place="Хоргос", organiser="UNODC", agency="КГД МФ РК",
                              languages=["ru", "kk"], pre_quiz=pre, post_quiz=post)
    klass = store.events.new_class(event, "Группа 1")
    for i, (name, gender, agency, post_name, before, after) in enumerate(DEMO_ROSTER):
        uuid, _outcome = store.trainees.upsert(name, gender=gender, agency=agency,
                                               subdivision=post_name)
        store.classes.add_member(klass, uuid)
        for day in ("2026-11-20", "2026-11-21")[:1 + (i % 3 != 2)]:
            store.events.set_attendance(event, uuid, day, True)
        for quiz, right in ((pre, before), (post, after)):
            attempt = store.attempts.start(quiz, uuid, "ru", seed=i)
            for n, item in enumerate(attempt.items):
                question = store.questions.get(item["q"], "ru")
                if question is None:
                    continue
                wrong = [o for o in question.options if not o.correct] if question else []
                response = correct_response(question) if n < right or not wrong else \
                    {"option": wrong[(i + n) % min(2, len(wrong))].uuid}
                store.attempts.answer(attempt.uuid, item["q"], response)
            store.attempts.submit(attempt.uuid)
    ctx.unlock_trainer()
    keys = [key for key, _label in PAGES_FOR_SHOTS]
    for lang in langs:
        ctx.set_language(lang)
        window.go_to(keys.index("events"))
        shoot(window, "events", lang)
        window.go_to(keys.index("dashboard"))
        shoot(window, "dashboard", lang)


def shoot_authoring(window: MainWindow, ctx: AppContext, langs: list[str], shoot) -> None:
    """The authoring page: the saiga's species editor, a new question with the problems
    found as it is typed, and "Try it" on a starter question."""
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

    from idtrainer.gui.authoring.questions_tab import OptionRow, QuestionsTab
    from idtrainer.gui.authoring.species_tab import SpeciesTab
    from idtrainer.gui.authoring.workspace import AuthoringPage

    store = ctx.store
    ctx.unlock_trainer()
    page = window.page("author")
    assert isinstance(page, AuthoringPage)
    window.go_to([key for key, _label in PAGES_FOR_SHOTS].index("author"))
    saiga = store.species.uuid_for("saiga-tatarica") or store.species.all("en")[0].uuid
    single = next(u for u in store.questions.uuids()
                  if (q := store.questions.get(u, "en")) and q.qtype == "single")

    def settle() -> None:
        for _round in range(4):  # layouts inside the scroll areas settle in a few rounds
            QApplication.processEvents()

    for lang in langs:
        ctx.set_language(lang)
        species = page.show_tab("species")
        assert isinstance(species, SpeciesTab)
        species.open_item("species", saiga)
        settle()
        shoot(window, "authoring-species", lang)
        questions = page.show_tab("questions")
        assert isinstance(questions, QuestionsTab)
        questions.new()
        questions.slug.setText("new-question")
        stem = questions.stem.inputs["ru"]
        assert isinstance(stem, QPlainTextEdit)
        stem.setPlainText("Какой вид на фото?")
        for text in ("Сайгак", "сайгак"):
            questions.options.add_button.click()
            row = questions.options.rows[-1]
            assert isinstance(row, OptionRow)
            line = row.words.inputs["ru"]
            assert isinstance(line, QLineEdit)
            line.setText(text)
        questions.species.setText("saiga-tatarica, no-such-species")
        settle()
        shoot(window, "authoring-questions", lang)
        questions.open_item("questions", single)
        questions.try_it()
        dialog = questions.try_dialog
        assert dialog is not None
        dialog.view.choose(1)
        settle()
        shoot(dialog, "authoring-try", lang)
        dialog.close()
    ctx.lock_trainer()


def shoot_dialogs(window: MainWindow, ctx: AppContext, langs: list[str], shoot) -> None:
    """Every dialog (tools/dialog_tour.py) as ``dialog-<name>-<lang>.png``; a dialog whose
    text is cut is reported on stderr."""
    from idtrainer.tools import dialog_tour

    if ctx.store.trainer.has_password() and ctx.store.keys.publisher() is None:
        ctx.store.trainer.unlock("screenshots-only")  # locked again by an earlier screen
    state = dialog_tour.prepare(window)
    for lang in langs:
        ctx.set_language(lang)

        def visit(name: str, dialog: QWidget, lang: str = lang) -> None:
            for problem in dialog_tour.too_big(dialog) + dialog_tour.clipped(dialog):
                print(f"dialog-{name}-{lang}: {problem}", file=sys.stderr)
            shoot(dialog, f"dialog-{name}", lang)

        dialog_tour.tour(window, visit, state)


def shoot_lessons_and_translations(window: MainWindow, ctx: AppContext, langs: list[str],
                                   shoot) -> None:
    """Course authoring (trainer mode): a lesson in the Markdown editor beside its preview,
    and a Kazakh text beside its Russian source on the Translations tab."""
    from idtrainer.core.authoring_texts import FieldKey

    ctx.unlock_trainer()
    keys = [key for key, _label in PAGES_FOR_SHOTS]
    store = ctx.store
    lesson = store.scalar("SELECT uuid FROM lessons WHERE slug = 'identifying-saiga-horn' AND "
                          "deleted = 0") or store.scalar("SELECT uuid FROM lessons WHERE "
                                                         "deleted = 0 ORDER BY position")
    for lang in langs:
        ctx.set_language(lang)
        window.go_to(keys.index("author"))
        page = window.page("author")
        lessons = page.show_tab("lessons")  # type: ignore[attr-defined]
        lessons.language.setCurrentIndex(lessons.language.findData(lang))
        lessons.select("lessons", lesson)
        lessons.update_preview()
        shoot(window, "authoring-lessons", lang)
        tab = page.show_tab("translations")  # type: ignore[attr-defined]
        tab.show_gaps("species", "kk", None)
        tab.open(FieldKey("species", store.species.uuid_for("saiga-tatarica") or "",
                          "summary"))
        shoot(window, "authoring-translations", lang)


if __name__ == "__main__":
    sys.exit(main())
