"""A trainer's photos: cleaned at import (upright, at most 2560 px, no metadata), refused at
the gate when hostile, refused without licence/author/source; feature markers drawn in
the reader's language and carried by content bundles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from tests.hostile_pictures import hostile

from idtrainer.core import bundles, diagrams
from idtrainer.core.markers import MarkerError
from idtrainer.core.media import MediaError
from idtrainer.core.photos import MAX_EDGE, PhotoDetails, PhotoError, clean_photo
from idtrainer.core.store import Store

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


def _media_files(store: Store) -> list[Path]:
    return sorted(p for p in store.media_root.rglob("*") if p.is_file())


def seizure_jpeg(path: Path, size: tuple[int, int] = (300, 100), orientation: int = 1) -> Path:
    """A JPEG that carries everything a camera writes: EXIF with the camera, the time and
    GPS coordinates, XMP, an ICC profile and a comment. Left half red, right half blue."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SpyCam"                       # Make
    exif[0x0132] = "2026:11:20 08:15:00"          # DateTime
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 57.0, 12.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(path, "JPEG", exif=exif.tobytes(), icc_profile=icc, comment=b"Post Khorgos",
               xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>43,15.5N'
                   b'</exif:GPSLatitude></x:xmpmeta>', quality=95)
    with Image.open(path) as check:   # the test photo really carries them
        assert check.getexif().get_ifd(GPS_IFD)[2] == (43.0, 15.0, 30.0)
        assert "icc_profile" in check.info and "xmp" in check.info
    return path


def details(store: Store, slug: str = "saiga-tatarica", **changes: str) -> PhotoDetails:
    out = PhotoDetails("CC-BY-4.0", "Aigerim S.", "Training centre, Almaty",
                       store.species.uuid_for(slug), {"en": "Seized horns", "ru": "Изъятые рога"})
    for key, value in changes.items():
        setattr(out, key, value)
    return out


def test_exif_gps_xmp_icc_and_comments_are_gone(loaded: Store, tmp_path: Path):
    source = seizure_jpeg(tmp_path / "IMG_0001.jpg")
    media = loaded.photos.import_file(source, details(loaded))
    stored = loaded.media.get(media, "en")
    assert stored is not None and stored.licence == "CC-BY-4.0"
    data = stored.path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    for trace in (b"Exif", b"SpyCam", b"Post Khorgos", b"GPSLatitude", b"2026:11:20"):
        assert trace not in data
    # An ordinary media row, linked to the species and shown on its card.
    saiga = loaded.species.uuid_for("saiga-tatarica")
    assert media in [m.uuid for m in loaded.media.for_owner(saiga, "ru")]
    assert loaded.media.get(media, "ru").caption.value == "Изъятые рога"


def test_exif_orientation_is_applied(loaded: Store, tmp_path: Path):
    # Orientation 6: the camera was turned; the picture must be turned 90° clockwise.
    photo = clean_photo(seizure_jpeg(tmp_path / "turned.jpg", orientation=6))
    assert photo.rotated
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.size == (100, 300)
        top, bottom = image.getpixel((50, 20)), image.getpixel((50, 280))
    assert top[0] > 200 and top[2] < 60          # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


@pytest.mark.parametrize(("size", "expected"), [((4000, 1000), (MAX_EDGE, 640)),
                                                ((1200, 5120), (600, MAX_EDGE)),
                                                ((800, 600), (800, 600))])
def test_long_edge_is_at_most_2560(tmp_path: Path, size, expected):
    path = tmp_path / "big.png"
    Image.new("RGB", size, "green").save(path, "PNG")
    photo = clean_photo(path)
    assert (photo.info.width, photo.info.height) == expected
    assert photo.scaled == (size != expected)
    assert photo.info.mime == "image/png"


def test_webp_is_accepted_and_stored_as_jpeg(tmp_path: Path):
    path = tmp_path / "photo.webp"
    Image.effect_noise((320, 200), 40).convert("RGB").save(path, "WEBP")
    photo = clean_photo(path)
    assert photo.info.mime == "image/jpeg" and (photo.info.width, photo.info.height) == (320, 200)


@pytest.mark.parametrize("name", ["huge.png", "truncated.jpg", "script.svg"])
def test_a_hostile_photo_is_refused_at_the_gate_and_nothing_changes(loaded: Store,
                                                                    tmp_path: Path, name):
    bad = hostile(name)
    path = tmp_path / bad.name
    path.write_bytes(bad.data)
    before, files = _dump(loaded), _media_files(loaded)
    with pytest.raises(MediaError) as info:
        loaded.photos.import_file(path, details(loaded))
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    if name != "script.svg":
        assert bad.reason in message
    else:  # an SVG is no photograph: refused by kind before it is parsed
        assert "SVG pictures are not accepted here" in message
    assert _dump(loaded) == before and _media_files(loaded) == files


@pytest.mark.parametrize(("field", "words"), [("licence", "licence"), ("author", "author"),
                                              ("source", "source")])
