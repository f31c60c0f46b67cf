"""Issue 13's round trip from the GUI (pytest-qt): in trainer mode, through the workspace's
own tabs, write a species, import a photo for it and mark two of its features on it,
write a lesson, a question of each of the six types, translate a field into Kazakh and
mark it reviewed; export the course through the "Course files" tab, import that folder
into an empty database through the same tab, and find everything there as it was written
(texts with their status and reviewer, the photo and its markers). The photo import and
the export and import run on worker threads, as in the app.

The same edits reach an officer's laptop in a content bundle (the last part)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from tests.gui.test_authoring_lessons_translations import author, fill_new_item
from tests.gui.test_authoring_species_questions import problems, type_species

from idtrainer.core import bundles
from idtrainer.core.authoring_texts import FieldKey
from idtrainer.core.store import Store, content_uuid
from idtrainer.gui import runner
from idtrainer.gui.authoring import pictures
from idtrainer.gui.authoring.files import FilesTab
from idtrainer.gui.authoring.questions_tab import OptionRow, PairRow, QuestionsTab
from idtrainer.gui.authoring.species_tab import SpeciesTab
from idtrainer.gui.authoring.translations import TranslationsTab

SPECIES = "felis-chaus"
REVIEWER = "Айгерим Сейітова"        # the trainee signed in (tests/gui/conftest.py)
#: Who wrote a row and when, and where it was made: differ between databases by design.
STAMPS = ("rev", "updated_at", "updated_by", "origin")
WAIT = 60_000                         # ms; qtbot.waitUntil returns as soon as it holds


@pytest.fixture
def trainer(signed_in):
    window = signed_in
    window.ctx.store.trainer.set_password("steppe-eagle-7", name="Trainer")
    window.ctx.unlock_trainer()
    runner.set_inline(False)          # worker threads, as in the app
    yield window
    runner.set_inline(True)
    window.ctx.lock_trainer()


def camera_photo(path: Path) -> Path:
    """A JPEG as a camera writes it: EXIF with the make and GPS coordinates."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 57.0, 12.0)})
    image = Image.new("RGB", (900, 600), (190, 170, 120))
    image.paste((90, 70, 40), (300, 200, 600, 400))
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def write_species(window) -> str:
    tab = author(window, "species")
    assert isinstance(tab, SpeciesTab)
    type_species(tab)
    tab.features.add_button.click()
    tab.features.rows[1].inputs["ru"].setPlainText("Тёмные кольца на конце хвоста")
    assert "✕" not in problems(tab), problems(tab)
    tab.bar.buttons["save"].click()
    uuid = content_uuid("species", SPECIES)
    assert window.ctx.store.species.uuid_for(SPECIES) == uuid
    return uuid


def import_photo(window, qtbot, monkeypatch, species: str, path: Path) -> str:
    store = window.ctx.store
    tab = author(window, "pictures")
    assert isinstance(tab, pictures.PicturesTab)
    tab.show_species(species)
    assert tab.current_media() is None          # no picture yet
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    def fill(dialog: pictures.PhotoDialog) -> int:
        assert dialog.species.currentData() == species
        dialog.licence.setCurrentIndex(dialog.licence.findData("CC-BY-4.0"))
        dialog.author.setText("Aigerim S.")
        dialog.source.setText("Seized at the Khorgos post, photographed at the centre")
        dialog.caption.setText("Seized skin")
        dialog._ok()
        return dialog.result()

    monkeypatch.setattr(pictures.PhotoDialog, "exec", fill)
    # Wait for the import's on_done: it runs once the worker is finished and the window
    # takes input again (the list of pictures may fill earlier, on the change notice).
    done: list[object] = []
    shown = tab._imported
    monkeypatch.setattr(tab, "_imported", lambda details, media: (
        shown(details, media), done.append(media)))
    tab.import_button.click()
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT)
    (photo,) = store.photos.for_species(species)
    assert tab.current_media() == photo
    with Image.open(store.media.get(photo, "en").path) as stored:
        assert len(stored.getexif()) == 0       # no EXIF, no GPS
    # Two markers, placed by clicking on the picture, each tied to one feature.
    for (x, y), number in (((0.3, 0.4), 1), ((0.7, 0.6), 2)):
        monkeypatch.setattr(tab, "choose_feature",
                            lambda choices, where, n=number: choices[n - 1])
        point = tab.canvas.point_for(x, y).toPoint()
        qtbot.mouseClick(tab.canvas, Qt.MouseButton.LeftButton, pos=point)
    markers = store.markers.on(photo, "ru")
    assert [m.number for m in markers] == [1, 2]
    assert markers[1].label is not None and markers[1].label.value.startswith("Тёмные кольца")
    return photo


