"""The shape every small form dialog shares: a hint, labelled fields, an error line, OK/Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class FormDialog(QDialog):
    """OK calls ``on_ok``, which either accepts or puts the reason in ``self.error``."""

    def __init__(self, parent: QWidget | None, title: str, on_ok: Callable[[], None],
                 hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel(wordWrap=True)
        self.error.setObjectName("error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(on_ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if hint:
            layout.addWidget(QLabel(hint, wordWrap=True))
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)


def secret_field(max_length: int = 0) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    if max_length:
        field.setMaxLength(max_length)
    return field


def button_row(*buttons: QWidget) -> QWidget:
    """Buttons side by side, pushed to the left: one row of a form."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return holder
