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


def test_who_reviewed_a_text_and_when_survive_the_files(loaded: Store, tmp_path: Path):
    from idtrainer.core.authoring_texts import FieldKey, TranslationDesk

    desk = TranslationDesk(loaded)
    saiga = content_uuid("species", "saiga-tatarica")
    lesson = content_uuid("lesson", "m3-specimens-identification/identifying-saiga-horn")
    keys = [FieldKey("species", saiga, "summary"), FieldKey("lessons", lesson, "body"),
            FieldKey("lessons", lesson, "title")]
    for key in keys:
        desk.mark_reviewed(key, "kk", "Айгерим Сейітова")
    reviewed = {(r["owner_uuid"], r["field"]): (r["value"], r["reviewed_by"], r["reviewed_at"])
                for r in loaded.query("SELECT * FROM texts WHERE locale = 'kk' AND "
                                      "status = 'reviewed' AND reviewed_by != ''")}
    assert len(reviewed) == 3 and all(at for _v, _b, at in reviewed.values())
    out = tmp_path / "out"
    export_content(loaded, out, modules=["m3-specimens-identification"])
    module = (out / "course/modules/m3-specimens-identification/module.toml").read_text(
        encoding="utf-8")
    assert 'reviewed_by = "Айгерим Сейітова"' in module
    with empty(tmp_path / "b") as other:
        load_starter_content(other, out)
        assert {(r["owner_uuid"], r["field"]): (r["value"], r["reviewed_by"], r["reviewed_at"])
                for r in other.query("SELECT * FROM texts WHERE locale = 'kk' AND "
                                     "status = 'reviewed' AND reviewed_by != ''")} == reviewed
        export_content(other, tmp_path / "again", modules=["m3-specimens-identification"])
    assert same_files(out, tmp_path / "again")
    # Loaded over a database whose text says otherwise, the files' reviewer is written.
    loaded.put("texts", {"uuid": content_uuid("text", f"{saiga}/summary/kk"),
                         "reviewed_by": "Someone else"})
    load_starter_content(loaded, out)
    assert loaded.scalar("SELECT reviewed_by FROM texts WHERE uuid = ?", (
        content_uuid("text", f"{saiga}/summary/kk"),)) == "Айгерим Сейітова"


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


def markers_of(store: Store) -> set[tuple[str, str, int, float, float]]:
    """Every live marker as (species id, picture file name, feature number, x, y)."""
    out = set()
    for r in store.query(
            "SELECT s.slug, m.original_name, pm.media_uuid, pm.x, pm.y FROM picture_markers pm "
            "JOIN media m ON m.uuid = pm.media_uuid JOIN media_links k ON "
            "k.media_uuid = m.uuid AND k.deleted = 0 JOIN species s ON s.uuid = k.owner_uuid "
            "WHERE pm.deleted = 0"):
        for marker in store.markers.on(r["media_uuid"], "en"):
            if (marker.x, marker.y) == (r["x"], r["y"]):
                out.add((r["slug"], r["original_name"], marker.number, marker.x, marker.y))
    return out


def place_markers(store: Store, tmp_path: Path) -> tuple[str, str]:
    """Two markers on a photo imported in the app, one on a starter diagram."""
    from tests.unit.test_photos import details, seizure_jpeg

    photo = store.photos.import_file(seizure_jpeg(tmp_path / "horns.jpg", (640, 480)),
                                     details(store))
    features = store.markers.choices(photo, "en")
    store.markers.place(photo, features[3].uuid, 0.5, 0.2)
    store.markers.place(photo, features[0].uuid, 0.1234, 0.9)
    diagram = content_uuid("media", "saiga-tatarica/media/saiga-horn.svg")
    store.markers.place(diagram, features[1].uuid, 0.25, 0.75)
    return photo, diagram


