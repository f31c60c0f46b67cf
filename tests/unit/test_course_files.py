"""Course files out and back (issue 13 items 5 and 6): export, round trip, adapt."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest

from idtrainer.core import adapt
from idtrainer.core.content import ContentError, load_starter_content, read_content
from idtrainer.core.course_files import (
    WORKING,
    ExportError,
    choices,
    export_content,
    import_folder,
)
from idtrainer.core.schema import SYNCED_TABLES
from idtrainer.core.store import Store, content_uuid

#: Sync bookkeeping: who wrote a row, where it was made and when differ between two
#: databases by design.
STAMPS = ("rev", "updated_at", "updated_by", "origin")


def snapshot(store: Store) -> dict[str, dict[str, dict]]:
    """Every live row of every synced table (uuids included), without the sync stamps."""
    out = {}
    for table in SYNCED_TABLES:
        rows = store.query(f"SELECT * FROM [{table}] WHERE deleted = 0")
        out[table] = {r["uuid"]: {k: v for k, v in r.items() if k not in STAMPS}
                      for r in rows}
    return out


def texts_of(store: Store) -> dict[tuple[str, str, str], tuple[str, str]]:
    return {(r["owner_uuid"], r["field"], r["locale"]): (r["value"], r["status"])
            for r in store.query("SELECT * FROM texts WHERE deleted = 0")}


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def same_files(a: Path, b: Path) -> bool:
    names = tree(a)
    if names != tree(b):
        return False
    _match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def empty(folder: Path) -> Store:
    return Store.open(folder / "idtrainer.sqlite", media_root=folder / "media")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    """The starter content loaded into an empty database and exported (done once)."""
    data = tmp_path_factory.mktemp("exported")
    out = data / "out"
    with empty(data) as store:
        load_starter_content(store)
        summary = export_content(store, out)
    assert summary.species == 47 and summary.questions == 328 and summary.key
    return data, out


def test_load_export_load_changes_nothing(exported, tmp_path: Path):
    data, out = exported
    with empty(data) as first, empty(tmp_path) as second:
        load_starter_content(second, out)
        a, b = snapshot(first), snapshot(second)
        assert sum(len(rows) for rows in a.values()) > 15000   # the whole starter course
        for table in SYNCED_TABLES:
            assert a[table] == b[table], table            # same uuids, same content columns
        assert texts_of(first) == texts_of(second)       # every (value, status)
        # Loading the export over the database it came from changes nothing at all.
        again = load_starter_content(first, out)
        assert again.total("added") == again.total("updated") == 0


def test_export_twice_is_byte_identical_and_loads_back_the_same(exported, tmp_path: Path):
    _data, out = exported
    with Store.open(tmp_path / "b.sqlite", media_root=tmp_path / "media") as second:
        load_starter_content(second, out)
        export_content(second, tmp_path / "again")
    assert same_files(out, tmp_path / "again")


def test_export_matches_the_shipped_files_but_for_how_questions_are_grouped(exported):
    from idtrainer.core.resources import assets_dir

    _data, out = exported
    shipped = [n for n in tree(assets_dir()) if n.startswith(("course/", "species/", "key/",
                                                              "experts.toml"))
               and not n.startswith("course/questions/")]
    assert [n for n in tree(out) if not n.startswith("course/questions/")] == shipped
    # Pictures are written byte for byte.
    svg = "species/saiga-tatarica/media/saiga-horn.svg"
    if (assets_dir() / svg).exists():
        assert (out / svg).read_bytes() == (assets_dir() / svg).read_bytes()


def test_a_text_status_that_differs_from_the_file_is_kept(loaded: Store, tmp_path: Path):
    saiga = content_uuid("species", "saiga-tatarica")
    loaded.texts.set("species", saiga, "summary", "kk", "Ақбөкен туралы қысқаша.", "reviewed")
    export_content(loaded, tmp_path / "out")
    text = (tmp_path / "out/species/saiga-tatarica/species.toml").read_text(encoding="utf-8")
    assert 'kk = { text = "Ақбөкен туралы қысқаша.", status = "reviewed" }' in text
    with Store.open(tmp_path / "b.sqlite", media_root=tmp_path / "media") as other:
        load_starter_content(other, tmp_path / "out")
        row = other.query_one("SELECT value, status FROM texts WHERE owner_uuid = ? AND "
                              "field = 'summary' AND locale = 'kk'", (saiga,))
        assert row == {"value": "Ақбөкен туралы қысқаша.", "status": "reviewed"}


def test_module_filtered_export_holds_the_module_and_what_it_needs(loaded: Store,
                                                                   tmp_path: Path):
    out = tmp_path / "m1"
    summary = export_content(loaded, out, modules=["m1-cites-convention"])
    assert summary.modules == ["m1-cites-convention"] and not summary.key
    assert [p.name for p in (out / "course/modules").iterdir()] == ["m1-cites-convention"]
    assert [p.name for p in (out / "course/questions").iterdir()] == [
        "m1-cites-convention.toml"]
    assert not (out / "key").exists() and not (out / "experts.toml").exists()
    content = read_content(out)
    m1 = content_uuid("module", "m1-cites-convention")
    assert len(content.questions) == loaded.scalar(
        "SELECT count(*) FROM questions WHERE module_uuid = ? AND deleted = 0", (m1,))
    assert all(q.module == "m1-cites-convention" for q in content.questions)
    # Every species a question names, and every lookalike of those, came along.
    exported = {s.id for s in content.species}
    named = {sid for q in content.questions for sid in q.species}
    assert named and named <= exported
    assert {o for s in content.species for o, _l, _p in s.lookalikes if o} <= exported
    assert len(exported) < 47
    # Loaded into an empty database: the module's rows, with the source's uuids.
    with Store.open(tmp_path / "b.sqlite", media_root=tmp_path / "media") as other:
        load_starter_content(other, out)
        source, copy = snapshot(loaded), snapshot(other)
        for table in ("modules", "lessons", "questions", "question_options"):
            assert copy[table] and all(source[table][u] == row
                                       for u, row in copy[table].items()), table


def test_an_unknown_module_or_course_is_refused_and_nothing_written(loaded: Store,
                                                                   tmp_path: Path):
    with pytest.raises(ExportError, match="nope"):
        export_content(loaded, tmp_path / "out", modules=["nope"])
    with pytest.raises(ExportError, match="no course"):
        export_content(loaded, tmp_path / "out", course="nope")
    assert not (tmp_path / "out" / "course").exists()


def test_an_export_replaces_its_own_folders_and_keeps_the_rest(loaded: Store,
                                                                tmp_path: Path):
    out = tmp_path / "repo"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "README.md").write_text("our course\n")
    (out / "species" / "stale-species").mkdir(parents=True)
    (out / "species" / "stale-species" / "species.toml").write_text("id = 'stale'\n")
    export_content(loaded, out)
    assert (out / ".git" / "HEAD").exists() and (out / "README.md").exists()
    assert not (out / "species" / "stale-species").exists()
    assert not (out / WORKING).exists()


def test_an_export_that_would_not_load_back_writes_nothing(loaded: Store, tmp_path: Path):
    out = tmp_path / "out"
    export_content(loaded, out)
    before = {n: (out / n).read_bytes() for n in tree(out)}
    # A picture's file gone from the media folder: the export stops and says which one.
    sha = loaded.scalar("SELECT sha256 FROM media WHERE original_name = 'saiga-horn.svg'")
    loaded.media.path_for(sha).unlink()
    with pytest.raises(ExportError, match=r"saiga-horn\.svg"):
        export_content(loaded, out)
    assert {n: (out / n).read_bytes() for n in tree(out)} == before


def test_import_folder_refuses_bad_input_and_changes_nothing(loaded: Store, tmp_path: Path):
    out = tmp_path / "out"
    export_content(loaded, out, modules=["m1-cites-convention"])
    toml = out / "course/modules/m1-cites-convention/module.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("position = 1", "position = 'x'"),
                    encoding="utf-8")
    before = snapshot(loaded)
    with pytest.raises(ContentError, match="position"):
        import_folder(loaded, out)
    with pytest.raises(ExportError, match="not a course folder"):
        import_folder(loaded, tmp_path)
    assert snapshot(loaded) == before


def test_adapted_module_is_an_independent_copy_with_provenance(loaded: Store,
                                                              tmp_path: Path):
    source = loaded.query_one("SELECT * FROM modules WHERE slug = 'm1-cites-convention'")
    copied = adapt.duplicate_module(loaded, "m1-cites-convention", "kg-m1",
                                    "СИТЕС: негизги түшүнүктөр", by="KG customs")
    new = loaded.query_one("SELECT * FROM modules WHERE slug = 'kg-m1'")
    assert new["uuid"] == copied.uuid != source["uuid"]
    assert new["course_uuid"] == source["course_uuid"]
    assert (new["copied_from_uuid"], new["copied_from_slug"], new["copied_by"]) == (
        source["uuid"], "m1-cites-convention", "KG customs")
    assert new["copied_at"] and new["copied_at"] <= loaded.now()
    assert adapt.provenance(loaded, "modules", source["uuid"]) is None
    lessons = loaded.query("SELECT * FROM lessons WHERE module_uuid = ?", (new["uuid"],))
    old_lessons = loaded.query("SELECT * FROM lessons WHERE module_uuid = ?",
                               (source["uuid"],))
    assert len(lessons) == len(old_lessons) == copied.lessons > 0
    assert not {r["uuid"] for r in lessons} & {r["uuid"] for r in old_lessons}
    questions = loaded.query("SELECT * FROM questions WHERE module_uuid = ?", (new["uuid"],))
    assert len(questions) == copied.questions > 0
    # Its own texts, with their statuses: editing the copy leaves the original alone.
    lesson = next(r for r in lessons if r["slug"] == "what-is-cites")
    old = next(r for r in old_lessons if r["slug"] == "what-is-cites")
    body = loaded.query_one("SELECT value, status FROM texts WHERE owner_uuid = ? AND "
                            "field = 'body' AND locale = 'kk'", (lesson["uuid"],))
    assert body == loaded.query_one("SELECT value, status FROM texts WHERE owner_uuid = ? "
                                    "AND field = 'body' AND locale = 'kk'", (old["uuid"],))
    loaded.texts.set("lessons", lesson["uuid"], "body", "kk", "Кыргызстан үчүн.", "draft")
    assert loaded.query_one("SELECT value FROM texts WHERE owner_uuid = ? AND field = 'body' "
                            "AND locale = 'kk'", (old["uuid"],))["value"] != "Кыргызстан үчүн."
    title = loaded.query("SELECT locale, value, status FROM texts WHERE owner_uuid = ? AND "
                         "field = 'title'", (new["uuid"],))
    assert {r["value"] for r in title} == {"СИТЕС: негизги түшүнүктөр"}
    assert {r["status"] for r in title} == {"draft"}
    # Deleting the original's question leaves the copy's.
    q = loaded.query_one("SELECT uuid FROM questions WHERE module_uuid = ? LIMIT 1",
                         (source["uuid"],))
    loaded.tombstone("questions", q["uuid"])
    assert loaded.scalar("SELECT count(*) FROM questions WHERE module_uuid = ? AND "
                         "deleted = 0", (new["uuid"],)) == copied.questions
    # The provenance travels in files and comes back.
    export_content(loaded, tmp_path / "out", modules=["kg-m1"])
    text = (tmp_path / "out/course/modules/kg-m1/module.toml").read_text(encoding="utf-8")
    assert "[adapted_from]" in text and source["uuid"] in text
    with Store.open(tmp_path / "b.sqlite", media_root=tmp_path / "media") as other:
        load_starter_content(other, tmp_path / "out")
        back = other.query_one("SELECT * FROM modules WHERE slug = 'kg-m1'")
        assert back["uuid"] == new["uuid"]
        assert {k: back[k] for k in adapt_columns()} == {k: new[k] for k in adapt_columns()}


def adapt_columns() -> tuple[str, ...]:
    return ("copied_from_uuid", "copied_from_slug", "copied_at", "copied_by")


def test_adapted_course_copies_every_module(loaded: Store):
    copied = adapt.duplicate_course(loaded, "cites-identification", "kg-course",
                                    "Курс для Кыргызстана")
    assert copied.modules == 4 and copied.lessons == 22 and copied.questions == 328
    course = loaded.query_one("SELECT * FROM courses WHERE slug = 'kg-course'")
    assert course["copied_from_slug"] == "cites-identification"
    assert course["copied_by"] == loaded.device_id
    modules = loaded.query("SELECT * FROM modules WHERE course_uuid = ? ORDER BY position",
                           (course["uuid"],))
    assert [m["slug"] for m in modules] == [
        "kg-course-m1-cites-convention", "kg-course-m2-implementing-cites",
        "kg-course-m3-specimens-identification", "kg-course-m4-working-with-specimens"]
    assert all(m["copied_from_slug"] for m in modules)
    listed = [c for c in choices(loaded, "ru") if c.kind == "course"]
    assert [c.slug for c in listed] == ["cites-identification", "kg-course"]
    assert listed[1].title == "Курс для Кыргызстана" and listed[1].provenance
    # A course copy is exported on its own: the database now has two courses.
    with pytest.raises(ExportError, match="2 courses"):
        export_content(loaded, Path("unused"))


@pytest.mark.parametrize(("new_id", "title", "message"), [
    ("m2-implementing-cites", "X", "already used"),
    ("Bad Id", "X", "lowercase"),
    ("kg-m1", "  ", "title"),
])
def test_adapt_refuses_a_bad_id_or_title_and_changes_nothing(loaded: Store, new_id, title,
                                                             message):
    before = snapshot(loaded)
    with pytest.raises(adapt.AdaptError, match=message):
        adapt.duplicate_module(loaded, "m1-cites-convention", new_id, title)
    assert snapshot(loaded) == before


def test_the_toml_writer_escapes_what_toml_needs(tmp_path: Path):
    import tomllib

    from idtrainer.core.course_files import _Doc, _key

    doc = _Doc()
    tricky = 'quote " backslash \\ tab \t newline \n del \x7f bell \x07 Ақбөкен oʻ'
    doc.keys({"a": tricky, "b": [1, 2.5, "x"], "c": {"text": tricky, "status": "draft"}})
    doc.table(_key("weird key"), {"ok": True})   # a table name is a dotted path of keys
    parsed = tomllib.loads(doc.text())
    assert parsed["a"] == tricky and parsed["c"]["text"] == tricky
    assert parsed["b"] == [1, 2.5, "x"] and parsed["weird key"] == {"ok": True}
    assert json.dumps(parsed, ensure_ascii=False)


def test_an_adapted_module_and_its_provenance_travel_in_a_content_bundle(make_laptop,
                                                                        tmp_path: Path):
    from idtrainer.core import bundles

    trainer = make_laptop("A")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
    copied = adapt.duplicate_module(trainer, "m2-implementing-cites", "uz-m2",
                                    "CITESni Oʻzbekistonda bajarish", by="UZ customs")
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "uz.idtb",
                                   modules=[copied.uuid])
    laptop = make_laptop("B")
    bundles.import_bundle(laptop, bundle.path, trust=lambda m: True)
    row = laptop.query_one("SELECT * FROM modules WHERE uuid = ?", (copied.uuid,))
    source = trainer.query_one("SELECT * FROM modules WHERE uuid = ?", (copied.uuid,))
    assert row["copied_from_slug"] == "m2-implementing-cites" and row["copied_by"] == "UZ customs"
    assert {k: row[k] for k in adapt_columns()} == {k: source[k] for k in adapt_columns()}
    assert laptop.scalar("SELECT count(*) FROM questions WHERE module_uuid = ?",
                         (copied.uuid,)) == copied.questions


def test_a_question_written_in_the_app_without_an_id_gets_one(loaded: Store, tmp_path: Path):
    q = loaded.query_one("SELECT uuid FROM questions WHERE slug = 'q-cites-appendix-grey-parrot'")
    loaded.put("questions", {"uuid": q["uuid"], "slug": None})
    export_content(loaded, tmp_path / "out", modules=["m1-cites-convention"])
    ids = {question.id for question in read_content(tmp_path / "out").questions}
    assert f"q-{q['uuid'][:8]}" in ids and "q-cites-appendix-grey-parrot" not in ids
