from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from idtrainer.core.content import ContentError, load_starter_content, read_content
from idtrainer.core.store import Store

FIXTURE = Path(__file__).parent.parent / "data" / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the small test content set, to corrupt."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        read_content(root)
    return [str(p) for p in info.value.problems]


def test_shipped_starter_content_is_valid():
    content = read_content()
    assert len(content.species) >= 3
    assert content.modules and all(m.lessons for m in content.modules)
    assert content.questions
    for species in content.species:
        assert species.listing and species.listing["checked_on"]
        assert species.images and all(i.licence and i.author and i.source
                                      for i in species.images)


def test_starter_content_loads_into_a_store(loaded: Store):
    assert loaded.species.count() >= 3
    assert loaded.lessons.lesson_count() >= 1
    assert loaded.questions.count() >= 1
    assert loaded.check() == []
    assert loaded.media.missing_files() == []


def test_loading_twice_changes_nothing(store: Store, content: Path):
    first = load_starter_content(store, content)
    assert first.total("added") > 0
    again = load_starter_content(store, content)
    assert again.total("added") == again.total("updated") == 0
    assert again.total("unchanged") == first.total("added")


def test_an_edit_updates_and_a_removed_item_is_tombstoned(store: Store, content: Path):
    load_starter_content(store, content)
    species = content / "species" / "panthera-uncia" / "species.toml"
    edit(species, 'appendix = "I"', 'appendix = "II"')
    edit(species, '[[products]]\ntype = "skin"\nen = "Skins, often folded in luggage"\n', "")
    summary = load_starter_content(store, content)
    assert summary.counts[("cites_listings", "updated")] == 1
    assert summary.counts[("species_products", "updated")] == 1  # the tombstone
    card = store.species.card(store.species.uuid_for("panthera-uncia"), "en")
    assert card.listing.appendix == "II" and card.products == []


@pytest.mark.parametrize(("file", "old", "new", "field", "reason"), [
    ("species/panthera-uncia/species.toml", 'appendix = "I"', 'appendix = "IV"',
     "cites.appendix", "must be one of"),
    ("species/panthera-uncia/species.toml", "checked_on = 2026-11-01\n", "",
     "cites.checked_on", "is required"),
    ("species/panthera-uncia/species.toml", 'group = "mammals"', 'group = "dragons"',
     "group", "must be one of"),
    ("species/panthera-uncia/species.toml", 'licence = "CC0-1.0"', 'licence = "CC-BY-NC-4.0"',
     "images[1].licence", "not an accepted open licence"),
    ("species/panthera-uncia/species.toml", 'file = "media/rosette.svg"',
     'file = "media/missing.png"', "images[1].file", "cannot read the image"),
    ("species/panthera-uncia/species.toml", 'en = "Snow leopard"', 'xx = "Snow leopard"',
     "name.xx", "unknown locale"),
    ("species/panthera-uncia/species.toml", 'id = "panthera-uncia"', 'id = "Panthera Uncia"',
     "id", "lowercase"),
    ("species/panthera-uncia/species.toml", "[cites]", "[cites\n", "-", "not valid TOML"),
    ("course/questions/basics.toml", 'answer = "I"', 'answer = "V"',
     "question[q-appendix].answer", "must be one of"),
    ("course/questions/basics.toml", 'module = "m1-basics"', 'module = "m9-nowhere"',
     "question[q-appendix].module", "no module with id"),
    ("course/questions/basics.toml", "answer = true", 'answer = "yes"',
     "question[q-tf].answer", "must be true or false"),
    ("course/questions/basics.toml", "correct = true", "correct = false",
     "question[q-single].options", "exactly one option"),
    ("course/modules/m1-basics/module.toml", "position = 1", 'position = "first"',
     "position", "whole number"),
    ("course/modules/m1-basics/first-lesson.en.md", "species:panthera-uncia)",
     "species:panthera-unica)", "species:panthera-unica", "no species with this id"),
])
def test_a_malformed_file_is_named_with_its_field(content: Path, file, old, new, field, reason):
    edit(content / file, old, new)
    found = problems_of(content)
    expected_prefix = f"{content / file}: {field}: "
    assert any(p.startswith(expected_prefix) and reason in p for p in found), found


def test_every_problem_is_reported_at_once(content: Path):
    species = content / "species" / "panthera-uncia" / "species.toml"
    edit(species, 'appendix = "I"', 'appendix = "IV"')
    edit(species, 'group = "mammals"', 'group = "dragons"')
    edit(content / "course" / "course.toml", 'id = "test-course"', 'id = "Bad Id"')
    assert len(problems_of(content)) == 3


