"""The Pictures tab: import a photo from the GUI (licence required), place, move and delete
markers by mouse, and see the labels in the language picked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from idtrainer.gui import runner
from idtrainer.gui.authoring import pictures
from idtrainer.gui.authoring.workspace import AuthoringPage
from idtrainer.gui.context import AppContext


@pytest.fixture
def tab(qtbot, loaded):
    runner.set_inline(True)
    ctx = AppContext(loaded)
    ctx.unlock_trainer()  # authoring is for trainers: edits go through the session
    page = AuthoringPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    widget = page.show_tab("pictures")
    assert isinstance(widget, pictures.PicturesTab)
    widget.show_species(loaded.species.uuid_for("saiga-tatarica"))
    yield widget
    page.close()
    ctx.lock_trainer()  # stops the idle timer, which would outlive the test
    ctx.detach()
    runner.set_inline(False)


def camera_photo(path: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 15.0, 30.0)})
    Image.new("RGB", (900, 600), (190, 170, 120)).save(path, "JPEG", exif=exif.tobytes())
    return path


def import_from_gui(tab: pictures.PicturesTab, monkeypatch, path: Path) -> str:
    """Pick the file, try OK without a licence (refused with the reason), then fill it."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen: dict[str, str] = {}

    def fill(dialog: pictures.PhotoDialog) -> int:
        dialog.author.setText("Aigerim S.")
        dialog.source.setText("Training centre, Almaty")
        dialog.caption.setText("Seized horns")
        dialog._ok()
        seen["error"] = dialog.error.text()
        assert dialog.result() != QDialog.DialogCode.Accepted
        dialog.licence.setCurrentIndex(dialog.licence.findData("CC-BY-4.0"))
        dialog._ok()
        return dialog.result()

    monkeypatch.setattr(pictures.PhotoDialog, "exec", fill)
    before = set(tab.ctx.store.photos.for_species(tab.species.currentData()))
    tab.import_button.click()
    assert "licence" in seen["error"]
    added = set(tab.ctx.store.photos.for_species(tab.species.currentData())) - before
    assert len(added) == 1
    return added.pop()


def test_import_a_photo_from_the_gui(tab, monkeypatch, tmp_path: Path):
    media = import_from_gui(tab, monkeypatch, camera_photo(tmp_path / "IMG_7.jpg"))
    assert tab.current_media() == media
    item = tab.ctx.store.media.get(media, "en")
    with Image.open(io.BytesIO(item.path.read_bytes())) as image:
        assert len(image.getexif()) == 0
    assert tab.author.text() == "Aigerim S." and tab.licence.currentData() == "CC-BY-4.0"
    assert not tab.canvas.image.isNull()
    # Licence and source are edited in place; a blank source is refused with the reason.
    tab.source.setText("")
    tab.save_button.click()
    assert "source" in tab.error.text()
    assert tab.ctx.store.media.get(media, "en").source == "Training centre, Almaty"


def click(qtbot, tab: pictures.PicturesTab, x: float, y: float, **kwargs) -> None:
    point = tab.canvas.point_for(x, y).toPoint()
    qtbot.mouseClick(tab.canvas, kwargs.get("button", Qt.MouseButton.LeftButton), pos=point)


def test_place_move_and_delete_markers_by_mouse(tab, qtbot, monkeypatch, tmp_path: Path):
    media = import_from_gui(tab, monkeypatch, camera_photo(tmp_path / "IMG_8.jpg"))
    store = tab.ctx.store
    monkeypatch.setattr(tab, "choose_feature", lambda choices, where: choices[1])
    click(qtbot, tab, 0.5, 0.5)
    (marker,) = store.markers.on(media, "en")
    assert marker.number == 2
    assert abs(marker.x - 0.5) < 0.01 and abs(marker.y - 0.5) < 0.01
    # Drag it to the upper left.
    start = tab.canvas.point_for(marker.x, marker.y).toPoint()
    end = tab.canvas.point_for(0.2, 0.25).toPoint()
    qtbot.mousePress(tab.canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseRelease(tab.canvas, Qt.MouseButton.LeftButton, pos=end)
    (moved,) = store.markers.on(media, "en")
    assert abs(moved.x - 0.2) < 0.01 and abs(moved.y - 0.25) < 0.01
    # A click beside the picture (in the legend) places nothing.
    legend = tab.canvas.point_for(0.5, 1.0).toPoint() + QPoint(0, 12)
    qtbot.mouseClick(tab.canvas, Qt.MouseButton.LeftButton, pos=legend)
    assert len(store.markers.on(media, "en")) == 1
    # Select it and delete it.
    qtbot.mouseClick(tab.canvas, Qt.MouseButton.LeftButton,
                     pos=tab.canvas.point_for(0.2, 0.25).toPoint())
    assert tab.canvas.selected == moved.uuid and tab.delete_button.isEnabled()
    tab.delete_button.click()
    assert store.markers.on(media, "en") == []


def test_the_preview_follows_the_language_picked(tab, qtbot, monkeypatch, tmp_path: Path):
    media = import_from_gui(tab, monkeypatch, camera_photo(tmp_path / "IMG_9.jpg"))
    monkeypatch.setattr(tab, "choose_feature", lambda choices, where: choices[3])
    click(qtbot, tab, 0.4, 0.6)
    shown = {}
    for locale in ("ru", "kk"):
        tab.show_in.setCurrentIndex(tab.show_in.findData(locale))
        assert tab.item is not None and tab.item.uuid == media
        (marker,) = tab.item.markers
        shown[locale] = (marker.label.value, tab.canvas.image.copy())
    assert shown["ru"][0] == "Гладкий кончик, без колец"
    assert shown["kk"][0] == "Тегіс ұшы, сақинасыз"
    assert shown["ru"][1] != shown["kk"][1]   # the legend drawn differs


def test_learn_and_the_card_show_the_photo_with_its_markers(tab, qtbot, monkeypatch,
                                                            tmp_path: Path):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    from idtrainer.gui.learn import LessonBrowser
    from idtrainer.gui.species_card import SpeciesCardWindow

    media = import_from_gui(tab, monkeypatch, camera_photo(tmp_path / "IMG_10.jpg"))
    monkeypatch.setattr(tab, "choose_feature", lambda choices, where: choices[0])
    click(qtbot, tab, 0.5, 0.5)
    browser = LessonBrowser(tab.ctx)
    shown = browser.loadResource(QTextDocument.ResourceType.ImageResource,
                                 QUrl(f"media:{media}"))
    assert not shown.isNull()
    assert shown.height() > shown.width() * 600 / 900 + 10          # the legend below
    scale = shown.width() / 900
    # Beside the white number, inside the red circle (radius 18 px at 900 px wide).
    disc = shown.pixelColor(round((450 - 12) * scale), round(300 * scale))
    assert disc.red() > 150 and disc.green() < 80                    # the red marker
    card = SpeciesCardWindow(tab.ctx, tab.species.currentData())
    qtbot.addWidget(card)
    shown_on_card = [i for i in card.gallery.images if i.uuid == media]
    assert shown_on_card and len(shown_on_card[0].markers) == 1
