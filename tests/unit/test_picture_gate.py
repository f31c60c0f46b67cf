"""The picture gate (core/pictures.py): what passes, what is refused and why.

The entry points (content load, bundle import, certificate logo, rendering) each have
their own tests with the same hostile pictures (tests/hostile_pictures.py).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from hostile_pictures import (
    HOSTILE_NAMES,
    XLINK,
    good_png,
    hostile,
    huge_png,
    laughs_svg,
    photo_jpeg,
)
from idtrainer.core import pictures
from idtrainer.core.pictures import MediaError, check_picture, read_picture
from idtrainer.core.resources import assets_dir


def svg(body: str, **attrs: str) -> bytes:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<svg {XLINK}{extra}>{body}</svg>'.encode()


def refused(data: bytes, name: str = "pic", **kwargs) -> str:
    with pytest.raises(MediaError) as caught:
        check_picture(data, name, **kwargs)
    message = str(caught.value)
    assert message.startswith(f"{name}: "), message
    assert "\n" not in message
    return message


# -- the cases the issue names ------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_each_hostile_picture_is_refused_naming_the_file_and_the_reason(tmp_path: Path,
                                                                        name: str):
    case = hostile(name)
    assert refused(case.data, case.name) == f"{case.name}: {case.reason}"
    path = tmp_path / case.name
    path.write_bytes(case.data)
    with pytest.raises(MediaError) as caught:
        read_picture(path)
    assert str(caught.value) == f"{path}: {case.reason}"


def test_the_old_byte_filter_missed_the_utf16_doctype():
    # Why the gate parses: in UTF-16 "<!DOCTYPE" is not in the bytes at all.
    data = laughs_svg("UTF-16").encode("utf-16")
    assert b"<!DOCTYPE" not in data and b"<!ENTITY" not in data
    assert "DOCTYPE or entities" in refused(data)


def test_a_huge_png_is_refused_from_its_header_without_decoding(monkeypatch):
    def no_decoding(self):
        raise AssertionError("the gate decoded a picture it should refuse from the header")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert "more than 40 megapixels" in refused(huge_png())
    # The same with Pillow's own guard switched off: the gate's explicit limit holds.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert "more than 40 megapixels" in refused(huge_png())


def test_the_pixel_limit_is_the_gates_own(monkeypatch):
    data = good_png((300, 200))
    assert check_picture(data, "a.png").width == 300
    monkeypatch.setattr(pictures, "MAX_PIXELS", 50_000)
    assert "more than 0 megapixels" in refused(data)


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.9])
def test_a_jpeg_cut_anywhere_is_refused(cut: float):
    data = photo_jpeg()
    assert "damaged or truncated" in refused(data[:int(len(data) * cut)])


def test_a_jpeg_missing_only_its_end_marker_is_refused():
    assert "damaged or truncated" in refused(photo_jpeg()[:-2])


def test_a_png_with_a_damaged_checksum_is_refused():
    data = bytearray(good_png((40, 40)))
    at = data.index(b"IDAT")
    length = int.from_bytes(data[at - 4:at], "big")
    data[at + 4 + length] ^= 0xFF  # the IDAT chunk's checksum: the pixels still decode
    assert "damaged or truncated" in refused(bytes(data))


# -- what passes ------------------------------------------------------------------------


def test_bitmaps_are_described():
    png = check_picture(good_png((12, 8)), "a.png")
    assert (png.mime, png.width, png.height, png.bytes) == ("image/png", 12, 8,
                                                            len(good_png((12, 8))))
    jpeg = check_picture(photo_jpeg(), "a.jpg")
    assert (jpeg.mime, jpeg.width, jpeg.height) == ("image/jpeg", 240, 160)
    buffer = io.BytesIO()
    Image.new("RGB", (5, 7), "blue").save(buffer, "WEBP")
    webp = check_picture(buffer.getvalue(), "a.webp")
    assert (webp.mime, webp.width, webp.height) == ("image/webp", 5, 7)


def test_the_kind_comes_from_the_bytes_not_the_name():
    assert check_picture(good_png(), "photo.jpg").mime == "image/png"
    assert check_picture(svg("<rect/>"), "drawing.png").mime == "image/svg+xml"


def test_every_shipped_diagram_passes():
    files = sorted(assets_dir().rglob("*.svg"))
    assert len(files) >= 55
    for path in files:
        assert read_picture(path)[1].mime == "image/svg+xml"


@pytest.mark.parametrize("encoding,codec", [
    ("UTF-8", "utf-8"), ("UTF-16", "utf-16"), ("UTF-16LE", "utf-16-le"),
    ("windows-1251", "cp1251"), ("ISO-8859-1", "latin-1")])
def test_svg_in_any_encoding_passes(encoding: str, codec: str):
    text = (f'<?xml version="1.0" encoding="{encoding}"?>'
            f'<svg {XLINK} width="30" height="20"><text>Snow leopard</text></svg>')
    if codec == "cp1251":
        text = text.replace("Snow leopard", "Снежный барс")
    info = check_picture(text.encode(codec), "a.svg")
    assert (info.mime, info.width, info.height) == ("image/svg+xml", 30, 20)


def test_utf16_without_a_declaration_passes():
    data = f'<svg {XLINK} viewBox="0 0 64 48"/>'.encode("utf-16")
    assert check_picture(data, "a.svg").width == 64


def test_links_inside_the_picture_pass():
    data = svg('<defs><linearGradient id="g"/><rect id="r"/></defs>'
               '<rect fill="url(#g)" style="fill: url( \'#g\' )"/><use xlink:href="#r"/>'
               '<use href="#r"/><style>rect { fill: url(#g) }</style>')
    check_picture(data, "a.svg")


def test_an_embedded_bitmap_passes_the_gate_too():
    png = base64.b64encode(good_png()).decode()
    check_picture(svg(f'<image href="data:image/png;base64,{png}"/>'), "a.svg")
    assert "an embedded picture: PNG pictures are not accepted here; use JPEG" in refused(
        svg(f'<image href="data:image/jpeg;base64,{png}"/>'))
    cut = base64.b64encode(photo_jpeg()[:500]).decode()
    assert "an embedded picture: not a readable JPEG" in refused(
        svg(f'<image href="data:image/jpeg;base64,{cut}"/>'))


def test_embedded_bitmaps_share_one_pixel_budget(monkeypatch):
    monkeypatch.setattr(pictures, "MAX_PIXELS", 150)
    one = base64.b64encode(good_png((10, 10))).decode()
    image = f'<image href="data:image/png;base64,{one}"/>'
    check_picture(svg(image), "a.svg")
    assert "megapixels" in refused(svg(image * 2))


# -- what is refused, beyond the list ---------------------------------------------


@pytest.mark.parametrize("data,reason", [
    (b'<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>',
     "DOCTYPE"),
    (svg('<a><script type="text/ecmascript">x()</script></a>'), "contains a script"),
    (svg("<handler/>"), "contains a script (<handler>)"),
    (svg('<rect onclick="x()"/>'), "event attribute onclick on <rect>"),
    (svg('<rect ONMOUSEOVER="x()"/>'), "event attribute ONMOUSEOVER"),
    (svg("<foreignObject><div/></foreignObject>"), "<foreignObject> embeds another document"),
    (svg('<use xlink:href="other.svg#a"/>'), "href='other.svg#a' on <use>"),
    (svg('<use href="file:///etc/passwd"/>'), "href='file:///etc/passwd' on <use>"),
    (svg('<a href="http://example.org/"><rect/></a>'), "on <a> is not a link inside"),
    (svg('<image href="picture.png"/>'), "on <image> is not a link inside"),
    (svg('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>'),
     "must be PNG, JPEG or WebP, not 'image/svg+xml'"),
    (svg('<image href="data:image/png;base64,@@@"/>'), "not valid base64"),
    (svg('<rect fill="url(/etc/pattern.svg#p)"/>'), "fill='url(/etc/pattern.svg#p)'"),
    (svg('<rect style="fill: URL( \'http://x/y\' )"/>'), "style=\"URL( 'http://x/y' )\""),
    (svg("<style>rect { fill: url(other.svg#g) }</style>"), "<style> refers to"),
    (svg('<style>@import "x.css";</style>'), "@import or CSS escapes"),
    (svg("<style>rect { fill: \\75 rl(x.svg) }</style>"), "@import or CSS escapes"),
    (b'<?xml-stylesheet type="text/css" href="/tmp/a.css"?>'
     b'<svg xmlns="http://www.w3.org/2000/svg"/>', "a processing instruction"),
    (svg('<a><set attributeName="xlink:href" to="/etc/passwd"/></a>'), "<set> changes a link"),
    (svg("<g>" * 250 + "</g>" * 250), "nested more than 200 deep"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG image"),
    (b"<svg", "not a readable SVG"),
    (b"BM\x00\x00\x00\x00", "not a picture; use PNG, JPEG, WebP or SVG"),
    (b"", "not a picture"),
])
def test_svg_and_other_dangers_are_refused(data: bytes, reason: str):
    assert reason in refused(data)


def test_a_huge_tree_is_refused_while_it_is_parsed(monkeypatch):
    monkeypatch.setattr(pictures, "MAX_SVG_ELEMENTS", 1000)
    check_picture(svg("<rect/>" * 999), "a.svg")
    assert "SVG refused: more than 1000 elements" in refused(svg("<rect/>" * 1000))
    # Deep nesting that is not even well-formed is refused before the parser's own error.
    assert "nested more than 200 deep" in refused(svg("<g>" * 201))


def test_a_kind_not_allowed_here_is_refused_before_it_is_parsed():
    message = refused(hostile("xxe-utf8.svg").data, allowed={"image/png", "image/jpeg"})
    assert message == "pic: SVG pictures are not accepted here; use PNG, JPEG"


def test_odd_sizes_do_not_break_the_gate():
    info = check_picture(svg("", width="9" * 400, height="1.2.3", viewBox="0 0 x y"), "a.svg")
    assert (info.width, info.height) == (None, None)


def test_a_file_too_large_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch):
    path = tmp_path / "big.svg"
    path.write_bytes(svg("<rect/>" * 100))
    monkeypatch.setattr(pictures, "MAX_BYTES", 100)
    with pytest.raises(MediaError, match=r"big\.svg: the image is .* MB; the limit is"):
        read_picture(path)


def test_a_missing_file_a_folder_or_a_pipe_is_a_clear_refusal(tmp_path: Path):
    import os

    paths = [tmp_path / "missing.png", tmp_path]
    if hasattr(os, "mkfifo"):
        paths.append(tmp_path / "pipe.png")
        os.mkfifo(paths[-1])  # opening it to read would wait for a writer for ever
    for path in paths:
        with pytest.raises(MediaError, match=f"{path}: cannot read the image"):
            read_picture(path)


def test_messages_are_translated():
    from idtrainer.core import i18n

    i18n.set_language("ru")
    try:
        message = refused(hostile("script.svg").data)
    finally:
        i18n.set_language("en")
    assert "script" in message and "SVG" in message
    assert any("а" <= ch <= "я" for ch in message)
