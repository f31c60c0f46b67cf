"""Rendering draws only pictures that pass the gate, and reaches no file (gui/images.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QSize

from hostile_pictures import HOSTILE_NAMES, XLINK, good_png, hostile
from idtrainer.core.resources import assets_dir
from idtrainer.gui.images import SVG_MIME, ThumbnailCache, render


def stored(folder: Path, data: bytes) -> Path:
    """A file named as the media store names it: by its hash, with no suffix."""
    path = folder / hashlib.sha256(data).hexdigest()
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if hostile(n).svg])
def test_a_hostile_svg_is_not_rendered(qapp, tmp_path: Path, name: str):
    assert render(stored(tmp_path, hostile(name).data), SVG_MIME, QSize(64, 64)).isNull()


def test_an_svg_pointing_at_a_local_file_reaches_no_file(qapp, tmp_path: Path):
    red = tmp_path / "red.png"
    red.write_bytes(good_png((10, 10), "red"))
    data = (f'<svg {XLINK} width="10" height="10"><rect width="10" height="10" fill="blue"/>'
            f'<image xlink:href="{red}" width="10" height="10"/></svg>').encode()
    assert render(stored(tmp_path, data), SVG_MIME).isNull()
    # The same picture without the reference is drawn: the refusal is the reference.
    safe = data.replace(f'<image xlink:href="{red}" width="10" height="10"/>'.encode(), b"")
    image = render(stored(tmp_path, safe), SVG_MIME)
    assert image.pixelColor(5, 5).name() == "#0000ff"


def test_an_svg_stored_as_a_bitmap_is_not_drawn_as_svg(qapp, tmp_path: Path):
    data = f'<svg {XLINK} width="10" height="10"><rect width="10" height="10"/></svg>'.encode()
    path = stored(tmp_path, data)
    for mime in ("image/png", "image/jpeg", "image/webp", "image/gif"):
        assert render(path, mime).isNull(), mime
    png = stored(tmp_path, good_png((10, 10), "red"))
    assert render(png, "image/png").pixelColor(5, 5).name() == "#ff0000"
    assert render(png, "image/jpeg").isNull()


def test_the_shipped_diagrams_render(qapp):
    for path in sorted(assets_dir().rglob("*.svg"))[:5]:
        assert not render(path, SVG_MIME, QSize(120, 120)).isNull(), path


def test_a_hostile_thumbnail_is_empty_and_nothing_breaks(qapp, tmp_path: Path):
    cache = ThumbnailCache(tmp_path / "thumbs", size=48)
    path = stored(tmp_path, hostile("external.svg").data)
    assert cache.get(path.name, path, SVG_MIME) is None
    cache.wait()
    assert cache.images[path.name].isNull()
    assert not cache.path_for(path.name).exists()


def test_a_lesson_can_show_no_file_from_disk(qapp, loaded, tmp_path: Path):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    from idtrainer.gui.context import AppContext
    from idtrainer.gui.learn import LessonBrowser

    red = tmp_path / "red.png"
    red.write_bytes(good_png((10, 10), "red"))
    browser = LessonBrowser(AppContext(loaded))
    image = QTextDocument.ResourceType.ImageResource
    for url in (QUrl.fromLocalFile(str(red)), QUrl(str(red)), QUrl("red.png")):
        assert browser.loadResource(image, url) is None, url
    browser.setSearchPaths([str(tmp_path)])
    browser.setMarkdown(f"![a]({red}) ![b](red.png) ![c](file://{red})")
    assert browser.document().resource(image, QUrl("red.png")) is None
    shown = browser.loadResource(image, QUrl("species:saiga-tatarica/media/saiga-horn.svg"))
    assert not shown.isNull()  # the media store's pictures still show


def test_an_svg_declaring_a_giant_size_is_drawn_bounded(qapp, tmp_path: Path):
    data = f'<svg {XLINK} width="200000" height="100000"><rect width="9" height="9"/></svg>'
    image = render(stored(tmp_path, data.encode()), SVG_MIME)
    assert (image.width(), image.height()) == (4096, 2048)
    small = f'<svg {XLINK} width="30" height="20"><rect width="9" height="9"/></svg>'
    assert render(stored(tmp_path, small.encode()), SVG_MIME).size() == QSize(30, 20)


def test_a_sound_thumbnail_is_made_kept_and_read_back(qapp, tmp_path: Path):
    data = f'<svg {XLINK} width="30" height="20"><rect width="30" height="20" fill="red"/></svg>'
    path = stored(tmp_path, data.encode())
    cache = ThumbnailCache(tmp_path / "thumbs", size=48)
    assert cache.get(path.name, path, SVG_MIME) is None
    cache.wait()
    assert cache.path_for(path.name).exists()
    again = ThumbnailCache(tmp_path / "thumbs", size=48).get(path.name, path, SVG_MIME)
    assert again is not None and again.pixelColor(24, 24).name() == "#ff0000"


@pytest.mark.parametrize("name", [n for n in HOSTILE_NAMES if hostile(n).decode_only])
def test_a_damaged_bitmap_is_a_placeholder_and_nothing_breaks(qapp, qtbot, tmp_path: Path,
                                                              name: str):
    # A picture from a bundle passed only the structural check at import; the first
    # display runs the full gate: not drawn (not even half), a placeholder in the gallery,
    # no thumbnail kept.
    from idtrainer.core.media import MediaItem
    from idtrainer.gui.gallery import Gallery
    from idtrainer.gui.images import placeholder

    case = hostile(name)
    path = stored(tmp_path, case.data)
    assert render(path, case.mime, QSize(64, 64)).isNull()
    cache = ThumbnailCache(tmp_path / "thumbs", size=48)
    assert cache.get(path.name, path, case.mime) is None
    cache.wait()
    assert cache.images[path.name].isNull()
    assert not cache.path_for(path.name).exists()
    gallery = Gallery()
    qtbot.addWidget(gallery)
    gallery.set_images([MediaItem("m-1", path.name, case.mime, 240, 160, "CC0-1.0", "a",
                                  "s", None, path)])
    shown = gallery.view.item.pixmap().toImage()
    assert not shown.isNull()
    assert shown.convertToFormat(placeholder().format()) == placeholder()
