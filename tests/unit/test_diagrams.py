"""Diagrams in the reader's language: words from the species files, fallback, layout."""

from __future__ import annotations

import re

from idtrainer.core import diagrams, i18n
from idtrainer.core.content import read_content
from idtrainer.core.store import Store, content_uuid
from idtrainer.core.texts import Translation

SAIGA_HORN = "saiga-tatarica/media/saiga-horn.svg"
ENGLISH_WORD = re.compile(r"\b(the|and|with|horn|rings|tip|base)\b", re.IGNORECASE)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def test_a_diagram_reads_in_kazakh_when_the_interface_is_kazakh(loaded: Store):
    i18n.set_language("kk")
    item = loaded.media.get(content_uuid("media", SAIGA_HORN), i18n.current_language())
    shown = " ".join(diagrams.visible_text(diagrams.svg_for(item)))
    spec = next(i for s in read_content().species for i in s.images if i.key == SAIGA_HORN)
    assert spec.labels and item.labels
    for key, words in spec.labels.items():
        assert item.labels[key].locale == "kk" and item.labels[key].value == words["kk"].value
        for word in words["kk"].value.split():
            assert word in shown, (key, word)
    drawn = [t for t in diagrams.visible_text(diagrams.svg_for(item, question=True))]
    assert not [t for t in drawn if ENGLISH_WORD.search(t)], drawn
    assert "Ақбөкен мүйізі" in shown          # the title, in the full picture
    assert not any("Ақбөкен" in t for t in drawn)  # but not in the question variant


def test_missing_words_fall_back_to_russian_then_english(loaded: Store):
    uuid = content_uuid("media", SAIGA_HORN)
    ident = next(iter(loaded.media.get(uuid, "kk").labels))
    loaded.texts.set_all("media", uuid, f"label:{ident}",
                         {"ru": Translation("русский текст"), "en": Translation("english")})
    assert loaded.media.get(uuid, "kk").labels[ident].value == "русский текст"
    assert loaded.media.get(uuid, "kk").labels[ident].fell_back
    loaded.texts.set_all("media", uuid, f"label:{ident}", {"en": Translation("english")})
    assert loaded.media.get(uuid, "uz").labels[ident].value == "english"


def test_lines_are_separate_texts_and_long_translations_wrap_inside_the_picture():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">'
           b'<text id="a" x="300" y="50" font-size="20">short<tspan x="300" dy="1.2em">two'
           b'</tspan></text><text id="b" x="10" y="20" font-size="20" class="naming">Title'
           b'</text><title>Saiga</title></svg>')
    out = diagrams.localize(svg, {"a": "один два три четыре пять шесть"})
    texts = diagrams.visible_text(out)
    assert b"tspan" not in out
    assert " ".join(t for t in texts if t not in ("Title", "Saiga")) == (
        "один два три четыре пять шесть")
    assert len([t for t in texts if t not in ("Title", "Saiga")]) >= 3   # wrapped: 92 px room
    question = diagrams.visible_text(diagrams.localize(svg, {}, question=True))
    assert question == ["short", "two"]


def test_every_label_of_the_starter_diagrams_is_drawn_in_every_language():
    for s in read_content().species:
        for img in s.images:
            if not img.labels:
                continue
            svg = img.path.read_bytes()
            for loc in ("ru", "kk", "uz"):
                words = {k: v[loc].value for k, v in img.labels.items()}
                shown = " ".join(diagrams.visible_text(diagrams.localize(svg, words)))
                for key, text in words.items():
                    for line in _lines(text):
                        assert all(w in shown for w in line.split()), (img.key, loc, key)


def test_thumbnails_draw_the_picture_without_words():
    spec = next(i for s in read_content().species for i in s.images if i.key == SAIGA_HORN)
    bare = diagrams.without_text(spec.path.read_bytes())
    assert diagrams.visible_text(bare) == []
    assert b"<path" in bare and b"<circle" in bare


def test_callouts_caption_and_lesson_list_are_the_species_features(loaded: Store):
    """The saiga horn's numbered callouts are its features: same numbers, same words."""
    saiga = next(s for s in read_content().species if s.id == "saiga-tatarica")
    horn = next(i for i in saiga.images if i.key == SAIGA_HORN)
    assert len(horn.features) == 6
    svg = horn.path.read_bytes()
    for key, number in horn.features.items():
        assert diagrams.callout_number(svg, key) == str(number)
        assert horn.labels[key] == saiga.feature_shorts[number - 1]
        for loc in ("ru", "kk", "uz"):
            short = saiga.feature_shorts[number - 1][loc].value.replace("\n", " ")
            assert f"{number} {short}" in horn.caption[loc].value
    uuid = loaded.species.uuid_for("saiga-tatarica")
    lesson = loaded.species.expand_feature_lists("{{features:saiga-tatarica}}", "kk")
    card = loaded.species.card(uuid, "kk")
    assert lesson.splitlines() == [f"{i}. {f.value}" for i, f in enumerate(card.features, 1)]


