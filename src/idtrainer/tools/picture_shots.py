"""Render the authoring workspace's Pictures tab with an annotated photo, per language.

    python -m idtrainer.tools.picture_shots OUTDIR [--lang ru kk ...]

Builds a fresh installation from the starter content, imports a drawn stand-in for a
photo of seized saiga horns (no real photo ships with the project) with EXIF and GPS
that the import removes, places four feature markers and writes
OUTDIR/authoring-pictures-<lang>.png, OUTDIR/card-photo-<lang>.png (the species card) and
OUTDIR/authoring-picture-delete-<lang>.png (the question asked before deleting the saiga
horn diagram, which lessons show).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from idtrainer.core.app_data import open_store
from idtrainer.core.photos import PhotoDetails
from idtrainer.gui import runner
from idtrainer.gui.context import AppContext


def stand_in_photo(path: Path) -> Path:
    """A drawn 'photo' of two saiga horns on a table, with camera EXIF and GPS."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = 1600, 1200
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):   # a wooden table, lit from above
        shade = int(150 - 60 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade + 40, shade + 10, shade - 30))
    for i, x0 in enumerate((480, 1000)):
        side = -1 if i == 0 else 1
        points = [(x0 + side * 90 * math.sin(t / 30 * math.pi) - side * 40 * t / 30,
                   1050 - 26 * t) for t in range(31)]
        for j, (x, y) in enumerate(points):
            r = 58 - j * 1.6
            draw.ellipse([x - r, y - r, x + r, y + r], fill=(222, 190, 120))
        for j in range(2, 15):   # raised rings on the lower part
            x, y = points[j]
            r = 58 - j * 1.6
            draw.arc([x - r, y - r / 3, x + r, y + r / 3], 0, 180, fill=(150, 115, 60),
                     width=6)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 57.0, 0.0)})
    image.save(path, "JPEG", exif=exif.tobytes(), quality=90)
    return path


def shoot_delete_prompt(app: QApplication, ctx: AppContext, tab: object, path: Path) -> None:
    """The question asked before deleting a picture that lessons and a species show."""
    from PySide6.QtWidgets import QMessageBox

    from idtrainer.core import i18n
    from idtrainer.core.authoring import AuthoringSession
    from idtrainer.core.i18n import gettext as _
    from idtrainer.core.store import content_uuid
    from idtrainer.gui.authoring.editing import delete_prompt
    from idtrainer.gui.authoring.pictures import PicturesTab, picture_name

    assert isinstance(tab, PicturesTab)
    diagram = content_uuid("media", "saiga-tatarica/media/saiga-horn-comparison.svg")
    tab.select_picture(diagram)
    entry = tab.pictures.currentItem()
    session = AuthoringSession(ctx.store, trainer_unlocked=True)
    refs = session.references("picture", diagram, i18n.current_language())
    box = QMessageBox(QMessageBox.Icon.Question, _("Delete"),
                      delete_prompt(picture_name(entry.text() if entry else ""), refs),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, tab)
    box.show()
    app.processEvents()
    box.grab().save(str(path))
    print(path)
    box.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m idtrainer.tools.picture_shots")
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", nargs="*", default=["ru", "kk"])
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    from idtrainer.gui import style
    from idtrainer.gui.authoring.pictures import PicturesTab
    from idtrainer.gui.authoring.workspace import AuthoringPage
    from idtrainer.gui.species_card import SpeciesCardWindow

    style.apply(app)
    from idtrainer.core import i18n
    from idtrainer.gui.app import QtTranslations

    # Qt's own buttons (Yes, No) in the language shown.
    i18n.add_language_listener(QtTranslations.for_app(app).apply)
    runner.set_inline(True)
    work = Path(tempfile.mkdtemp())
    store = open_store(work / "data")
    saiga = store.species.uuid_for("saiga-tatarica")
    assert saiga is not None
    media = store.photos.import_file(stand_in_photo(work / "IMG_2041.jpg"), PhotoDetails(
        "CC0-1.0", "IDTrainer team", "Drawn stand-in for a photo of seized horns", saiga,
        {"en": "Seized saiga horns (drawn stand-in)", "ru": "Изъятые рога сайги (рисунок)",
         "kk": "Тәркіленген ақбөкен мүйіздері (сурет)"}))
    choices = store.markers.choices(media, "en")
    for number, x, y in ((2, 0.26, 0.5), (3, 0.665, 0.72), (4, 0.33, 0.22), (5, 0.675, 0.48)):
        store.markers.place(media, choices[number - 1].uuid, x, y)
    ctx = AppContext(store, app)
    page = AuthoringPage(ctx)
    page.resize(width, height)
    page.show()
    tab = page.show_tab("pictures")
    assert isinstance(tab, PicturesTab)
    tab.show_species(saiga, media)
    for lang in args.lang:
        ctx.set_language(lang)
        tab.show_species(saiga, media)
        app.processEvents()
        path = args.out / f"authoring-pictures-{lang}.png"
        page.grab().save(str(path))
        print(path)
        card = SpeciesCardWindow(ctx, saiga)
        card.resize(width, height)
        card.show()
        card.gallery.go(len(card.gallery.images) - 1)   # the photo, added last
        app.processEvents()
        path = args.out / f"card-photo-{lang}.png"
        card.grab().save(str(path))
        print(path)
        card.close()
        shoot_delete_prompt(app, ctx, tab, args.out / f"authoring-picture-delete-{lang}.png")
        tab.show_species(saiga, media)
    page.close()
    ctx.detach()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