def test_missing_licence_author_or_source_is_refused(loaded: Store, tmp_path: Path, field,
                                                     words):
    source = seizure_jpeg(tmp_path / "photo.jpg")
    before, files = _dump(loaded), _media_files(loaded)
    incomplete = details(loaded, **{field: "  "})
    assert set(incomplete.problems()) == {field}
    with pytest.raises(PhotoError) as info:
        loaded.photos.import_file(source, incomplete)
    assert words in str(info.value)
    assert _dump(loaded) == before and _media_files(loaded) == files


def test_a_licence_that_is_not_open_is_refused(loaded: Store):
    assert "not an accepted open licence" in details(loaded, licence="All rights reserved"
                                                     ).problems()["licence"]


def _photo_of(store: Store, slug: str) -> str:
    return store.photos.for_species(store.species.uuid_for(slug))[0]


@pytest.fixture
def marked(loaded: Store, tmp_path: Path) -> tuple[Store, str, list[str]]:
    """A saiga photo with markers on features 2 and 3 (amber colour, rings)."""
    media = loaded.photos.import_file(seizure_jpeg(tmp_path / "horns.jpg", (640, 480)),
                                      details(loaded))
    choices = loaded.markers.choices(media, "en")
    assert [c.number for c in choices] == list(range(1, len(choices) + 1))
    markers = [loaded.markers.place(media, choices[1].uuid, 0.25, 0.4),
               loaded.markers.place(media, choices[2].uuid, 0.7, 0.6)]
    return loaded, media, markers


def _legend(store: Store, media: str, locale: str) -> list[str]:
    item = store.media.get(media, locale)
    assert item is not None and item.drawn_as_svg
    return diagrams.visible_text(diagrams.svg_for(item))


def test_marker_labels_follow_the_language(marked):
    store, media, _markers = marked
    shorts = {loc: [store.texts.get("species_features", f, "short", loc).value.replace("\n", " ")
                    for f in [c.uuid for c in store.markers.choices(media, loc)][1:3]]
              for loc in ("ru", "kk")}
    ru, kk = _legend(store, media, "ru"), _legend(store, media, "kk")
    # The numbers on the photo, then the legend: the features' numbers on the species card
    # with their short forms, in the reader's language.
    assert ru == ["2", "3", f"2 {shorts['ru'][0]}", f"3 {shorts['ru'][1]}"]
    assert kk == ["2", "3", f"2 {shorts['kk'][0]}", f"3 {shorts['kk'][1]}"]
    assert shorts["ru"][0].startswith("Янтарный") and shorts["kk"][0].startswith("Кәріптас")
    # The annotated picture passes the gate: its embedded photo included.
    from idtrainer.core.pictures import check_picture

    svg = diagrams.svg_for(store.media.get(media, "kk"))
    assert check_picture(svg, "annotated.svg").mime == "image/svg+xml"


def test_markers_move_change_and_delete(marked):
    store, media, (first, second) = marked
    store.markers.move(first, 0.1, 0.9)
    choice = store.markers.choices(media, "en")[0]
    store.markers.set_feature(second, choice.uuid)
    shown = store.markers.on(media, "en")
    assert [(m.number, m.x, m.y) for m in shown] == [(1, 0.7, 0.6), (2, 0.1, 0.9)]
    store.markers.delete(first)
    assert [m.uuid for m in store.markers.on(media, "en")] == [second]
    with pytest.raises(MarkerError):
        store.markers.move(first, 0.5, 0.5)


def test_a_marker_must_show_a_feature_of_the_pictured_species_and_lie_on_it(marked):
    store, media, _markers = marked
    other = store.markers.choices(_photo_of(store, "panthera-uncia"), "en")[0]
    before = _dump(store)
    with pytest.raises(MarkerError):
        store.markers.place(media, other.uuid, 0.5, 0.5)
    own = store.markers.choices(media, "en")[0]
    for x, y in ((1.2, 0.5), (0.5, -0.1), (float("nan"), 0.5)):
        with pytest.raises(MarkerError):
            store.markers.place(media, own.uuid, x, y)
    assert _dump(store) == before


def test_markers_on_a_diagram_are_drawn_into_it(loaded: Store):
    diagram = _photo_of(loaded, "panthera-uncia")
    item = loaded.media.get(diagram, "kk")
    assert item is not None and item.mime == "image/svg+xml"
    feature = loaded.markers.choices(diagram, "kk")[0]
    loaded.markers.place(diagram, feature.uuid, 0.5, 0.5)
    words = " ".join(_legend(loaded, diagram, "kk"))
    assert feature.label is not None
    assert feature.label.value.split()[0] in words