def write_lesson(window, monkeypatch, photo: str) -> str:
    tab = author(window, "lessons")
    tab.language.setCurrentIndex(tab.language.findData("ru"))
    fill_new_item(monkeypatch, "Дикие кошки", "wild-cats")
    tab.add_module()
    fill_new_item(monkeypatch, "Манул", "manul")
    lesson = tab.add_lesson()
    tab.editor.setPlainText(f"# Манул\n\nКарточка: [манул](species:{SPECIES}).\n\n"
                            f"![Изъятая шкура](media:{photo})\n\n{{{{features:{SPECIES}}}}}")
    tab.update_preview()
    assert tab.problems.text() == ""
    assert tab.save()
    return lesson


def write_questions(window) -> None:
    questions = author(window, "questions")
    assert isinstance(questions, QuestionsTab)
    photo_index = None

    def start(slug: str, qtype: str) -> None:
        questions.bar.buttons["new"].click()
        questions.slug.setText(slug)
        questions.qtype.setCurrentIndex(questions.qtype.findData(qtype))
        questions.module.setCurrentIndex(questions.module.findData(
            content_uuid("module", "wild-cats")))
        questions.stem.inputs["ru"].setPlainText(f"Вопрос о мануле ({qtype})?")
        questions.feedback.inputs["ru"].setPlainText(
            "У манула низко посаженные округлые уши и тёмные кольца на хвосте.")
        questions.species.setText(SPECIES)

    def option(text: str = "", species: str = "", correct: bool = False) -> None:
        questions.options.add_button.click()
        row = questions.options.rows[-1]
        assert isinstance(row, OptionRow)
        if species:
            row.species.set_value(species)
            row._species_changed()
        else:
            row.words.inputs["ru"].setText(text)
        row.correct.setChecked(correct)

    def save() -> None:
        assert "✕" not in problems(questions), problems(questions)
        questions.bar.buttons["save"].click()

    start("manul-single", "single")
    option("Манул", correct=True)
    option("Рысь")
    option("Каракал")
    save()
    start("manul-multiple", "multiple")
    option("Кошка", correct=True)
    option(species=SPECIES, correct=True)
    option("Антилопа")
    save()
    start("manul-truefalse", "truefalse")
    questions.truth.setCurrentIndex(questions.truth.findData(True))
    save()
    start("manul-image", "image")
    option(species=SPECIES, correct=True)
    option(species="saiga-tatarica")
    photo_index = questions.picture.findData(
        window.ctx.store.photos.for_species(content_uuid("species", SPECIES))[0])
    assert photo_index > 0
    questions.picture.setCurrentIndex(photo_index)
    save()
    start("manul-matching", "matching")
    for left, right in (("Манул", "Приложение II"), ("Сайгак", "Приложение II, аннотация")):
        questions.pairs.add_button.click()
        pair = questions.pairs.rows[-1]
        assert isinstance(pair, PairRow)
        pair.left.inputs["ru"].setText(left)
        pair.right.inputs["ru"].setText(right)
    save()
    start("manul-appendix", "appendix")
    questions.appendix.setCurrentIndex(questions.appendix.findData("II"))
    save()


