"""Languages side by side and lessons written in the app (core): statuses, who reviewed
what and when, the walk through what is left, lessons and modules as synced changes that
reach other laptops in a content bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from idtrainer.core import bundles
from idtrainer.core.authoring_lessons import LessonAuthoring, LessonError
from idtrainer.core.authoring_texts import FieldKey, TranslationDesk, TranslationError
from idtrainer.core.store import Store


@pytest.fixture
def trainer(make_laptop):
    s = make_laptop("A")
    s.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
    return s


def lesson_key(store: Store, field: str = "title") -> FieldKey:
    uuid = store.scalar("SELECT uuid FROM lessons WHERE slug = 'what-is-cites'")
    return FieldKey("lessons", uuid, field)


def row(store: Store, key: FieldKey, locale: str) -> dict:
    return store.query_one("SELECT * FROM texts WHERE owner_table = ? AND owner_uuid = ? AND "
                           "field = ? AND locale = ?", (key.table, key.owner, key.field, locale))


def test_schema_7_adds_who_reviewed_and_when(store: Store):
    columns = {r[1]: r for r in store.conn.execute("PRAGMA table_info(texts)")}
    assert columns["reviewed_by"][4] == "''" and columns["reviewed_at"][3] == 0


def test_every_field_of_the_course_is_listed_with_its_state(loaded: Store):
    desk = TranslationDesk(loaded)
    entries = desk.entries("ru", "kk")
    tables = {e.key.table for e in entries}
    assert {"taxa", "species", "species_features", "lessons", "modules", "questions",
            "question_options", "media"} <= tables
    # The starter's Kazakh is machine-grade throughout, nothing reviewed yet.
    assert {e.state for e in entries} == {"machine"}
    title = next(e for e in entries if e.key == lesson_key(loaded))
    assert title.source.locale == "ru" and title.target.locale == "kk"
    assert title.item == title.source.value  # a lesson is named by its title
    feature = next(e for e in entries if e.key.table == "species_features")
    assert " · " in feature.item  # a feature is named after its species
    assert desk.entries("ru", "kk", table="lessons", state="missing") == []


def test_reviewing_records_who_and_when_and_editing_forgets_it(loaded: Store, clock):
    loaded.clock = clock
    desk = TranslationDesk(loaded)
    key = lesson_key(loaded)
    before = row(loaded, key, "kk")
    desk.save(key, "kk", "СИТЕС деген не", "reviewed", reviewer="Айгерим Сейітова")
    after = row(loaded, key, "kk")
    assert (after["value"], after["status"]) == ("СИТЕС деген не", "reviewed")
    assert after["reviewed_by"] == "Айгерим Сейітова"
    assert after["reviewed_at"] == loaded.now()
    assert after["rev"] == before["rev"] + 1 and after["updated_by"] == loaded.device_id
    # Saving the same again changes nothing, not even the time of the review.
    clock.now = clock.now.replace(hour=11)
    assert desk.mark_reviewed(key, "kk", "Айгерим Сейітова") == "unchanged"
    # Changed words are a draft again, and the review is gone with them.
    desk.save(key, "kk", "СИТЕС дегеніміз не", "draft")
    again = row(loaded, key, "kk")
    assert (again["status"], again["reviewed_by"], again["reviewed_at"]) == ("draft", "", None)


def test_bad_translations_are_refused_and_change_nothing(loaded: Store):
    desk = TranslationDesk(loaded)
    key = lesson_key(loaded)
    before = row(loaded, key, "kk")
    with pytest.raises(TranslationError, match="empty"):
        desk.save(key, "kk", "   ", "draft")
    with pytest.raises(TranslationError, match="who did it"):
        desk.save(key, "kk", "Жаңа", "reviewed", reviewer="")
    with pytest.raises(TranslationError, match="no species"):
        desk.save(lesson_key(loaded, "body"), "kk", "[x](species:no-such-animal)", "draft")
    assert row(loaded, key, "kk") == before


def test_next_untranslated_and_next_unreviewed_walk_through_what_is_left(loaded: Store):
    desk = TranslationDesk(loaded)
    lessons = LessonAuthoring(loaded)
    module = loaded.scalar("SELECT uuid FROM modules WHERE slug = 'm1-cites-convention'")
    new = lessons.create_lesson(module, "permits", "Разрешения СИТЕС", "ru")
    first = desk.next("untranslated", "ru", "kk")
    assert first is not None and first.key.owner == new and first.state == "missing"
    second = desk.next("untranslated", "ru", "kk", after=first.key)
    assert second.key.owner == new and second.key != first.key
    desk.save(first.key, "kk", "СИТЕС рұқсаттары", "draft")
    desk.save(second.key, "kk", "# СИТЕС рұқсаттары\n", "machine")
    assert desk.next("untranslated", "ru", "kk") is None
    # Unreviewed: every machine and draft text, in list order, wrapping round.
    listed = desk.entries("ru", "kk", table="lessons")
    walk = desk.next("unreviewed", "ru", "kk", table="lessons")
    assert walk.key == listed[0].key
    desk.mark_reviewed(walk.key, "kk", "Trainer")
    after = desk.next("unreviewed", "ru", "kk", after=walk.key, table="lessons")
    assert after.key == listed[1].key
    last = desk.next("unreviewed", "ru", "kk", after=listed[-1].key, table="lessons")
    assert last.key == listed[1].key  # wrapped round past the reviewed one
    assert desk.missing("lessons")["kk"] == 0 and desk.missing("lessons")["uz"] == 2


def test_lessons_and_modules_are_created_edited_moved_and_deleted(loaded: Store):
    core = LessonAuthoring(loaded)
    module = core.create_module("m5-reptiles", "Рептилии в торговле", "ru")
    assert [m.slug for m in core.outline("ru")][-1] == "m5-reptiles"
    a = core.create_lesson(module, "tortoises", "Черепахи", "ru")
    b = core.create_lesson(module, "lizards", "Ящерицы", "ru")
    assert [lesson.uuid for lesson in core.outline("ru")[-1].lessons] == [a, b]
    body = ("# Черепахи\n\nСреднеазиатская [черепаха](species:testudo-horsfieldii).\n\n"
            "{{features:testudo-horsfieldii}}\n")
    assert core.save("lessons", a, "ru", "Черепахи в торговле", body)
    lesson = loaded.lessons.lesson(a, "ru")
    assert lesson.title.value == "Черепахи в торговле" and lesson.body.value == body
    assert lesson.body.status == "draft"
    assert core.move("lessons", b, -1)
    assert [lesson.uuid for lesson in core.outline("ru")[-1].lessons] == [b, a]
    assert not core.move("lessons", b, -1)
    core.rename("modules", module, "Рептилии", "kk")
    assert core.draft("modules", module, "kk").title == "Рептилии"
    # Wrong input: one clear message and nothing written.
    with pytest.raises(LessonError, match="already"):
        core.create_module("m5-reptiles", "Снова", "ru")
    with pytest.raises(LessonError, match="id"):
        core.create_lesson(module, "Bad Id", "Плохо", "ru")
    with pytest.raises(LessonError, match="no species"):
        core.save("lessons", a, "ru", "T", "[x](species:unicorn)")
    assert loaded.lessons.lesson(a, "ru").body.value == body
    # Deleting says what points at it; a module with questions is refused.
    m1 = loaded.scalar("SELECT uuid FROM modules WHERE slug = 'm1-cites-convention'")
    assert core.dependents("modules", m1).questions > 0
    with pytest.raises(LessonError, match="questions"):
        core.delete("modules", m1)
    assert core.dependents("modules", module).lessons == 2
    core.delete("modules", module)
    assert "m5-reptiles" not in [m.slug for m in core.outline("ru")]
    assert loaded.scalar("SELECT count(*) FROM texts WHERE owner_uuid IN (?, ?, ?) AND "
                         "deleted = 0", (module, a, b)) == 0
    assert loaded.check() == []


def test_problems_name_dangling_links_and_pictures(loaded: Store):
    core = LessonAuthoring(loaded)
    pictures = core.picture_choices("ru")
    assert pictures and all(p.ref.startswith(p.species_slug + "/") for p in pictures)
    ok = f"![x](species:{pictures[0].ref}) [saiga](species:saiga-tatarica)"
    assert core.problems("Title", ok) == []
    found = core.problems("", "[a](species:nope) ![b](species:saiga-tatarica/media/no.svg) "
                              "{{features:zzz}}")
    assert len(found) == 4 and "empty" in found[0]


def test_edits_and_reviews_reach_a_laptop_in_the_next_content_bundle(
        trainer: Store, make_laptop, tmp_path: Path):
    desk = TranslationDesk(trainer)
    core = LessonAuthoring(trainer)
    module = trainer.scalar("SELECT uuid FROM modules WHERE slug = 'm1-cites-convention'")
    lesson = core.create_lesson(module, "permits", "Разрешения", "ru")
    core.save("lessons", lesson, "ru", "Разрешения", "# Разрешения\n\nТекст.\n")
    key = lesson_key(trainer)
    desk.save(key, "kk", "СИТЕС деген не?", "reviewed", reviewer="Айгерим")
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "next.idtb")
    other = make_laptop("B")
    bundles.import_bundle(other, bundle.path, trust=lambda m: True)
    got = row(other, key, "kk")
    assert (got["value"], got["status"], got["reviewed_by"]) == \
        ("СИТЕС деген не?", "reviewed", "Айгерим")
    assert got["reviewed_at"] == row(trainer, key, "kk")["reviewed_at"]
    assert other.lessons.lesson(lesson, "ru").body.value == "# Разрешения\n\nТекст.\n"
    assert [lesson_.slug for lesson_ in other.lessons.lessons(module, "ru")][-1] == "permits"


def test_a_new_name_is_found_by_search_at_once(loaded: Store):
    taxon = loaded.scalar("SELECT uuid FROM taxa WHERE slug = 'saiga-tatarica'")
    TranslationDesk(loaded).save(FieldKey("taxa", taxon, "name"), "kk", "Ақбөкенқұлақ",
                                 "reviewed", reviewer="Айгерим")
    assert loaded.species.uuid_for("saiga-tatarica") in [
        s.uuid for s in loaded.species.search("ақбөкенқұлақ", "kk")]


def test_a_module_written_in_the_app_travels_alone_with_what_it_links_to(
        trainer: Store, tmp_path: Path):
    core = LessonAuthoring(trainer)
    module = core.create_module("m5-reptiles", "Рептилии", "ru")
    lesson = core.create_lesson(module, "tortoises", "Черепахи", "ru")
    picture = next(p for p in core.picture_choices("ru")
                   if p.species_slug == "testudo-horsfieldii")
    body = (f"# Черепахи\n\n![Черепаха](species:{picture.ref})\n\n"
            "[Карточка](species:testudo-horsfieldii)\n")
    core.save("lessons", lesson, "ru", "Черепахи", body)
    part = bundles.export_bundle(trainer, "content", tmp_path / "m5.idtb", modules=[module])
    empty = Store.open(tmp_path / "E" / "idtrainer.sqlite")
    try:
        bundles.import_bundle(empty, part.path, trust=lambda m: True)
        assert empty.lessons.lesson(lesson, "ru").body.value == body
        assert empty.species.uuid_for("testudo-horsfieldii") is not None
        assert empty.media.get(picture.media_uuid, "ru") is not None
        assert empty.check() == []
    finally:
        empty.close()
