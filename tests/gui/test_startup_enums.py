"""Start-up builds none of the enums of Qt's namespace (``Qt.Key``, ``Qt.ItemFlag``…).

PySide builds all ~90 of them, with their 1,700 members, the first time any is named or
passed: about 15 ms before the start screen shows, and more at quit. The start screen
needs none of them (see ``main_window.set_keys``); this keeps it so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from idtrainer.gui.main_window import set_keys

BUILT = """
def built():
    import enum, gc
    return sorted({o.__qualname__ for o in gc.get_objects()
                   if isinstance(o, enum.EnumType) and o.__qualname__.startswith("Qt.")})
"""

LAUNCH = BUILT + """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from idtrainer.gui.app import launch
app = QApplication(sys.argv)
launched = launch(Path(sys.argv[1]), app)
app.processEvents()
window = launched.windows[0]
assert window.stack.currentWidget() is window.start
print("QT-ENUMS", len(built()), " ".join(built()[:10]))
launched.store.close()
"""

#: The real start (``idtrainer``): run() adds the log, the bug dialog's hooks, the
#: stylesheet and Qt's own translations; checked once its event loop runs.
RUN = BUILT + """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from idtrainer.gui.app import run
def check():
    print("QT-ENUMS", len(built()), " ".join(built()[:10]), flush=True)
    app.quit()
QTimer.singleShot(0, check)
run(Path(sys.argv[1]))
"""

NAMED = BUILT + """
from PySide6.QtCore import Qt
Qt.ItemFlag.ItemIsEnabled
print("QT-ENUMS", len(built()))
"""


def run(script: str, *args: str) -> str:
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return next(x for x in out.stdout.splitlines() if x.startswith("QT-ENUMS"))


def test_the_start_screen_builds_no_enum_of_qts_namespace(starter_db: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(starter_db, data)
    assert run(LAUNCH, str(data)) == "QT-ENUMS 0 "


def test_the_real_start_builds_none_either(starter_db: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(starter_db, data)
    assert run(RUN, str(data)) == "QT-ENUMS 0 "


def test_the_check_sees_qts_enums_once_one_is_named():
    assert int(run(NAMED).split()[1]) > 50  # naming one builds them all


def test_set_keys_shows_the_first_key_and_every_key_triggers_while_enabled(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    fired = []
    action = QAction(parent, triggered=lambda: fired.append(1))
    parent.addAction(action)
    set_keys(action, "Ctrl++", "Ctrl+=")
    assert action.shortcut() == QKeySequence("Ctrl++")
    extra = parent.findChildren(QShortcut)
    assert [s.key() for s in extra] == [QKeySequence("Ctrl+=")]
    extra[0].activated.emit()
    QApplication.processEvents()
    assert fired == [1]
    action.setEnabled(False)
    extra[0].activated.emit()
    assert fired == [1]

    quit_action = QAction(parent)
    set_keys(quit_action, QKeySequence.StandardKey.Quit)
    assert quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    with pytest.raises(ValueError):  # a second key needs a window to work in
        set_keys(QAction(), "Ctrl+1", "Ctrl+2")


def test_the_profile_role_is_qts_user_role():
    from PySide6.QtCore import Qt

    from idtrainer.gui.start import TRAINEE_ROLE

    assert Qt.ItemDataRole.UserRole == TRAINEE_ROLE
