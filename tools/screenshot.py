"""Render IDTrainer windows offscreen to PNG, once per language, to look at them.

    python tools/screenshot.py OUT_DIR [--data-dir DIR] [--lang ru kk ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from idtrainer.core import i18n
from idtrainer.core.app_data import open_store
from idtrainer.gui.app import MainWindow


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--lang", nargs="*", default=list(i18n.LANGUAGES))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    store = open_store(args.data_dir or Path(tempfile.mkdtemp()) / "data")
    window = MainWindow(store)
    window.show()
    for lang in args.lang:
        i18n.set_language(lang)
        app.processEvents()
        path = args.out / f"main-window-{lang}.png"
        window.grab().save(str(path))
        print(path)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
