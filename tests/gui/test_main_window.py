from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from idtrainer.core import i18n
from idtrainer.core.store import Store


def texts_of(window, card) -> dict[str, str]:
    """Texts a person sees in several places of the main window, library and a card."""
    return {
        "title": window.windowTitle(),
        "menu": window.language_menu.title(),
        "nav": window.nav.item(1).text(),
        "library": window.library.title.text(),
        "placeholder": window.library.search.placeholderText(),
        "count": window.library.count.text(),
        "filter": window.library.group.itemText(1),
        "learn": window.learn.title.text(),
        "card_body": card.body.toPlainText()[:200],
        "card_listing": card.listing.text(),
        "gallery": card.gallery.next.text(),
    }


#: Words right in two languages: "{n} түр" in Kazakh and Kyrgyz, "Тил" (language) in
#: Kyrgyz and Uzbek Cyrillic.
SAME_WORD = {frozenset(("kk", "ky")): {"count"}, frozenset(("ky", "uz-Cyrl")): {"menu"}}


def test_language_switch_retranslates_window_library_and_open_card(signed_in, qtbot):
    window = signed_in
    store: Store = window.ctx.store
    card = window.open_species(store.species.uuid_for("saiga-tatarica"))
    qtbot.addWidget(card)
    seen: dict[str, dict[str, str]] = {}
    for lang in i18n.LANGUAGES:
        window.language_actions[lang].trigger()
        assert i18n.current_language() == lang
        seen[lang] = texts_of(window, card)
        assert window.language_actions[lang].isChecked()
    for a in seen:
        for b in seen:
            if a < b:
                same = [k for k in seen[a] if seen[a][k] == seen[b][k]
                        and k not in SAME_WORD.get(frozenset((a, b)), ())]
                assert not same, f"{a} and {b} show the same text in {same}"
    assert store.get_setting("locale") == "en"
    assert store.trainees.get(window.ctx.trainee).locale == "en"


def test_language_menu_names_languages_in_their_own_script(window):
    names = [a.text() for a in window.language_menu.actions()]
    assert names == ["Русский", "Қазақша", "Кыргызча", "Тоҷикӣ", "Oʻzbekcha", "Ўзбекча",
                     "English"]


