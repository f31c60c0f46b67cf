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

from idtrainer.gui.flow import FlowLayout


class FormDialog(QDialog):
    """OK calls ``on_ok``, which either accepts or puts the reason in ``self.error``."""

    def __init__(self, parent: QWidget | None, title: str, on_ok: Callable[[], None],
                 hint: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        # Room for a full name or title in a field, whatever the text size.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
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


def button_row(*buttons: QWidget, wrap: bool = True) -> QWidget:
    """Buttons side by side, from the left, wrapping onto a second line when the row
    runs out of width (larger text sizes, longer languages); ``wrap=False`` keeps one
    line, e.g. a field with its Choose… button (the field takes the width)."""
    holder = QWidget()
    row = FlowLayout(holder) if wrap else QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for button in buttons:
        row.addWidget(button)
    return holder
