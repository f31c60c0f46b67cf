"""The installed PySide6 keeps Python's reference counts right.

PySide6 6.12.0 loses a reference to ``None`` on every call of a Qt method that returns
nothing (``setEnabled``, ``setText``...). On Python 3.11, where ``None`` is not immortal,
a session of ordinary use then aborts the interpreter ("Fatal Python error: none_dealloc").
pyproject.toml excludes that release; this test fails on any release with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPushButton


def test_calling_qt_methods_keeps_none_alive(qapp):
    button = QPushButton()
    before = sys.getrefcount(None)
    for _ in range(2000):
        button.setEnabled(True)
        button.setText("x")
        button.setVisible(False)
    assert sys.getrefcount(None) - before > -100  # a little noise, not -6000