def type_text(widget: QWidget, text: str) -> None:
    """Type any script, one key event per character (QTest's keyClicks knows only ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


def type_search(qtbot, window, text: str) -> list[str]:
    box = window.library.search
    box.clear()
    type_text(box, text)
    assert box.text() == text
    qtbot.waitUntil(lambda: not window.library.typing.isActive(), timeout=2000)
    return window.library.visible_species()


@pytest.mark.parametrize("query", ["сайг", "Сайгак", "saiga", "ақбөк", "акбок", "Saygʻo",
                                   "сайғоқ", "tatarica"])
def test_typing_in_the_search_filters_the_library(signed_in, qtbot, query):
    window = signed_in
    window.go_to(1)
    all_species = window.library.visible_species()
    saiga = window.ctx.store.species.uuid_for("saiga-tatarica")
    found = type_search(qtbot, window, query)
    assert saiga in found and len(found) < len(all_species)
    assert window.library.count.text().startswith(str(len(found)))


def test_filters_combine_with_each_other_and_the_search(signed_in, qtbot):
    window = signed_in
    library = window.library
    store = window.ctx.store
    library.group.setCurrentIndex(library.group.findData("mammals"))
    mammals = library.visible_species()
    assert store.species.uuid_for("saiga-tatarica") in mammals
    assert store.species.uuid_for("falco-cherrug") not in mammals
    library.appendix.setCurrentIndex(library.appendix.findData("II"))
    both = library.visible_species()
    assert set(both) <= set(mammals)
    assert all(store.species.summary(u, "en").appendix == "II" for u in both)
    library.group.setCurrentIndex(0)
    library.product.setCurrentIndex(library.product.findData("caviar"))
    caviar = library.visible_species()
    assert store.species.uuid_for("acipenser-gueldenstaedtii") in caviar
    assert store.species.uuid_for("saiga-tatarica") not in caviar
    assert type_search(qtbot, window, "zzzz") == []
    assert window.library.count.text().startswith("0")


def test_card_shows_the_appendix_with_its_date_and_compare_shows_both(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    saiga = store.species.uuid_for("saiga-tatarica")
    card = window.open_species(saiga)
    qtbot.addWidget(card)
    listing = store.species.card(saiga, "en").listing
    day = i18n.format_date(dt.date.fromisoformat(listing.checked_on), "medium")
    assert "Appendix II" in card.listing.text() and day in card.listing.text()
    assert card.gallery.images and "Licence" in card.gallery.credit.text()
    assert "Diagnostic features" in card.body.toPlainText()
    other = store.species.uuid_for("falco-cherrug")
    compare = window.compare(saiga, other)
    qtbot.addWidget(compare)
    assert compare.species_shown() == (saiga, other)
    assert "Saiga tatarica" in compare.left.scientific.text()
    assert "Falco cherrug" in compare.right.scientific.text()
    assert compare.left.gallery.images and compare.right.gallery.images


def test_lesson_progress_and_continue_survive_a_restart(signed_in, qtbot, tmp_path):
    from idtrainer.gui.context import AppContext
    from idtrainer.gui.main_window import MainWindow

    window = signed_in
    store = window.ctx.store
    trainee = window.ctx.trainee
    first, second = store.progress.lesson_order()[:2]
    window.learn.open_lesson(first)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.learn.lesson == second
    assert first in store.progress.read_lessons(trainee)
    path = store.path
    window.close()
    window.ctx.detach()
    store.close()

    with Store.open(path) as again:
        ctx = AppContext(again)
        fresh = MainWindow(ctx, tmp_path / "thumbs2")
        qtbot.addWidget(fresh)
        fresh.show()
        fresh.start.refresh()
        assert fresh.start.continue_button.isVisible()
        title = again.lessons.lesson(second, "en").title.value
        assert title in fresh.start.continue_button.text()
        fresh.start.continue_button.click()
        assert ctx.trainee == trainee and fresh.learn.lesson == second
        fresh.close()
        ctx.detach()


def test_trainer_mode_unlock_and_lock(window, qtbot):
    from idtrainer.gui.trainer import SetPasswordDialog, UnlockDialog

    ctx = window.ctx
    trainer_row = window.nav.count() - 1
    assert window.nav.item(trainer_row).isHidden()
    setup = SetPasswordDialog(ctx, window)
    setup.new.setText("steppe-eagle-7")
    setup.repeat.setText("steppe-eagle-7")
    setup.laptop_name.setText("Laptop\x07")  # a bad name: nothing is set up yet
    setup._save()
    assert setup.error.text() and not ctx.store.trainer.has_password()
    setup.laptop_name.setText(" Алматы  оқу орталығы ")  # the name laptops will see
    setup._save()
    from idtrainer.core import bundles

    assert bundles.default_device_name(ctx.store) == "Алматы оқу орталығы"
    stored = ctx.store.get_setting("trainer_password_hash")
    assert stored and "steppe-eagle-7" not in stored
    assert ctx.store.keys.publisher() is not None  # setting up made the publisher key
    ctx.lock_trainer()
    assert ctx.store.keys.publisher() is None  # locking forgets it

    dialog = UnlockDialog(ctx, window)
    dialog.password.setText("wrong-password")
    dialog.try_unlock()
    assert not ctx.trainer_unlocked and dialog.error.text()
    assert window.nav.item(trainer_row).isHidden()
    assert ctx.store.keys.publisher() is None
    dialog.password.setText("steppe-eagle-7")
    dialog.try_unlock()
    assert ctx.trainer_unlocked and ctx.store.keys.publisher() is not None
    assert not window.nav.item(trainer_row).isHidden()
    window.lock_action.trigger()
    assert not ctx.trainer_unlocked and window.nav.item(trainer_row).isHidden()
    assert ctx.store.keys.publisher() is None


def test_trainer_mode_locks_when_idle(window, qtbot):
    ctx = window.ctx
    ctx.store.trainer.set_password("steppe-eagle-7")
    ctx.unlock_trainer()
    assert ctx.idle_timer.isActive()
    ctx.idle_timer.timeout.emit()
    assert not ctx.trainer_unlocked
    assert ctx.store.keys.publisher() is None  # the idle lock forgets the publisher key


def test_activity_restarts_the_idle_lock_only_while_trainer_mode_is_unlocked(window, qtbot):
    ctx = window.ctx
    ctx.store.trainer.set_password("steppe-eagle-7")
    ctx.unlock_trainer()
    ctx.idle_timer.stop()
    qtbot.keyClick(window, Qt.Key.Key_Shift)
    assert ctx.idle_timer.isActive()  # a key press: the ten minutes start again
    window.lock_action.trigger()
    qtbot.keyClick(window, Qt.Key.Key_Shift)
    assert not ctx.idle_timer.isActive()  # locked: nothing to restart, nothing watched


def test_ctrl_f_focuses_the_library_search(signed_in, qtbot):
    window = signed_in
    window.activateWindow()
    window.search_action.trigger()
    assert window.nav.currentRow() == 1
    assert window.library.search.hasFocus() or window.focusWidget() is window.library.search


def test_text_size_steps_and_is_remembered(window):
    ctx = window.ctx
    before = ctx.app.font().pointSizeF()
    window.larger_action.trigger()
    assert ctx.app.font().pointSizeF() > before
    assert float(ctx.store.get_setting("font_scale")) > 1.0
    window.reset_font_action.trigger()
    assert ctx.app.font().pointSizeF() == pytest.approx(before)


def clipped(root: QWidget) -> list[str]:
    """Visible labels and buttons whose text needs more room than they have."""
    out = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() == 0:
            continue
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            if widget.sizeHint().width() > widget.width() + 1:
                out.append(f"label {widget.text()!r}: {widget.sizeHint().width()} > "
                           f"{widget.width()}")
        elif (isinstance(widget, QAbstractButton) and widget.text()
              and widget.sizeHint().width() > widget.width() + 1):
            out.append(f"button {widget.text()!r}")
    return out


@pytest.mark.parametrize("lang", ["kk", "ru", "ky", "tg", "uz-Cyrl"])
def test_nothing_is_clipped_at_1366x768(window, qtbot, lang):
    window.ctx.set_language(lang)
    window.resize(1366, 768)
    qtbot.wait(10)
    problems = clipped(window)  # the start screen
    trainee = window.ctx.store.trainees.create("Нұрсұлтан Әбішұлы Қасымжомартов")
    QApplication.processEvents()  # the start page hears of the new trainee from core
    window.start.start(False)
    window.ctx.store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    for row in range(window.nav.count()):
        window.go_to(row)
        qtbot.wait(10)
        problems += [f"page {row}: {p}" for p in clipped(window)]
    card = window.open_species(window.ctx.store.species.uuid_for("saiga-tatarica"))
    qtbot.addWidget(card)
    card.resize(1366, 768)
    qtbot.wait(10)
    problems += [f"card: {p}" for p in clipped(card)]
    assert trainee and not problems, "\n".join(problems)


def test_gallery_buttons_stay_put_and_what_to_do_reads_as_steps(signed_in, qtbot):
    from PySide6.QtCore import QPoint

    window = signed_in
    store = window.ctx.store
    elephant = store.species.uuid_for("loxodonta-africana")  # two images, captions differ
    card = window.open_species(elephant)
    qtbot.addWidget(card)
    card.resize(1366, 768)
    gallery = card.gallery
    assert len(gallery.images) == 2
    captions = {str(i.caption) for i in gallery.images}
    assert len(captions) == 2

    def where() -> tuple:
        window.ctx.app.processEvents() if window.ctx.app else None
        return (gallery.next.mapTo(card, QPoint(0, 0)), gallery.view.size(),
                gallery.zoom_in.mapTo(card, QPoint(0, 0)))

    first = where()
    gallery.go(1)
    assert gallery.caption.text() != "" and where() == first
    saiga = window.open_species(store.species.uuid_for("saiga-tatarica"))
    qtbot.addWidget(saiga)
    html = saiga.body.toHtml()
    steps = html.split("What to do")[1]
    assert steps.count("<li") >= 4  # numbered steps, not one paragraph


def test_compare_lines_the_features_up_row_by_row(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    saiga, goat = store.species.uuid_for("saiga-tatarica"), store.species.uuid_for("falco-cherrug")
    compare = window.compare(saiga, goat)
    qtbot.addWidget(compare)
    left, right = compare.left.features, compare.right.features
    text = compare.details.toPlainText()
    assert str(left[0]) in text and str(right[0]) in text
    html = compare.details.toHtml()
    # One table: each row holds the nth feature of both species.
    assert html.count("<tr") == max(len(left), len(right)) + 1


def test_learn_opens_on_the_course_map_with_progress(signed_in, qtbot):
    from PySide6.QtCore import QUrl

    window = signed_in
    store = window.ctx.store
    first = store.progress.lesson_order()[0]
    store.progress.mark_read(window.ctx.trainee, first)
    window.go_to(0)
    learn = window.learn
    learn.show_map()
    text = learn.reader.toPlainText()
    assert learn.lesson is None and "Course map" in learn.lesson_title.text()
    assert "1 of" in text and "read this next" in text  # progress and what comes next
    modules = [m for c in store.lessons.courses("en") for m in store.lessons.modules(c.uuid, "en")]
    assert all(m.title.value in text for m in modules)
    learn.reader.anchorClicked.emit(QUrl(f"lesson:{first}"))  # a lesson opens from the map
    assert learn.lesson == first and learn.map_button.isEnabled()


def test_a_closed_windows_context_never_locks_trainer_mode_later(window):
    """The idle lock fired ten minutes after a window (and its store) was closed."""
    ctx = window.ctx
    ctx.store.trainer.set_password("steppe-eagle-7")
    ctx.unlock_trainer()
    assert ctx.idle_timer.isActive()
    ctx.detach()
    assert not ctx.idle_timer.isActive()


def test_the_text_size_keys_work_from_the_keyboard(window, qtbot):
    """Ctrl++ (shown in the menu), Ctrl+= (the same key without Shift), Ctrl+- and Ctrl+0,
    pressed as a person presses them."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    ctx = window.ctx
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before = ctx.app.font().pointSizeF()
    QTest.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ctx.app.font().pointSizeF() > before)
    larger = ctx.app.font().pointSizeF()
    QTest.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ctx.app.font().pointSizeF() > larger)
    QTest.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ctx.app.font().pointSizeF() == pytest.approx(larger))
    QTest.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ctx.app.font().pointSizeF() == pytest.approx(before))
    assert window.larger_action.shortcut().toString() == "Ctrl++"


def test_the_trainer_menu_says_set_up_then_unlock(window):
    window.trainer_menu.aboutToShow.emit()
    assert window.unlock_action.text() == "&Set up trainer mode…"
    window.ctx.store.trainer.set_password("steppe-eagle-7")
    window.trainer_menu.aboutToShow.emit()
    assert window.unlock_action.text() == "&Unlock trainer mode…"
