"""ID sheets and posters: text in the chosen language, every font embedded, right paper."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A2, A3, A4

from idtrainer.core import print_pdf
from idtrainer.core.store import Store


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """{font name: embedded} over every page and the drawings inside it."""
    found: dict[str, bool] = {}

    def visit(resources) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            found[str(font["/BaseFont"])] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobject in (resources.get("/XObject") or {}).values():
            visit(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def size_of(reader: PdfReader, page: int = 0) -> tuple[float, float]:
    box = reader.pages[page].mediabox
    return float(box.width), float(box.height)


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


@pytest.mark.parametrize(("lang", "name", "heading", "appendix"), [
    ("ru", "Сайгак", "Диагностические признаки", "Приложение II"),
    ("kk", "Ақбөкен", "Диагностикалық белгілері", "II қосымша"),
    ("uz", "Saygʻoq", "Diagnostik belgilari", "II ilova"),
])
def test_an_id_sheet_in_each_language(loaded: Store, tmp_path: Path, lang, name, heading,
                                      appendix):
    out = print_pdf.sheets(loaded, [loaded.species.uuid_for("saiga-tatarica")], lang, None,
                           tmp_path / "sheet.pdf")
    reader = PdfReader(out)
    text = text_of(reader)
    assert name in text and heading in text and appendix in text
    assert "Saiga tatarica" in text
    card = loaded.species.card(loaded.species.uuid_for("saiga-tatarica"), lang)
    assert card.features[0].value.split()[0] in text
    label = card.images[0].labels
    assert label and all(w in text for w in next(iter(label.values())).value.split()[:2])
    fonts = fonts_of(reader)
    assert fonts and all(fonts.values()), fonts
    assert all("DejaVu" in f for f in fonts), fonts
    assert size_of(reader) == pytest.approx(A4, abs=0.5)
    assert not list(tmp_path.glob("*.partial"))


def test_two_languages_side_by_side(loaded: Store, tmp_path: Path):
    uuids = [loaded.species.uuid_for(s) for s in ("falco-peregrinus", "moschus-moschiferus")]
    reader = PdfReader(print_pdf.sheets(loaded, uuids, "kk", "uz", tmp_path / "two.pdf"))
    text = text_of(reader)
    assert "Лашын" in text and "Lochin" in text          # the peregrine, both languages
    assert "Майлы бұғы" in text and "Kabarga" in text
    assert "Диагностикалық белгілері" in text and "Diagnostik belgilari" in text
    assert len(reader.pages) >= 2
    assert all(fonts_of(reader).values())


@pytest.mark.parametrize(("kind", "size", "lang", "expected"), [
    ("natives", "A3", "ru", ["Сайгак", "Снежный барс"]),
    ("exotics", "A2", "kk", ["Азия пілі", "Мүйізтұмсықтар"]),
    ("derivatives", "A3", "uz", ["Saygʻoq", "Pangolinlar"]),
])
def test_posters(loaded: Store, tmp_path: Path, kind, size, lang, expected):
    out = print_pdf.poster(loaded, kind, size, lang, None, tmp_path / f"{kind}.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert size_of(reader) == pytest.approx(A3 if size == "A3" else A2, abs=0.5)
    text = text_of(reader)
    for word in expected:
        assert word in text, word
    tagged = loaded.species.tagged(print_pdf.POSTERS[kind][0])
    for uuid in tagged:
        assert loaded.species.summary(uuid, lang).scientific_name in text
    fonts = fonts_of(reader)
    assert fonts and all(fonts.values()), fonts


def test_poster_species_follow_the_tags(loaded: Store, tmp_path: Path):
    natives = set(loaded.species.tagged("native"))
    exotics = set(loaded.species.tagged("exotic"))
    assert loaded.species.uuid_for("saiga-tatarica") in natives
    assert loaded.species.uuid_for("loxodonta-africana") in exotics
    assert not natives & exotics
    saiga = loaded.species.uuid_for("saiga-tatarica")
    loaded.put("species", {**loaded.query_one("SELECT * FROM species WHERE uuid = ?", (saiga,)),
                           "tags": ["exotic"]})
    assert saiga in loaded.species.tagged("exotic")
    text = text_of(PdfReader(print_pdf.poster(loaded, "exotics", "A3", "en", None,
                                              tmp_path / "p.pdf")))
    assert "Saiga tatarica" in text


def test_bad_requests_are_refused_in_one_line(loaded: Store, tmp_path: Path):
    with pytest.raises(print_pdf.PrintError):
        print_pdf.sheets(loaded, [], "ru", None, tmp_path / "x.pdf")
    with pytest.raises(print_pdf.PrintError):
        print_pdf.poster(loaded, "birds", "A3", "ru", None, tmp_path / "x.pdf")
    with pytest.raises(print_pdf.PrintError):
        print_pdf.poster(loaded, "natives", "A4", "ru", None, tmp_path / "x.pdf")
    assert not list(tmp_path.glob("x.pdf*"))