def test_markers_and_photo_travel_in_a_content_bundle(make_laptop, tmp_path: Path):
    trainer = make_laptop("A")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
    media = trainer.photos.import_file(seizure_jpeg(tmp_path / "horns.jpg", (640, 480)),
                                       details(trainer))
    choices = trainer.markers.choices(media, "en")
    marker = trainer.markers.place(media, choices[3].uuid, 0.5, 0.2)
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "course.idtb")
    assert bundle.manifest.counts["picture_markers"] == 1
    officer = make_laptop("B")
    bundles.import_bundle(officer, bundle.path, trust=lambda m: True)
    arrived = officer.markers.on(media, "kk")
    assert [(m.uuid, m.number, m.x, m.y) for m in arrived] == [(marker, 4, 0.5, 0.2)]
    item = officer.media.get(media, "kk")
    assert item is not None and item.path.is_file()
    assert _legend(officer, media, "kk") == _legend(trainer, media, "kk")
    # A moved marker travels as an edit; a deleted one as a tombstone.
    trainer.markers.move(marker, 0.3, 0.3)
    again = bundles.export_bundle(trainer, "content", tmp_path / "course2.idtb")
    bundles.import_bundle(officer, again.path, trust=lambda m: True)
    assert [(m.x, m.y) for m in officer.markers.on(media, "en")] == [(0.3, 0.3)]
    trainer.markers.delete(marker)
    bundles.import_bundle(officer, bundles.export_bundle(
        trainer, "content", tmp_path / "course3.idtb").path, trust=lambda m: True)
    assert officer.markers.on(media, "en") == []


def test_markers_travel_with_chosen_modules(make_laptop, tmp_path: Path):
    trainer = make_laptop("A")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
    media = trainer.photos.import_file(seizure_jpeg(tmp_path / "horns.jpg"), details(trainer))
    trainer.markers.place(media, trainer.markers.choices(media, "en")[0].uuid, 0.5, 0.5)
    module = trainer.scalar("SELECT m.uuid FROM modules m JOIN lessons l ON "
                            "l.module_uuid = m.uuid JOIN texts t ON t.owner_uuid = l.uuid "
                            "WHERE t.value LIKE '%saiga-tatarica%' LIMIT 1")
    assert module
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "part.idtb",
                                   modules=[module])
    assert bundle.manifest.counts.get("picture_markers") == 1
    empty = Store.open(tmp_path / "E" / "idtrainer.sqlite")
    bundles.import_bundle(empty, bundle.path, trust=lambda m: True)
    assert len(empty.markers.on(media, "ru")) == 1
    assert empty.check() == []
    empty.close()


def test_a_marked_photo_prints_as_a_drawing(marked):
    from idtrainer.core import print_pdf

    store, media, _markers = marked
    item = store.media.get(media, "uz")
    drawing = print_pdf.picture(item)
    assert drawing is not None and drawing.height > drawing.width * 480 / 640
    unmarked = store.media.get(media, "uz")
    assert unmarked is not None
    for marker in unmarked.markers:
        store.markers.delete(marker.uuid)
    assert print_pdf.picture(store.media.get(media, "uz")) is None   # a bare photo: no SVG


def test_reloading_the_content_files_keeps_a_trainers_photo_and_markers(marked):
    from idtrainer.core.content import load_starter_content

    store, media, markers = marked
    saiga = store.species.uuid_for("saiga-tatarica")
    load_starter_content(store)
    assert media in store.photos.for_species(saiga)
    assert sorted(m.uuid for m in store.markers.on(media, "ru")) == sorted(markers)


def test_a_deleted_photo_comes_back_whole_with_undo(marked):
    from idtrainer.core.authoring import AuthoringSession

    store, media, markers = marked
    session = AuthoringSession(store, trainer_unlocked=True)

    def rows() -> dict:
        return {key: {k: v for k, v in (store.query_one(
            f"SELECT * FROM {key[0]} WHERE uuid = ?", (key[1],)) or {}).items()
            if k not in ("rev", "updated_at", "updated_by")}
            for key in store.photos.rows(media)}

    before = rows()
    assert {t for t, _u in before} == {"media", "media_links", "picture_markers", "texts"}
    refs = session.references("picture", media, "en")
    assert [r.label for r in refs] == ["the pictures of species saiga-tatarica",
                                       "2 feature markers on it"]
    session.record("picture", media, lambda: store.photos.delete(media))
    assert store.photos.rows(media) == [("media", media)]  # only the key asked for
    assert all(store.scalar(f"SELECT deleted FROM {t} WHERE uuid = ?", (u,))
               for t, u in before)
    with pytest.raises(PhotoError):
        session.record("picture", media, lambda: store.photos.delete(media))
    assert len(session.undo_stack) == 1  # a refused step is not kept
    session.undo()
    assert rows() == before
    assert [m.uuid for m in store.markers.on(media, "en")] == markers
    session.redo()
    assert store.scalar("SELECT deleted FROM media WHERE uuid = ?", (media,)) == 1
    assert store.photos.rows(media) == [("media", media)]


def test_a_caption_typed_in_uzbek_cyrillic_is_kept_and_latin_makes_the_rest(loaded: Store):
    media = _photo_of(loaded, "saiga-tatarica")
    loaded.photos.update(media, details(loaded, captions={"uz-Cyrl": "Шохлар"}))
    assert loaded.texts.variants("media", media, "caption")["uz-Cyrl"].status == "draft"
    loaded.photos.update(media, details(loaded, captions={"uz": "Shoxlar", "ky": "Мүйүз"}))
    captions = loaded.texts.variants("media", media, "caption")
    assert captions["uz-Cyrl"].value == "Шохлар" and captions["ky"].value == "Мүйүз"