def test_a_callout_numbered_unlike_its_feature_is_refused(tmp_path):
    import shutil

    from idtrainer.core.content import ContentError

    root = tmp_path / "assets"
    shutil.copytree(read_content().root, root)
    svg = root / "species" / "saiga-tatarica" / "media" / "saiga-horn.svg"
    svg.write_text(svg.read_text(encoding="utf-8").replace(
        'fill="#ffffff">7</text>', 'fill="#ffffff">1</text>'), encoding="utf-8")
    try:
        read_content(root)
    except ContentError as exc:
        assert "the callout's number in the diagram must be 7" in str(exc)
    else:
        raise AssertionError("a wrong callout number was accepted")


def test_the_question_variant_keeps_a_panel_letter_but_not_its_name():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">'
           b'<text id="a" x="10" y="20" class="naming">A  Markhor</text>'
           b'<text id="b" x="210" y="20">B  Siberian ibex</text></svg>')
    words = diagrams.visible_text(diagrams.localize(svg, {"a": "A  Винторогий козёл"},
                                                    question=True))
    assert words == ["A", "B Siberian ibex"]


#: Numbers drawn without words in the picture, explained by its caption: each is still the
#: number of the feature it shows (elephant skin, the pangolin's three-pointed and roasted
#: scales). Letters, not numbers, mark what is not a feature (lookalikes, fakes, label parts).
CAPTION_NUMBERS = {
    "elephas-maximus/media/asian-elephant-products.svg": {"6"},
    "manidae/media/pangolin-scales.svg": {"5", "6"},
}


def _drawn_numbers(svg: bytes) -> list[str]:
    """Every bare number drawn in a diagram (callout circles, legend and inline numbers)."""
    import xml.etree.ElementTree as ET

    out = []
    for element in ET.fromstring(svg).iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in ("text", "tspan") and not element.get("id"):
            words = (element.text or "").strip()
            if words.isdigit():
                out.append(words)
    return out


def test_every_numbered_callout_of_every_diagram_is_one_of_the_species_features(loaded: Store):
    """Each number drawn in a diagram belongs to a callout whose words are that feature's short
    form, in every language; so the card's list, the caption and the callouts agree."""
    content = read_content()
    checked = 0
    for s in content.species:
        uuid = loaded.species.uuid_for(s.id)
        cards = {loc: loaded.species.card(uuid, loc) for loc in ("en", "ru", "kk", "uz")}
        for img in s.images:
            if img.path.suffix != ".svg":
                continue
            svg = img.path.read_bytes()
            drawn = set(_drawn_numbers(svg)) - CAPTION_NUMBERS.get(img.key, set())
            for n in CAPTION_NUMBERS.get(img.key, set()):
                assert int(n) <= len(s.features)
                for loc in ("en", "ru", "kk", "uz"):
                    assert f" {n} " in img.caption[loc].value, (img.key, loc, n)
            assert drawn == {str(n) for n in img.features.values()}, (img.key, drawn)
            for ident in diagrams.label_ids(svg):
                number = diagrams.callout_number(svg, ident)
                assert (number is None) == (ident not in img.features), (img.key, ident)
                if number is None:
                    continue
                n = img.features[ident]
                assert number == str(n), (img.key, ident)
                short = s.feature_shorts[n - 1]
                assert img.labels[ident] == short
                for loc in ("en", "ru", "kk", "uz"):
                    assert short[loc].value.strip(), (img.key, ident, loc)
                    assert cards[loc] is not None and len(cards[loc].features) >= n
                    words = diagrams.visible_text(diagrams.localize(
                        svg, {k: v[loc].value for k, v in img.labels.items()}))
                    assert all(w in " ".join(words) for w in short[loc].value.split())
            checked += bool(img.features)
    assert checked >= 48


def test_callout_numbers_are_found_in_every_layout():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">'
           b'<g class="callout"><circle r="9"/><text>1</text><text id="a" x="5">one</text></g>'
           b'<circle r="9"/><text x="10" y="100">2</text><text id="b" x="30" y="100">two</text>'
           b'<text id="c" x="10" y="130"><tspan font-weight="bold">3</tspan>  three</text>'
           b'<text data-label="d" x="300" y="20">4</text><text x="10" y="20">9</text>'
           b'<text id="d" x="50" y="250">four</text>'
           b'<text id="e" x="10" y="280">not numbered</text></svg>')
    found = {i: diagrams.callout_number(svg, i) for i in "abcde"}
    assert found == {"a": "1", "b": "2", "c": "3", "d": "4", "e": None}


def test_a_picture_question_without_its_answer_is_refused(tmp_path):
    import shutil

    from idtrainer.core.content import ContentError

    root = tmp_path / "assets"
    shutil.copytree(read_content().root, root)
    toml = root / "species" / "acipenser-gueldenstaedtii" / "species.toml"
    lines = toml.read_text(encoding="utf-8").split("\n")
    toml.write_text("\n".join(line for line in lines if not line.startswith("answer = {")),
                    encoding="utf-8")
    try:
        read_content(root)
    except ContentError as exc:
        assert "must be a table with question and answer" in str(exc)
    else:
        raise AssertionError("a picture question without an answer was accepted")
