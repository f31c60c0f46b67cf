"""Dialogs of the start screen: a new profile, and the PIN prompt."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import Store
from idtrainer.gui.forms import FormDialog, secret_field


class NewProfileDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, _("New profile"), self._check)
        self.name = QLineEdit()
        self.name.setMinimumWidth(self.fontMetrics().averageCharWidth() * 36)  # a full name
        self.pin = secret_field(4)
        self.repeat = secret_field(4)
        self.form.addRow(_("Your &name (as on your certificate):"), self.name)
        self.form.addRow(_("&PIN, 4 digits (optional):"), self.pin)
        self.form.addRow(_("&Repeat the PIN:"), self.repeat)

    def _check(self) -> None:
        if not self.name.text().strip():
            self.error.setText(_("A profile needs a name."))
        elif self.pin.text() and not (len(self.pin.text()) == 4 and self.pin.text().isdigit()):
            self.error.setText(_("A PIN is four digits."))
        elif self.pin.text() != self.repeat.text():
            self.error.setText(_("The two PINs are not the same."))
        else:
            self.accept()


def ask_pin(parent: QWidget, store: Store, trainee: str, name: str) -> bool:
    pin, ok = QInputDialog.getText(parent, _("PIN"), _("PIN for {name}:").format(name=name),
                                   QLineEdit.EchoMode.Password)
    if not ok:
        return False
    if store.trainees.check_pin(trainee, pin):
        return True
    QMessageBox.warning(parent, _("PIN"), _("That PIN is not right."))
    return False
