"""The authoring workspace's Lessons and Translations tabs, driven as a trainer would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from idtrainer.core.authoring_texts import FieldKey
from idtrainer.gui.authoring.lessons import LessonsTab, NewItemDialog, PickerDialog
from idtrainer.gui.authoring.translations import TranslationsTab
from idtrainer.gui.main_window import PAGES


@pytest.fixture
def trainer_window(signed_in):
    window = signed_in
    window.ctx.store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    return window


def author(window, tab: str):
    window.go_to([k for k, _label in PAGES].index("author"))
    return window.page("author").show_tab(tab)


def text_row(store, key: FieldKey, locale: str) -> dict:
    return store.query_one("SELECT * FROM texts WHERE owner_table = ? AND owner_uuid = ? AND "
                           "field = ? AND locale = ? AND deleted = 0",
                           (key.table, key.owner, key.field, locale))


def test_translate_a_field_into_kazakh_and_mark_it_reviewed(trainer_window, qtbot):
    window = trainer_window
    store = window.ctx.store
    tab = author(window, "translations")
    assert isinstance(tab, TranslationsTab)
    tab.target.setCurrentIndex(tab.target.findData("kk"))
    tab.kind.setCurrentIndex(tab.kind.findData("lessons"))
    key = FieldKey("lessons", store.scalar("SELECT uuid FROM lessons WHERE slug = "
                                           "'what-is-cites'"), "title")
    row = next(i for i, e in enumerate(tab.listed) if e.key == key)
    tab.table.setCurrentCell(row, 0)
    assert tab.source_text.toPlainText() == store.query_one(
        "SELECT value FROM texts WHERE owner_uuid = ? AND field = 'title' AND locale = 'ru'",
        (key.owner,))["value"]  # the source beside it
    assert tab.target_text.toPlainText() and tab.status.currentData() == "machine"
    tab.target_text.setPlainText("СИТЕС деген не")
    tab.save_button.click()
    assert text_row(store, key, "kk")["value"] == "СИТЕС деген не"
    assert text_row(store, key, "kk")["status"] == "machine"
    tab.review_button.click()
    stored = text_row(store, key, "kk")
    assert (stored["status"], stored["reviewed_by"]) == ("reviewed", "Айгерим Сейітова")
    assert stored["reviewed_at"] and stored["reviewed_at"][:10] == store.now()[:10]
    assert "Айгерим Сейітова" in tab.review_note.text()
    assert tab.table.item(row, 2).text() == "reviewed"
    # Editing the words again makes it a draft: what was reviewed is not what is there.
    tab.target_text.setPlainText("СИТЕС дегеніміз не")
    assert tab.status.currentData() == "draft"


def test_next_untranslated_and_next_unreviewed(trainer_window, qtbot):
    window = trainer_window
    store = window.ctx.store
    lessons = author(window, "lessons")
    module = store.scalar("SELECT uuid FROM modules WHERE slug = 'm2-implementing-cites'")
    new = lessons.core.create_lesson(module, "permits", "Разрешения", "ru")
    tab = author(window, "translations")
    tab.target.setCurrentIndex(tab.target.findData("kk"))
    found = tab.walk("untranslated")
    assert found.key.owner == new and tab.current == found.key
    assert tab.target_text.toPlainText() == "" and "untranslated" in tab.target_title.text()
    tab.target_text.setPlainText("Рұқсаттар")
    tab.save_button.click()
    second = tab.walk("untranslated")
    assert second.key.owner == new and second.key.field == "body"
    tab.target_text.setPlainText("# Рұқсаттар\n")
    tab.save_button.click()
    assert tab.walk("untranslated") is None and "Nothing left" in tab.error.text()
    # Unreviewed: the list order, one after another.
    tab.kind.setCurrentIndex(tab.kind.findData("modules"))
    tab.current = None
    first = tab.walk("unreviewed")
    assert first.key.table == "modules" and first.state in ("machine", "draft")
    tab.review_button.click()
    then = tab.walk("unreviewed")
    assert then.key != first.key and then.key.table == "modules"
    assert tab.desk.entry(first.key, "ru", "kk").state == "reviewed"


def test_a_cell_of_the_translation_status_page_opens_its_texts(trainer_window, qtbot):
    window = trainer_window
    window.go_to(len(PAGES) - 1)
    page = window.trainer
    columns = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    col = columns.index("Қазақша\nmachine")
    row = [page.table.verticalHeaderItem(r).text()
           for r in range(page.table.rowCount())].index("Lessons")
    cell = page.table.item(row, col)
    assert int(cell.text()) == window.ctx.store.scalar(
        "SELECT count(*) FROM texts WHERE owner_table = 'lessons' AND locale = 'kk' AND "
        "status = 'machine' AND deleted = 0")
    rect = page.table.visualItemRect(cell)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.pages.currentWidget() is window.page("author")
    tab = window.page("author").tabs.currentWidget()
    assert isinstance(tab, TranslationsTab)
    assert (tab.kind.currentData(), tab.target_locale(), tab.filter.currentData()) == \
        ("lessons", "kk", "machine")
    assert len(tab.listed) == int(cell.text())
    assert tab.current == tab.listed[0].key and tab.target_text.toPlainText()
    # The untranslated column leads to the gaps: none in the starter's Kazakh lessons.
    col = columns.index("Қазақша\nuntranslated")
    assert page.table.item(row, col).text() == "0"


def fill_new_item(monkeypatch, title: str, slug: str | None = None) -> None:
    def run(dialog: NewItemDialog) -> int:
        dialog.title_field.setText(title)
        if slug is not None:
            dialog.slug_field.setText(slug)
        dialog._ok()
        return dialog.result()
    monkeypatch.setattr(NewItemDialog, "exec", run)


def pick(monkeypatch, value_of) -> list[list[str]]:
    """Make the next picker choose what ``value_of(values)`` says; record what it offered."""
    offered: list[list[str]] = []

    def run(dialog: PickerDialog) -> int:
        values = [dialog.listing.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(dialog.listing.count())]
        offered.append(values)
        dialog.choose(value_of(values))
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(PickerDialog, "exec", run)
    return offered


def test_a_lesson_is_created_and_edited_with_a_live_preview(trainer_window, qtbot,
                                                            monkeypatch):
    window = trainer_window
    store = window.ctx.store
    tab = author(window, "lessons")
    assert isinstance(tab, LessonsTab)
    tab.language.setCurrentIndex(tab.language.findData("ru"))
    fill_new_item(monkeypatch, "Рептилии в торговле")
    module = tab.add_module()
    assert store.scalar("SELECT slug FROM modules WHERE uuid = ?", (module,)) == \
        "reptilii-v-torgovle"
    fill_new_item(monkeypatch, "Черепахи", "tortoises")
    lesson = tab.add_lesson()
    assert tab.current == ("lessons", lesson)
    assert tab.title_edit.text() == "Черепахи"
    tab.editor.setPlainText("# Черепахи\n\nСреднеазиатская черепаха — **самый частый** вид.\n"
                            "[Карточка](species:testudo-horsfieldii)\n")
    tab.update_preview()
    preview = tab.preview.toPlainText()
    assert "самый частый" in preview and "**" not in preview and "Карточка" in preview
    assert tab.problems.text() == "" and tab.save_button.isEnabled()
    assert tab.dirty() and "not saved" in tab.status.text()
    # A dangling link is named as the author types, and cannot be saved.
    tab.editor.setPlainText(tab.editor.toPlainText() + "[x](species:unicorn)\n")
    tab.update_preview()
    assert "unicorn" in tab.problems.text() and not tab.save_button.isEnabled()
    tab.editor.setPlainText(tab.editor.toPlainText().replace("[x](species:unicorn)\n", ""))
    tab.update_preview()
    assert tab.save()
    saved = store.lessons.lesson(lesson, "ru")
    assert "самый частый" in saved.body.value and saved.body.status == "draft"
    assert not tab.dirty()
    # Officers see it in Learn, rendered the same way.
    window.learn.open_lesson(lesson)
    assert "самый частый" in window.learn.reader.toPlainText()
    # Reorder and delete.
    fill_new_item(monkeypatch, "Ящерицы", "lizards")
    second = tab.add_lesson()
    tab.move_item(-1)
    assert [r["uuid"] for r in store.query("SELECT uuid FROM lessons WHERE module_uuid = ? "
                                           "AND deleted = 0 ORDER BY position", (module,))] \
        == [second, lesson]
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or
                        QMessageBox.StandardButton.Yes)
    tab.select("modules", module)
    tab.delete_button.click()
    assert "2 lessons" in asked[0]
    assert store.scalar("SELECT deleted FROM modules WHERE uuid = ?", (module,)) == 1
    assert tab.current is None


def test_pickers_insert_pictures_and_species_links(trainer_window, qtbot, monkeypatch):
    window = trainer_window
    store = window.ctx.store
    tab = author(window, "lessons")
    tab.language.setCurrentIndex(tab.language.findData("ru"))
    lesson = store.scalar("SELECT uuid FROM lessons WHERE slug = 'what-is-cites'")
    tab.select("lessons", lesson)
    tab.editor.setPlainText("Начало.")
    cursor = tab.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    tab.editor.setTextCursor(cursor)
    offered = pick(monkeypatch, lambda values: next(v for v in values
                                                    if v.startswith("saiga-tatarica/")))
    tab.picture_button.click()
    ref = next(v for v in offered[0] if v.startswith("saiga-tatarica/"))
    assert f"](species:{ref})" in tab.editor.toPlainText()
    offered = pick(monkeypatch, lambda values: "saiga-tatarica")
    tab.species_button.click()
    assert "saiga-tatarica" in offered[0] and len(offered[0]) == store.species.count()
    assert "[Сайгак](species:saiga-tatarica)" in tab.editor.toPlainText()
    pick(monkeypatch, lambda values: "saiga-tatarica")
    tab.features_button.click()
    assert "{{features:saiga-tatarica}}" in tab.editor.toPlainText()
    tab.update_preview()
    assert tab.problems.text() == ""
    # The picture shows in the preview, drawn from the media store.
    QApplication.processEvents()
    html = tab.preview.toHtml()
    assert f"species:{ref}" in html
    # The features are listed, numbered, in the editing language.
    card = store.species.card(store.species.uuid_for("saiga-tatarica"), "ru")
    assert card.features[0].value[:30] in tab.preview.toPlainText()


def test_unsaved_translation_is_kept_or_asked_about(trainer_window, qtbot, monkeypatch):
    window = trainer_window
    store = window.ctx.store
    tab = author(window, "translations")
    tab.show_gaps("modules", "uz", None)
    first = tab.current
    tab.target_text.setPlainText("Yangi matn")
    # A change arriving from elsewhere does not wipe what is being typed.
    other = tab.listed[1].key
    tab.desk.save(other, "uz", "Boshqa", "draft")
    QApplication.processEvents()
    assert tab.current == first and tab.target_text.toPlainText() == "Yangi matn"
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or answers.pop(0))
    tab.table.setCurrentCell(1, 0)
    assert tab.current == first and tab.target_text.toPlainText() == "Yangi matn"
    tab.table.setCurrentCell(1, 0)
    assert tab.current == other and tab.target_text.toPlainText() == "Boshqa"
    assert len(asked) == 2 and store.query_one(
        "SELECT value FROM texts WHERE owner_uuid = ? AND field = ? AND locale = 'uz'",
        (first.owner, first.field))["value"] != "Yangi matn"