def translate_and_review(window, key: FieldKey) -> None:
    tab = author(window, "translations")
    assert isinstance(tab, TranslationsTab)
    tab.target.setCurrentIndex(tab.target.findData("kk"))
    tab.kind.setCurrentIndex(tab.kind.findData(key.table))
    row = next(i for i, e in enumerate(tab.listed) if e.key == key)
    tab.table.setCurrentCell(row, 0)
    assert tab.source_text.toPlainText() == "Небольшая дикая кошка."
    tab.target_text.setPlainText("Шағын жабайы мысық.")
    tab.save_button.click()
    tab.review_button.click()


def export_through_the_tab(window, qtbot, monkeypatch, folder: Path) -> None:
    tab = author(window, "files")
    assert isinstance(tab, FilesTab)
    assert "wild-cats" in tab.ticked_modules()      # the new module is listed
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    tab.export_all_button.click()
    qtbot.waitUntil(lambda: "Exported" in tab.log.toPlainText(), timeout=WAIT)


def import_through_the_tab(qtbot, monkeypatch, store: Store, folder: Path) -> None:
    from idtrainer.gui.context import AppContext

    ctx = AppContext(store)
    tab = FilesTab(ctx)
    qtbot.addWidget(tab)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    tab.import_button.click()
    qtbot.waitUntil(lambda: "Imported" in tab.log.toPlainText(), timeout=WAIT)
    assert "Not done" not in tab.log.toPlainText()
    ctx.detach()


# -- what is compared ----------------------------------------------------------------------

def _rows(store: Store, table: str, where: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in STAMPS}
            for r in store.query(f"SELECT * FROM [{table}] WHERE deleted = 0 AND {where} "
                                 "ORDER BY uuid", params)]


def authored(store: Store, lesson: str) -> dict[str, Any]:
    """Everything the test wrote, as rows; the photo's uuid (random when imported in the
    app, derived from its file when loaded) is written as PHOTO."""
    species = content_uuid("species", SPECIES)
    taxon = content_uuid("taxon", SPECIES)
    (photo,) = store.photos.for_species(species)
    out: dict[str, Any] = {
        "taxa": [{k: v for k, v in r.items() if k not in ("source", "cites_taxon_id")}
                 for r in _rows(store, "taxa", "uuid = ?", (taxon,))],
        "cites_listings": _rows(store, "cites_listings", "taxon_uuid = ?", (taxon,)),
        "species": _rows(store, "species", "uuid = ?", (species,)),
        **{t: _rows(store, t, "species_uuid = ?", (species,))
           for t in ("species_features", "species_products", "lookalikes")},
        "modules": _rows(store, "modules", "slug = 'wild-cats'"),
        "lessons": _rows(store, "lessons", "uuid = ?", (lesson,)),
        "questions": _rows(store, "questions", "slug LIKE 'manul-%'"),
        "question_options": _rows(store, "question_options", "question_uuid IN (SELECT uuid "
                                  "FROM questions WHERE slug LIKE 'manul-%')"),
        "media": [{k: v for k, v in r.items() if k != "uuid"}
                  for r in _rows(store, "media", "uuid = ?", (photo,))],
        "media_links": [{k: v for k, v in r.items() if k != "uuid"}
                        for r in _rows(store, "media_links", "media_uuid = ?", (photo,))],
        # without their uuids (random in the app, derived from the files when loaded):
        # in the order they were placed
        "picture_markers": sorted(({k: v for k, v in r.items() if k != "uuid"}
                                   for r in _rows(store, "picture_markers", "media_uuid = ?",
                                                  (photo,))), key=lambda r: r["position"]),
    }
    owners = {r["uuid"] for rows in out.values() for r in rows if "uuid" in r} | {photo}
    out["texts"] = sorted(
        (r["owner_table"], r["owner_uuid"], r["field"], r["locale"], r["value"], r["status"],
         r["reviewed_by"], r["reviewed_at"])
        for r in store.query("SELECT * FROM texts WHERE deleted = 0 AND owner_uuid IN "
                             "(SELECT value FROM json_each(?))", (json.dumps(sorted(owners)),)))
    dumped = json.dumps(out, ensure_ascii=False, sort_keys=True)
    # A lesson written in the app shows the photo as media:<uuid>; the files name it by
    # its species folder (docs/content-format.md), which loading turns into its uuid.
    name = store.scalar("SELECT original_name FROM media WHERE uuid = ?", (photo,))
    dumped = dumped.replace(f"media:{photo}", f"species:{SPECIES}/media/{name}")
    return json.loads(dumped.replace(photo, "PHOTO"))