def test_a_stray_lesson_file_is_reported(content: Path):
    (content / "course" / "modules" / "m1-basics" / "frist-lesson.en.md").write_text("typo")
    assert any("frist-lesson.en.md: -: no lesson with this id" in p
               for p in problems_of(content))


def test_invalid_content_leaves_the_store_unchanged(store: Store, content: Path):
    load_starter_content(store, content)
    before = list(store.conn.iterdump())
    edit(content / "species" / "panthera-uncia" / "species.toml", 'appendix = "I"',
         'appendix = "X"')
    with pytest.raises(ContentError):
        load_starter_content(store, content)
    assert list(store.conn.iterdump()) == before


def test_uuids_are_the_same_on_every_laptop(tmp_path: Path, content: Path):
    with Store.open(tmp_path / "a.sqlite") as a, Store.open(tmp_path / "b.sqlite") as b:
        load_starter_content(a, content)
        load_starter_content(b, content)
        sql = "SELECT uuid FROM {} ORDER BY uuid"
        for table in ("species", "texts", "questions", "question_options", "lessons", "media"):
            assert a.query(sql.format(table)) == b.query(sql.format(table))
        assert a.device_id != b.device_id


def test_duplicate_options_are_refused(content: Path):
    questions = content / "course" / "questions" / "basics.toml"
    edit(questions, 'text = { en = "Lynx", ru = "Рысь" }',
         'text = { en = "Lynx", ru = "Снежный барс" }\n[[question.options]]\n'
         'text = { en = "lynx", ru = "Рысь" }')
    found = problems_of(content)
    assert any("question[q-single].options: options 2 and 3 are the same" in p for p in found)


def test_content_report_counts(content: Path):
    from idtrainer.core.content_report import build_report

    report = build_report(read_content(content))
    assert report.species == 1 and report.species_by_appendix["I"] == 1
    assert report.modules == [("m1-basics", 1)]
    assert report.questions_by_type["appendix"] == 1 and report.questions_by_type["matching"] == 0
    assert report.images_by_licence == {"CC0-1.0": 1}
    assert report.completeness("en") == 1.0 and report.completeness("kk") < 0.1


def test_a_lookalike_may_point_at_a_species_loaded_later(store: Store, content: Path):
    # "aaa-first" sorts before "panthera-uncia" and names it as a lookalike.
    first = content / "species" / "aaa-first"
    shutil.copytree(content / "species" / "panthera-uncia", first)
    toml = first / "species.toml"
    edit(toml, 'id = "panthera-uncia"', 'id = "aaa-first"')
    edit(toml, 'label = { en = "Common leopard skin", ru = "Шкура леопарда" }',
         'species = "panthera-uncia"')
    load_starter_content(store, content)
    card = store.species.card(store.species.uuid_for("aaa-first"), "en")
    assert card.lookalikes[0].other_slug == "panthera-uncia"
    assert store.check() == []


@pytest.mark.parametrize("root", [None, FIXTURE], ids=["shipped", "fixture"])
def test_a_first_load_in_bulk_writes_the_rows_put_by_put_would(tmp_path: Path, root, clock,
                                                                monkeypatch):
    """An empty database is loaded with executemany (content._Writer ``fresh``): every row
    of every synced table, the search index and the summary are what a load through
    Store.put one row at a time gives (bar the device that wrote them)."""
    from idtrainer.core import content as content_module
    from idtrainer.core.schema import SYNCED_TABLES

    set_ = read_content(root)
    with Store.open(tmp_path / "bulk.sqlite", clock=clock) as bulk, \
            Store.open(tmp_path / "put.sqlite", clock=clock) as one_by_one:
        assert content_module._is_empty(bulk)
        bulked = content_module.load_content(bulk, set_)
        monkeypatch.setattr(content_module, "_is_empty", lambda _store: False)
        put = content_module.load_content(one_by_one, set_)
        assert bulked.counts == put.counts and bulked.total("added") > 50
        device = {"origin", "updated_by"}
        for table in (*SYNCED_TABLES, "search_index"):
            def rows(store, table=table):
                return [{k: v for k, v in row.items() if k not in device}
                        for row in store.query(f"SELECT * FROM [{table}] ORDER BY 1, 2")]
            assert rows(bulk) == rows(one_by_one), table
        assert bulk.check() == [] and bulk.device_id != one_by_one.device_id
        assert bulk.scalar("SELECT count(DISTINCT origin) FROM texts") == 1
