"""Undo, redo and "delete asks first" on the authoring page's Pictures and Lessons tabs:
picture details and captions, markers, deleting a picture that lessons, questions and its
species point at, and saved lesson edits all go through the one authoring session."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QDialog, QMessageBox

from idtrainer.core.languages import authored
from idtrainer.core.photos import PhotoDetails
from idtrainer.core.store import content_uuid
from idtrainer.gui.authoring.lessons import LessonsTab
from idtrainer.gui.authoring.pictures import PicturesTab

STAMPS = ("rev", "updated_at", "updated_by")
SAIGA_DIAGRAM = "saiga-tatarica/media/saiga-horn-comparison.svg"


@pytest.fixture
def page(window):
    window.ctx.unlock_trainer()
    yield window.page("author")
    window.ctx.lock_trainer()  # stops the idle timer, which would outlive the test


def rows_of(store, media: str) -> dict[tuple[str, str], dict]:
    """Every row of a picture, live or not, without its sync stamps."""
    out = {}
    for table, column in (("media", "uuid"), ("media_links", "media_uuid"),
                          ("picture_markers", "media_uuid"), ("texts", "owner_uuid")):
        for row in store.query(f"SELECT * FROM {table} WHERE {column} = ?", (media,)):
            out[(table, row["uuid"])] = {k: v for k, v in row.items() if k not in STAMPS}
    return out


def live(rows: dict) -> dict:
    return {k: v for k, v in rows.items() if not v["deleted"]}


def asking(monkeypatch, reply) -> list[str]:
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return reply

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def photo(store, tmp_path: Path) -> str:
    path = tmp_path / "horns.jpg"
    Image.new("RGB", (320, 240), (180, 150, 90)).save(path)
    return store.photos.import_file(path, PhotoDetails(
        "CC-BY-4.0", "A. Trainer", "training centre", store.species.uuid_for("saiga-tatarica"),
        {"ru": "Рога"}))


def pictures_tab(page, store, media: str) -> PicturesTab:
    tab = page.show_tab("pictures")
    assert isinstance(tab, PicturesTab)
    tab.show_species(store.species.uuid_for("saiga-tatarica"), media)
    assert tab.current_media() == media
    return tab


def test_caption_fields_are_the_authored_languages(page, window, tmp_path):
    store = window.ctx.store
    media = photo(store, tmp_path)
    tab = pictures_tab(page, store, media)
    assert list(tab.captions) == list(authored())
    assert {"ky", "tg"} <= set(tab.captions) and "uz-Cyrl" not in tab.captions
    tab.captions["ky"].setText("Мүйүздөр")
    tab.captions["tg"].setText("Шохҳо")
    tab.captions["uz"].setText("Shoxlar")
    tab.save_button.click()
    assert tab.error.text() == ""
    captions = store.texts.variants("media", media, "caption")
    assert {loc: t.value for loc, t in captions.items()} == {
        "ru": "Рога", "ky": "Мүйүздөр", "tg": "Шохҳо", "uz": "Shoxlar", "uz-Cyrl": "Шохлар"}
    assert captions["uz-Cyrl"].status == "machine" and captions["ky"].status == "draft"
    tab.captions["ky"].clear()
    tab.fill_pictures()  # shown again from the database
    assert tab.captions["tg"].text() == "Шохҳо" and tab.captions["ky"].text() == "Мүйүздөр"
    tab.captions["uz"].clear()
    tab.save_button.click()  # emptied: the Cyrillic made from it goes too
    assert set(store.texts.variants("media", media, "caption")) == {"ru", "ky", "tg"}


def test_details_and_markers_undo_and_redo(page, window, tmp_path, monkeypatch):
    store = window.ctx.store
    media = photo(store, tmp_path)
    tab = pictures_tab(page, store, media)
    start = rows_of(store, media)

    tab.author.setText("B. Inspector")
    tab.captions["kk"].setText("Мүйіздер")
    tab.save_button.click()
    saved = rows_of(store, media)
    assert store.photos.details(media).author == "B. Inspector"
    assert tab.undo_button.isEnabled() and not tab.redo_button.isEnabled()
    tab.undo_button.click()
    assert live(rows_of(store, media)) == live(start)  # the exact rows, kk caption gone
    assert tab.author.text() == "A. Trainer" and tab.captions["kk"].text() == ""
    assert tab.redo_button.isEnabled()
    tab.redo_button.click()
    assert live(rows_of(store, media)) == live(saved)
    assert tab.captions["kk"].text() == "Мүйіздер"

    choices = store.markers.choices(media, "en")
    monkeypatch.setattr(tab, "choose_feature", lambda found, where: found[1])
    tab._place(0.25, 0.5, QPoint())
    (marker,) = store.markers.on(media, "en")
    assert marker.feature_uuid == choices[1].uuid
    tab._move(marker.uuid, 0.75, 0.2)
    assert [(m.x, m.y) for m in store.markers.on(media, "en")] == [(0.75, 0.2)]
    tab.canvas._select(marker.uuid)
    assert tab.delete_button.isEnabled()
    tab.delete_button.click()
    assert store.markers.on(media, "en") == []
    tab.undo_button.click()   # the deletion
    assert [(m.uuid, m.x, m.y) for m in store.markers.on(media, "en")] == [
        (marker.uuid, 0.75, 0.2)]
    tab.undo_button.click()   # the move
    assert [(m.x, m.y) for m in store.markers.on(media, "en")] == [(0.25, 0.5)]
    assert [m.uuid for m in tab.canvas.markers] == [marker.uuid]  # the canvas follows
    tab.undo_button.click()   # the placing
    assert store.markers.on(media, "en") == []
    tab.redo_button.click()
    assert [(m.x, m.y) for m in store.markers.on(media, "en")] == [(0.25, 0.5)]
    # A new edit ends what could be redone.
    tab._move(marker.uuid, 0.5, 0.5)
    assert not tab.redo_button.isEnabled()


def test_deleting_a_picture_asks_naming_what_points_at_it_and_undo_restores_it(
        page, window, monkeypatch):
    store = window.ctx.store
    media = content_uuid("media", SAIGA_DIAGRAM)
    question = store.scalar("SELECT slug FROM questions WHERE deleted = 0 ORDER BY slug "
                            "LIMIT 1")
    store.put("questions", {"uuid": store.scalar("SELECT uuid FROM questions WHERE slug = ?",
                                                 (question,)), "media_uuid": media})
    choice = store.markers.choices(media, "en")[0]
    store.markers.place(media, choice.uuid, 0.5, 0.5)
    lessons = [r["slug"] for r in store.query(
        "SELECT DISTINCT l.slug FROM lessons l JOIN texts t ON t.owner_uuid = l.uuid WHERE "
        "t.field = 'body' AND t.deleted = 0 AND l.deleted = 0 AND instr(t.value, ?) > 0",
        (f"(species:{SAIGA_DIAGRAM})",))]
    assert lessons  # the starter course shows the diagram in a lesson
    tab = pictures_tab(page, store, media)
    before = rows_of(store, media)
    assert before[("media", media)]["deleted"] == 0

    asked = asking(monkeypatch, QMessageBox.StandardButton.No)
    tab.delete_picture_button.click()
    prompt = asked[0]
    for name in (f"question {question}", "species saiga-tatarica", "1 feature marker",
                 *(f"lesson {slug}" for slug in lessons)):
        assert name in prompt, (name, prompt)
    assert rows_of(store, media) == before  # "No" changes nothing

    asking(monkeypatch, QMessageBox.StandardButton.Yes)
    tab.delete_picture_button.click()
    gone = rows_of(store, media)
    assert live(gone) == {}  # media row, link, marker and texts
    assert media not in store.photos.for_species(store.species.uuid_for("saiga-tatarica"))
    assert tab.current_media() != media

    tab.undo_button.click()
    assert rows_of(store, media) == before  # the exact rows, every one live again
    assert tab.current_media() == media
    item = store.media.get(media, "ru")
    assert item is not None and item.path.exists() and len(item.markers) == 1
    tab.redo_button.click()
    assert live(rows_of(store, media)) == {}


def test_an_imported_photo_can_be_undone(page, window, tmp_path, monkeypatch):
    store = window.ctx.store
    tab = page.show_tab("pictures")
    saiga = store.species.uuid_for("saiga-tatarica")
    tab.show_species(saiga)
    path = tmp_path / "skin.png"
    Image.new("RGB", (200, 100), (90, 90, 90)).save(path)

    def accept(dialog):
        dialog.licence.setCurrentIndex(dialog.licence.findData("CC0-1.0"))
        dialog.author.setText("A. Trainer")
        dialog.source.setText("training centre")
        dialog._ok()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("idtrainer.gui.authoring.pictures.PhotoDialog.exec", accept)
    tab.import_path(path)
    media = tab.current_media()
    assert media in store.photos.for_species(saiga)
    tab.undo_button.click()
    assert media not in store.photos.for_species(saiga)
    tab.redo_button.click()
    assert media in store.photos.for_species(saiga)


def text_rows(store, owner: str) -> dict:
    return {r["uuid"]: {k: v for k, v in r.items() if k not in STAMPS} for r in store.query(
        "SELECT * FROM texts WHERE owner_uuid = ? AND deleted = 0", (owner,))}


def test_saved_lesson_edits_undo_and_redo(page, window, monkeypatch):
    store = window.ctx.store
    tab = page.show_tab("lessons")
    assert isinstance(tab, LessonsTab)
    tab.language.setCurrentIndex(tab.language.findData("ru"))
    lesson = store.scalar("SELECT uuid FROM lessons WHERE slug = 'what-is-cites'")
    tab.select("lessons", lesson)
    before = text_rows(store, lesson)
    tab.title_edit.setText("Что такое СИТЕС (правка)")
    tab.editor.setPlainText(tab.editor.toPlainText() + "\n\nНовый абзац.")
    tab.save_button.click()
    after = text_rows(store, lesson)
    assert after != before
    tab.undo_button.click()
    assert text_rows(store, lesson) == before  # words and statuses
    assert tab.title_edit.text() == before[content_uuid("text", f"{lesson}/title/ru")]["value"]
    assert not tab.dirty()
    tab.redo_button.click()
    assert text_rows(store, lesson) == after
    assert tab.title_edit.text() == "Что такое СИТЕС (правка)"

    # Order: moving down and back.
    module = store.scalar("SELECT module_uuid FROM lessons WHERE uuid = ?", (lesson,))

    def order() -> list[str]:
        return [r["uuid"] for r in store.query(
            "SELECT uuid FROM lessons WHERE module_uuid = ? AND deleted = 0 "
            "ORDER BY position, slug", (module,))]

    first = order()
    tab.move_item(1)
    assert order() != first
    tab.undo_button.click()
    assert order() == first

    # A new lesson, then deleting it (asked first), each undone.
    monkeypatch.setattr(QDialog, "exec", lambda dialog: _new_item(dialog, "Новый урок",
                                                                  "new-lesson"))
    created = tab.add_lesson()
    assert created and created in order()
    tab.undo_button.click()
    assert created not in order() and tab.current is None
    tab.redo_button.click()
    assert created in order()
    tab.select("lessons", created)
    asked = asking(monkeypatch, QMessageBox.StandardButton.Yes)
    tab.delete_button.click()
    assert "Новый урок" in asked[0] and created not in order()
    tab.undo_button.click()
    assert created in order() and tab.current == ("lessons", created)
    assert tab.title_edit.text() == "Новый урок"


def _new_item(dialog, title: str, slug: str):
    dialog.title_field.setText(title)
    dialog.slug_field.setText(slug)
    dialog._ok()
    return dialog.result()


def test_an_undo_on_another_tab_shows_in_the_open_lesson(page, window, qtbot):
    """The session's Undo on the Pictures tab takes back a lesson edit saved on the
    Lessons tab: the lesson open there shows the words as they are now; unsaved words in
    its editor are never replaced."""
    from PySide6.QtWidgets import QApplication

    store = window.ctx.store
    tab = page.show_tab("lessons")
    tab.language.setCurrentIndex(tab.language.findData("ru"))
    lesson = store.scalar("SELECT uuid FROM lessons WHERE slug = 'what-is-cites'")
    tab.select("lessons", lesson)
    before = tab.editor.toPlainText()
    tab.editor.setPlainText(before + "\n\nАбзац, который отменят.")
    tab.save_button.click()
    pictures = page.show_tab("pictures")
    assert isinstance(pictures, PicturesTab)
    pictures.undo_button.click()
    qtbot.waitUntil(lambda: tab.editor.toPlainText() == before)
    assert not tab.dirty()

    pictures.redo_button.click()  # the edit again, while unsaved words wait in the editor
    QApplication.processEvents()
    assert "Абзац, который отменят." in tab.editor.toPlainText()
    tab.editor.setPlainText("Несохранённый текст.")
    pictures.undo_button.click()
    QApplication.processEvents()
    assert tab.editor.toPlainText() == "Несохранённый текст." and tab.dirty()
    # The preview follows typing after a pause: let it run while the database is open.
    qtbot.waitUntil(lambda: not tab.timer.isActive())