def test_author_export_and_load_into_an_empty_database(trainer, qtbot, monkeypatch,
                                                       tmp_path: Path):
    window = trainer
    store = window.ctx.store
    species = write_species(window)
    photo = import_photo(window, qtbot, monkeypatch, species, camera_photo(tmp_path / "IMG_1.jpg"))
    lesson = write_lesson(window, monkeypatch, photo)
    write_questions(window)
    summary = FieldKey("species", species, "summary")
    translate_and_review(window, summary)
    kk = store.query_one("SELECT * FROM texts WHERE owner_uuid = ? AND field = 'summary' AND "
                         "locale = 'kk'", (species,))
    assert (kk["value"], kk["status"], kk["reviewed_by"]) == (
        "Шағын жабайы мысық.", "reviewed", REVIEWER)

    wrote = authored(store, lesson)
    assert len(wrote["picture_markers"]) == 2
    assert sorted(q["qtype"] for q in wrote["questions"]) == sorted(
        ["single", "multiple", "truefalse", "image", "matching", "appendix"])
    assert all(q["module_uuid"] == content_uuid("module", "wild-cats")
               for q in wrote["questions"])
    assert any(t[6] == REVIEWER for t in wrote["texts"])

    folder = tmp_path / "course-files"
    export_through_the_tab(window, qtbot, monkeypatch, folder)
    assert (folder / f"species/{SPECIES}/media/IMG_1.jpg").is_file()
    assert "[[images.markers]]" in (folder / f"species/{SPECIES}/species.toml").read_text(
        encoding="utf-8")
    with Store.open(tmp_path / "empty" / "idtrainer.sqlite",
                    media_root=tmp_path / "empty" / "media") as other:
        assert other.count("species") == 0
        import_through_the_tab(qtbot, monkeypatch, other, folder)
        assert authored(other, lesson) == wrote
        (arrived,) = other.photos.for_species(species)
        assert arrived == content_uuid("media", f"{SPECIES}/media/IMG_1.jpg")
        assert [(m.number, m.label.value if m.label else "") for m in
                other.markers.on(arrived, "ru")] == [
            (m.number, m.label.value if m.label else "") for m in store.markers.on(photo, "ru")]
        assert other.media.get(arrived, "ru").path.read_bytes() == \
            store.media.get(photo, "ru").path.read_bytes()
        assert other.check() == []

    # The same edits reach an officer's laptop in the next content bundle.
    bundle = bundles.export_bundle(store, "content", tmp_path / "course.idtb")
    with Store.open(tmp_path / "laptop" / "idtrainer.sqlite",
                    media_root=tmp_path / "laptop" / "media") as laptop:
        bundles.import_bundle(laptop, bundle.path, trust=lambda manifest: True)
        assert laptop.species.uuid_for(SPECIES) == species
        assert [(m.number, m.x, m.y) for m in laptop.markers.on(photo, "kk")] == [
            (m.number, m.x, m.y) for m in store.markers.on(photo, "kk")]
        assert laptop.media.get(photo, "ru").path.is_file()
        assert laptop.lessons.lesson(lesson, "ru").body.value == \
            store.lessons.lesson(lesson, "ru").body.value
        assert laptop.scalar("SELECT count(*) FROM questions WHERE slug LIKE 'manul-%' "
                             "AND deleted = 0") == 6
        assert laptop.scalar("SELECT reviewed_by FROM texts WHERE owner_uuid = ? AND field = "
                             "'summary' AND locale = 'kk'", (species,)) == REVIEWER

