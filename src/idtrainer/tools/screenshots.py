"""Render each main screen in each language to PNG, offscreen.

    python -m idtrainer.tools.screenshots OUTDIR [--data-dir DIR] [--lang ru kk ...]
        [--size 1366x768]

Uses the data directory given (or a fresh one built from the starter content) and a
demo profile; writes OUTDIR/<screen>-<lang>.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from idtrainer.core import i18n
from idtrainer.core.app_data import open_store
from idtrainer.gui import runner
from idtrainer.gui.context import AppContext
from idtrainer.gui.main_window import PAGES as PAGES_FOR_SHOTS
from idtrainer.gui.main_window import MainWindow

DEMO_NAME = "Айгерим Сейітова"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m idtrainer.tools.screenshots")
    parser.add_argument("out", type=Path)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--lang", nargs="*", default=list(i18n.LANGUAGES))
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    runner.set_inline(True)
    data = args.data_dir or Path(tempfile.mkdtemp()) / "data"
    store = open_store(data)
    ctx = AppContext(store, app)
    window = MainWindow(ctx, data / "thumbnails")
    window.resize(width, height)
    window.show()

    def shoot(widget: QWidget, name: str, lang: str) -> None:
        app.processEvents()
        path = args.out / f"{name}-{lang}.png"
        widget.grab().save(str(path))
        print(path)

    for lang in args.lang:
        ctx.set_language(lang)
        shoot(window, "start", lang)
    people = [p for p in store.trainees.list() if p.name == DEMO_NAME]
    trainee = people[0].uuid if people else store.trainees.create(DEMO_NAME)
    order = store.progress.lesson_order()
    if order:
        store.progress.mark_read(trainee, order[0])
    ctx.sign_in(trainee)
    window.learn.open_lesson(order[1] if len(order) > 1 else order[0])
    window.go_to(1)
    window.thumbnails.wait()
    window.library.refresh()
    saiga = store.species.uuid_for("saiga-tatarica") or store.species.list("en")[0].uuid
    card = window.open_species(saiga)
    card.resize(width, height)
    for lang in args.lang:
        ctx.set_language(lang)
        window.go_to(0)
        shoot(window, "learn", lang)
        window.go_to(1)
        shoot(window, "library", lang)
        shoot(card, "card", lang)
    shoot_sync(window, ctx, args.lang, shoot)
    window.close()
    ctx.detach()
    store.close()
    return 0


def shoot_sync(window: MainWindow, ctx: AppContext, langs: list[str], shoot) -> None:
    """The USB sync page in trainer mode after one sync, the content dialog, the trust box."""
    from idtrainer.core import bundles, usb
    from idtrainer.gui.sync import ContentDialog, trust_box

    stick = Path(tempfile.mkdtemp()) / "stick"
    stick.mkdir()
    if not ctx.store.trainer.has_password():
        ctx.store.trainer.set_password("screenshots-only", name="Trainer")
    ctx.unlock_trainer()
    page = window.sync
    page.add_folder(str(stick))
    page.sync()
    content = usb.write_content(ctx.store, stick, title="Almaty, November")
    page._imported(bundles.import_many(ctx.store, [content.path]))
    row = [key for key, _label in PAGES_FOR_SHOTS].index("sync")
    for lang in langs:
        ctx.set_language(lang)
        window.go_to(row)
        shoot(window, "sync", lang)
        dialog = ContentDialog(ctx, window)
        dialog.chosen.setChecked(True)
        dialog.show()
        shoot(dialog, "sync-content", lang)
        dialog.close()
        box = trust_box(window, content.manifest)
        box.show()
        shoot(box, "sync-trust", lang)
        box.close()


if __name__ == "__main__":
    sys.exit(main())