def test_markers_are_written_to_the_files_and_come_back_exactly(loaded: Store,
                                                               tmp_path: Path):
    import tomllib

    _photo, diagram = place_markers(loaded, tmp_path)
    placed = markers_of(loaded)
    assert placed == {("saiga-tatarica", "horns.jpg", 4, 0.5, 0.2),
                      ("saiga-tatarica", "horns.jpg", 1, 0.1234, 0.9),
                      ("saiga-tatarica", "saiga-horn.svg", 2, 0.25, 0.75)}
    first = tmp_path / "first"
    export_content(loaded, first)
    saiga = tomllib.loads((first / "species/saiga-tatarica/species.toml").read_text(
        encoding="utf-8"))
    by_file = {img["file"]: img.get("markers") for img in saiga["images"]}
    assert by_file["media/saiga-horn.svg"] == [{"feature": 2, "x": 0.25, "y": 0.75}]
    assert by_file["media/horns.jpg"] == [{"feature": 4, "x": 0.5, "y": 0.2},
                                          {"feature": 1, "x": 0.1234, "y": 0.9}]
    assert by_file["media/saiga-horn-comparison.svg"] is None
    # Into an empty database: the same markers, on the same pictures and features.
    with empty(tmp_path / "b") as second, empty(tmp_path / "c") as third:
        import_folder(second, first)
        assert markers_of(second) == placed
        assert second.check() == []
        # Exporting what the export loaded gives the same bytes; loading that gives the
        # same rows, picture_markers included, uuids and all.
        export_content(second, tmp_path / "again")
        assert same_files(first, tmp_path / "again")
        import_folder(third, tmp_path / "again")
        a, b = snapshot(second), snapshot(third)
        assert len(a["picture_markers"]) == 3
        for table in SYNCED_TABLES:
            assert a[table] == b[table], table
        assert texts_of(second) == texts_of(third)
        again = import_folder(second, first)[1]
        assert again.total("added") == again.total("updated") == 0
    # Loaded back over the database it came from, the diagram keeps one marker, not two.
    import_folder(loaded, first)
    assert [m.number for m in loaded.markers.on(diagram, "en")] == [2]
    # A marker removed from the file is removed on the next load; the others stay.
    text = (first / "species/saiga-tatarica/species.toml").read_text(encoding="utf-8")
    drop = "\n[[images.markers]]\nfeature = 1\nx = 0.1234\ny = 0.9\n"
    assert drop in text
    (first / "species/saiga-tatarica/species.toml").write_text(text.replace(drop, "\n"),
                                                              encoding="utf-8")
    with empty(tmp_path / "b") as second:
        import_folder(second, first)
        assert {m[2] for m in markers_of(second)} == {2, 4}


@pytest.mark.parametrize(("marker", "field", "reason"), [
    ("feature = 99\nx = 0.5\ny = 0.5", "images[1].markers[1].feature",
     "feature must be the number of one of the [[features]] (1–"),
    ("x = 0.5\ny = 0.5", "images[1].markers[1].feature", "is required"),
    ("feature = 1\nx = 1.5\ny = 0.5", "images[1].markers[1].x", "must be a number from 0 to 1"),
    ("feature = 1\nx = 0.5\ny = -0.1", "images[1].markers[1].y", "must be a number from 0 to 1"),
    ("feature = 1\nx = 0.5\ny = nan", "images[1].markers[1].y", "must be a number from 0 to 1"),
    ("feature = 1\nx = 0.5\ny = \"top\"", "images[1].markers[1].y",
     "must be a number from 0 to 1"),
    ("feature = 1\nx = 0.5\ny = 0.5\nnumber = 3", "images[1].markers[1].number",
     "unknown key"),
])
def test_a_bad_marker_is_refused_naming_the_file_and_entry(loaded: Store, tmp_path: Path,
                                                          marker: str, field: str,
                                                          reason: str):
    out = tmp_path / "out"
    export_content(loaded, out, modules=["m3-specimens-identification"])
    path = out / "species/saiga-tatarica/species.toml"
    text = path.read_text(encoding="utf-8")
    # The first picture's entry ends where the second begins.
    head, sep, tail = text.partition('\n[[images]]\nfile = "media/saiga-horn-comparison.svg"')
    assert sep
    path.write_text(f"{head}\n[[images.markers]]\n{marker}\n{sep}{tail}", encoding="utf-8")
    before = snapshot(loaded)
    with pytest.raises(ContentError) as refused:
        import_folder(loaded, out)
    wanted = [p for p in refused.value.problems if p.field == field]
    assert wanted and reason in wanted[0].reason, refused.value.problems
    assert wanted[0].file == path
    assert f"species.toml: {field}: " in str(refused.value)
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
